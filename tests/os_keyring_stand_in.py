"""A keyring backend for child processes in tests: the OS keyring's seam, played by a JSON file.

``PYTHON_KEYRING_BACKEND=tests.os_keyring_stand_in.FileBackend`` with ``SICOUNTER_TEST_KEYRING=<file>``
makes ``sicounter`` in a subprocess find "an OS keyring" (the real code path, ``os_keyring()``),
the way the virtual card stands in for a reader. Never used outside the test suite.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class FileBackend(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def _path(self) -> Path:
        return Path(os.environ["SICOUNTER_TEST_KEYRING"])

    def _load(self) -> dict[str, str]:
        path = self._path()
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\x00{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\x00{username}"] = password
        self._path().write_text(json.dumps(data), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.pop(f"{service}\x00{username}", None)
        self._path().write_text(json.dumps(data), encoding="utf-8")
