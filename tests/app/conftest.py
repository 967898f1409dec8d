"""A real reference central server process and a terminal wired to it."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.secrets import SecretStore, file_keyring
from app.settings import DeviceMode, DeviceSettings, Settings
from app.terminal import Terminal, build_terminal
from central.process import CentralServerProcess
from central.signing import generate, keyring_backend
from central.store import add_terminal
from local_db.clerks import ClerkInfo, Role, add_clerk
from sync.engine import Backoff

TERMINAL_ID = "T-TEST-01"
CLERK = ClerkInfo("1001", "测试柜员", frozenset({Role.FRONT_DESK, Role.REVIEW}))
PASSWORD = "counter-pass"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def central_db(tmp_path: Path) -> Path:
    return tmp_path / "central.sqlite3"


@pytest.fixture
def secrets_store(tmp_path: Path, central_db: Path) -> SecretStore:
    store = SecretStore(file_keyring(tmp_path / "keyring"))
    store.set_terminal_token(add_terminal(central_db, TERMINAL_ID))
    return store


@dataclass(frozen=True)
class CentralKey:
    """The central system's reference signing key in a keyring file of the test's own, and its public key."""

    keyring_dir: Path
    public_key: str

    def serve_args(self) -> tuple[str, ...]:
        return ("--keyring-dir", str(self.keyring_dir))


def make_central_key(keyring_dir: Path) -> CentralKey:
    """A new signing key, as ``sicounter central keygen --keyring-dir DIR`` makes it."""
    signer, _made = generate(keyring_backend(keyring_dir))
    return CentralKey(keyring_dir, signer.public_key_text())


@pytest.fixture
def central_key(tmp_path: Path) -> CentralKey:
    """The key the test's central system signs with and its terminals are enrolled with."""
    return make_central_key(tmp_path / "central-keyring")


@pytest.fixture
def start_central(central_db: Path, tmp_path: Path,
                  central_key: CentralKey) -> Iterator[Callable[..., CentralServerProcess]]:
    started: list[CentralServerProcess] = []

    def start(port: int = 0, extra_args: tuple[str, ...] = ()) -> CentralServerProcess:
        server = CentralServerProcess.start(central_db, port=port, stderr_path=tmp_path / f"central-{port}.log",
                                            extra_args=(*central_key.serve_args(), *extra_args))
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def make_terminal(data_dir: Path, secrets_store: SecretStore,
                  central_key: CentralKey) -> Iterator[Callable[..., Terminal]]:
    terminals: list[Terminal] = []

    def make(central_url: str, card_reader: DeviceMode = "off", id_reader: DeviceMode = "off",
             id_reader_port: str | None = None, camera_backend: object | None = None,
             start_sender: bool = True, central_timeout: float = 15.0, signing_key: str | None = None,
             central_ca_file: Path | None = None, office_name: str = "测试大厅") -> Terminal:
        settings = Settings(central_url=central_url, central_timeout=central_timeout, terminal_id=TERMINAL_ID,
                            central_signing_key=signing_key or central_key.public_key, central_ca_file=central_ca_file,
                            office_name=office_name,
                            data_dir=data_dir, devices=DeviceSettings(
                                card_reader=card_reader, id_reader=id_reader, id_reader_port=id_reader_port,
                                camera="simulated" if camera_backend is not None else "off"))
        # short backoff so a test waits fractions of a second, not minutes
        terminal = build_terminal(settings, secrets_store, backoff=Backoff(base=0.05, cap=0.5),
                                  camera_backend=camera_backend, start_sender=start_sender)  # type: ignore[arg-type]
        add_clerk(terminal.db, CLERK.id, CLERK.name, PASSWORD, roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
        terminals.append(terminal)
        return terminal

    yield make
    for terminal in terminals:
        terminal.close()
