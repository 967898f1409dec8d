"""The central system's reference-data signing key (Ed25519), kept in the keyring of the central machine.

Terminals are enrolled with the public key (``sicounter central public-key``) and refuse reference data
that does not verify under it, so whoever answers in the central system's place cannot change a form's
review tier or required materials. The private key never leaves the keyring: ``keygen`` makes it there,
``serve`` reads it at start. ``--keyring-dir`` points at a keyring file of a test's or the demo's own
instead of the OS keyring (the same file format the terminal uses for its tests); this package does not
import the terminal's ``app`` package, so it has this small keyring use of its own.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import keyring.errors
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from central.constants import SIGNING_SERVICE as SERVICE
from central.errors import CentralConfigError
from core.private import make_private_dir, tighten
from protocol.signing import SIGNING_KEY_PREFIX, reference_message

KEY_ENTRY = "reference-signing-key"
#: a keyring file of a few keys (``--keyring-dir``): read by keyrings.alt, so only checked (``core.files``)
KEYRING_FILE_LIMIT = 1 << 20


def keyring_backend(directory: Path | None) -> keyring.backend.KeyringBackend:
    """A keyring file in ``directory`` (tests, the demo), else the OS keyring."""
    if directory is None:
        return keyring.get_keyring()
    from keyrings.alt.file import PlaintextKeyring

    from core.files import check_regular_file

    if directory.exists() and not directory.is_dir():
        raise CentralConfigError(f"keyring directory {directory} is not a directory",
                          user_message=f"密钥库目录无法使用：{directory}（不是目录）", hint="请指定一个目录。")
    make_private_dir(directory)  # a folder the operator named: only our file in it is tightened
    tighten(directory / "keyring.cfg")
    if (directory / "keyring.cfg").exists() or (directory / "keyring.cfg").is_symlink():
        check_regular_file(directory / "keyring.cfg", KEYRING_FILE_LIMIT, "密钥库文件")
    backend: Any = PlaintextKeyring()
    backend.file_path = str(directory / "keyring.cfg")
    return backend  # type: ignore[no-any-return]


class ReferenceSigner:
    """Signs reference data sets: Ed25519 over ``protocol.signing.reference_message``."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key

    def __repr__(self) -> str:
        return f"ReferenceSigner({self.public_key_text()})"

    def public_key_text(self) -> str:
        """``ed25519:<base64>``, what a terminal is enrolled with (``central_signing_key``)."""
        raw = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return SIGNING_KEY_PREFIX + base64.b64encode(raw).decode("ascii")

    def sign(self, name: str, version: int, document: Any) -> str:
        """The base64 signature of one data set, sent in the ``Reference-Signature`` header."""
        return base64.b64encode(self._key.sign(reference_message(name, version, document))).decode("ascii")


def _no_keyring(exc: Exception) -> CentralConfigError:
    return CentralConfigError(f"central keyring unavailable: {exc}",
                              user_message="中心系统所在机器的系统密钥库不可用，无法读取参考数据签名密钥。",
                              hint="请安装并解锁系统密钥库，或用 --keyring-dir 指定密钥库文件目录。", no_keyring=True)


def load_signer(backend: keyring.backend.KeyringBackend, service: str = SERVICE) -> ReferenceSigner | None:
    """The signing key in the keyring, or None when none was made yet (``keygen``)."""
    try:
        stored = backend.get_password(service, KEY_ENTRY)
    except keyring.errors.KeyringError as exc:
        raise _no_keyring(exc) from exc
    if stored is None:
        return None
    try:
        seed = bytes.fromhex(str(stored))
        return ReferenceSigner(Ed25519PrivateKey.from_private_bytes(seed))
    except ValueError as exc:
        raise CentralConfigError("reference signing key in the keyring is malformed",
                                 user_message="密钥库中的参考数据签名密钥已损坏。",
                                 hint="请恢复该密钥；换用新密钥后须重新为所有终端登记公钥。") from exc


def generate(backend: keyring.backend.KeyringBackend, service: str = SERVICE, *,
             replace: bool = False) -> tuple[ReferenceSigner, bool]:
    """The signing key, made now if there is none (or ``replace``); also whether it was made.

    Replacing it means enrolling every terminal again, so it is never done unasked.
    """
    existing = None if replace else load_signer(backend, service)
    if existing is not None:
        return existing, False
    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    try:
        backend.set_password(service, KEY_ENTRY, seed.hex())
    except keyring.errors.KeyringError as exc:
        raise _no_keyring(exc) from exc
    kept = load_signer(backend, service)
    if kept is None or kept.public_key_text() != ReferenceSigner(key).public_key_text():
        raise _no_keyring(RuntimeError("the keyring did not keep the new key"))
    return kept, True
