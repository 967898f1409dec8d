"""Secrets (the terminal's token, the demo clerk's password) in a keyring.

Production uses the OS keyring (Windows Credential Manager, macOS Keychain,
Secret Service). Tests and the headless demo pass an explicit file keyring in
a directory of their own, never the developer's, so no global keyring state is
changed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import fail

from core.errors import ConfigError
from core.private import make_private_dir, tighten

SERVICE = "sicounter"
TOKEN_KEY = "terminal-token"
#: the local database's SQLCipher key: 32 random bytes, stored as 64 hex digits
DATABASE_KEY = "database-key"
DATABASE_KEY_BYTES = 32


def file_keyring(directory: Path) -> keyring.backend.KeyringBackend:
    """A keyring kept in a file of ``directory``: for tests and demos only."""
    from keyrings.alt.file import PlaintextKeyring

    make_private_dir(directory)  # a folder the caller named: only our file in it is tightened
    tighten(directory / "keyring.cfg")
    backend: Any = PlaintextKeyring()
    backend.file_path = str(directory / "keyring.cfg")
    return backend  # type: ignore[no-any-return]


def os_keyring() -> keyring.backend.KeyringBackend | None:
    """The OS keyring, or None when this machine has none (a headless server)."""
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return None
    try:
        from keyring.backends.chainer import ChainerBackend

        if isinstance(backend, ChainerBackend) and not backend.backends:
            return None
    except ImportError:
        pass
    # keyrings.alt plaintext/encrypted files are not an OS keyring
    if type(backend).__module__.startswith("keyrings.alt"):
        return None
    return backend


class SecretStore:
    """Secrets of one terminal; the demo uses its own service name so it never
    overwrites a real terminal's token on the same machine."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None, service: str = SERVICE) -> None:
        self._backend = backend
        self._service = service

    def _require(self) -> keyring.backend.KeyringBackend:
        if self._backend is None:
            raise ConfigError("no OS keyring available",
                              user_message="本机没有可用的系统密钥库，无法保存终端令牌。",
                              hint="请联系系统管理员安装并启用系统密钥库。")
        return self._backend

    def get(self, key: str) -> str | None:
        value = self._require().get_password(self._service, key)
        return None if value is None else str(value)

    def set(self, key: str, value: str) -> None:
        self._require().set_password(self._service, key, value)

    def random_key(self, key: str, size: int) -> bytes | None:
        """A random ``size``-byte key kept under ``key``, made on first use and read back to be sure it was kept.

        None when what is stored is not such a key: the caller says what that breaks, and the entry is
        never replaced, since whatever was sealed under it would be lost. A missing keyring raises
        ``ConfigError``, a failing one the backend's ``KeyringError``, as ``get`` does.
        """
        stored = self.get(key)
        if stored is None:
            self.set(key, os.urandom(size).hex())
            stored = self.get(key)
        try:
            value = bytes.fromhex(stored or "")
        except ValueError:
            return None
        return value if len(value) == size else None

    def terminal_token(self) -> str | None:
        return self.get(TOKEN_KEY)

    def set_terminal_token(self, token: str) -> None:
        self.set(TOKEN_KEY, token)

    def database_key(self) -> bytes:
        """The local database's encryption key, made on first use and read back to be sure it was kept.

        Without it nothing can be saved, so a missing keyring is fatal here (unlike the token)."""
        no_keyring = ConfigError("no OS keyring available for the database key",
                                 user_message="本机没有可用的系统密钥库，无法加密保存业务数据。",
                                 hint="请联系系统管理员：安装并启用系统密钥库（Windows 凭据管理器、macOS 钥匙串"
                                      "或 Linux 的 Secret Service，如 GNOME 密钥环），解锁后重新启动本程序。")
        if self._backend is None:
            raise no_keyring
        try:
            stored = self._backend.get_password(self._service, DATABASE_KEY)
            if stored is None:
                self._backend.set_password(self._service, DATABASE_KEY, os.urandom(DATABASE_KEY_BYTES).hex())
                stored = self._backend.get_password(self._service, DATABASE_KEY)
        except keyring.errors.KeyringError as exc:
            no_keyring.detail = f"keyring error: {exc}"
            raise no_keyring from exc
        if stored is None:  # a keyring that accepts a secret and forgets it would lose the database
            raise no_keyring
        try:
            key = bytes.fromhex(str(stored))
        except ValueError:
            key = b""
        if len(key) != DATABASE_KEY_BYTES:
            raise ConfigError("database key in the keyring is malformed",
                              user_message="系统密钥库中的数据库密钥已损坏，无法打开本地数据库。",
                              hint="请联系系统管理员恢复该密钥；不要删除它，否则本机保存的业务数据将无法读取。")
        return key
