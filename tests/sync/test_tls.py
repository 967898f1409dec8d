"""The central address is HTTPS beyond loopback, checked against the office's CA (issue 16, item 3).

A real central process serves HTTPS with a certificate from a CA made here (``cryptography``, already a
dependency, so no test-only package is needed); a terminal that trusts that CA syncs, one that does not
says so in Chinese and keeps everything queued. Plain HTTP to another machine is refused when it is
configured and when the terminal starts.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.settings import Settings, load_settings, save_settings
from app.terminal import Terminal
from central.process import CentralServerProcess
from core.errors import CentralNotTrusted, ConfigError
from local_db.submissions import pending_count
from sync.events import Offline
from tests.app.conftest import CentralKey
from tests.sync.engine_rig import central_records, submission_with


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def make_ca(directory: Path, name: str) -> tuple[Path, x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A self-signed CA certificate (PEM in ``directory/<name>-ca.pem``) and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(name)).issuer_name(_name(name))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False),
                           critical=True)
            .sign(key, hashes.SHA256()))
    path = directory / f"{name}-ca.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path, cert, key


def make_server_cert(directory: Path, ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost issued by ``ca``: (certificate PEM, key PEM)."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name("central.test")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    cert_path, key_path = directory / "central-cert.pem", directory / "central-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(_pem_key(key))
    return cert_path, key_path


@pytest.fixture
def https_central(tmp_path: Path, central_db: Path, central_key: CentralKey) -> Any:
    """The central process serving HTTPS with a certificate of the office's CA; (server, CA file)."""
    ca_file, ca, ca_key = make_ca(tmp_path, "office")
    cert, key = make_server_cert(tmp_path, ca, ca_key)
    server = CentralServerProcess.start(central_db, stderr_path=tmp_path / "central-tls.log", ca_file=ca_file,
                                        extra_args=(*central_key.serve_args(), "--tls-cert", str(cert),
                                                    "--tls-key", str(key)))
    try:
        yield server, ca_file
    finally:
        server.stop()


def test_a_terminal_trusting_the_offices_ca_syncs_over_https(https_central: Any, make_terminal: Callable[..., Terminal],
                                                             central_db: Path) -> None:
    server, ca_file = https_central
    assert server.base_url.startswith("https://127.0.0.1:")
    terminal = make_terminal(server.base_url, start_sender=False, central_ca_file=ca_file)
    sid = submission_with(terminal, [b"scan"])
    assert terminal.sender is not None
    summary = terminal.sender.sync_once()
    assert summary.error is None and summary.sent == 1 and pending_count(terminal.db) == 0
    assert [r["id"] for r in central_records(central_db)] == [sid]
    assert sorted(summary.reference_updated) == ["figures-00", "figures-61", "forms", "holidays"]  # signed


@pytest.mark.parametrize("trust", ["another CA", "the system's trust store"])
def test_a_terminal_not_trusting_it_says_why_and_keeps_everything(https_central: Any, tmp_path: Path, trust: str,
                                                                  make_terminal: Callable[..., Terminal],
                                                                  central_db: Path) -> None:
    server, _ca_file = https_central
    ca_file = make_ca(tmp_path, "stranger")[0] if trust == "another CA" else None
    terminal = make_terminal(server.base_url, start_sender=False, central_ca_file=ca_file)
    heard: list[object] = []
    terminal.events.subscribe(heard.append)
    sid = submission_with(terminal, [b"scan"])
    assert terminal.sender is not None
    summary = terminal.sender.sync_once()
    assert summary.sent == 0 and summary.error is not None and "无法验证中心系统的证书" in summary.error
    offline = [e for e in heard if isinstance(e, Offline)]
    assert offline and isinstance(offline[-1].error, CentralNotTrusted)
    assert "central_ca_file" in offline[-1].error.hint
    assert [v.id for v in _queued(terminal)] == [sid] and pending_count(terminal.db) == 1
    assert central_records(central_db) == []


def _queued(terminal: Terminal) -> list[Any]:
    from app import queries
    from tests.app.conftest import CLERK

    return list(queries.records(terminal, CLERK, queries.RecordFilter(), audited=False).records)


@pytest.mark.parametrize("url", ["http://10.0.0.5:8470", "http://central.example:8470", "http://[fe80::1]:8470",
                                 "http://127.0.0.1.example.com", "ftp://127.0.0.1"])
def test_plain_http_beyond_loopback_is_refused(url: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="中心系统地址"):
        Settings(central_url=url)
    path = tmp_path / "settings.toml"
    path.write_text(f'central_url = "{url}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as refused:  # at start: the settings are read before anything runs
        load_settings(path)
    assert str(path) in refused.value.user_message and "中心系统地址" in refused.value.hint


@pytest.mark.parametrize("url", ["http://127.0.0.1:8470", "http://127.8.0.1", "http://localhost:8470",
                                 "http://[::1]:8470", "https://10.0.0.5:8443", "https://central.example"])
def test_https_anywhere_and_plain_http_to_this_machine_are_allowed(url: str, tmp_path: Path) -> None:
    save_settings(Settings(central_url=url), tmp_path / "settings.toml")
    assert load_settings(tmp_path / "settings.toml").central_url == url


def test_an_unreadable_ca_file_stops_the_start(make_terminal: Callable[..., Terminal], tmp_path: Path) -> None:
    (tmp_path / "broken.pem").write_text("not a certificate", encoding="utf-8")
    for ca_file in (tmp_path / "missing.pem", tmp_path / "broken.pem"):
        with pytest.raises(ConfigError) as refused:
            make_terminal("https://127.0.0.1:9", start_sender=False, central_ca_file=ca_file)
        assert "CA 证书" in refused.value.user_message
