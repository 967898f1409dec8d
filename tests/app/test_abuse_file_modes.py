"""Abuse suite (issue 17, item 4): the terminal's and the central system's files are their owner's only.

Real processes started under a careless umask (022, which would make files 0644 and folders 0755): the
terminal's entry point creates its database and log (``sicounter db``), takes an application with a sealed
scan (the window's way: ``app.cli.main`` first, then the terminal in the same process), and sends it with
``sicounter sync --once`` to a reference central system (``central serve --db --blob-dir``) that stores the
scan. Every folder and file they created is then walked: folders 0700, files 0600. An installation made
before (0755/0644) is tightened at the next start. POSIX only (Windows keeps files private by ACL).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.settings import Settings, save_settings
from central.process import CentralServerProcess
from core.private import tighten

from .conftest import CentralKey

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes; Windows keeps files private by ACL")

ROOT = Path(__file__).resolve().parents[2]
TERMINAL_ID = "T-MODES-01"

#: the window's way, in one process: the entry point (umask, log, database), then a real application with
#: a scanned identity document (a sealed blob) and a receipt; argv: settings file, terminal token
DRIVER = r"""
import sys
from pathlib import Path

import numpy as np

from app.cli import main

config, token = Path(sys.argv[1]), sys.argv[2]
assert main(["--config", str(config), "db"]) == 0

from app import usecases
from app.secrets import SecretStore, os_keyring
from app.settings import load_settings
from app.terminal import build_terminal
from devices.scan.pipeline import ScanOptions, scan_page
from forms.definitions import load_form
from local_db.clerks import ClerkInfo, Role, add_clerk
from tests.app.samples import REGISTRATION, SIGNATURE

secrets = SecretStore(os_keyring())
secrets.set_terminal_token(token)
terminal = build_terminal(load_settings(config), secrets, start_sender=False, start_devices=False)
try:
    clerk = ClerkInfo("1001", "测试柜员", frozenset({Role.FRONT_DESK, Role.REVIEW}))
    add_clerk(terminal.db, clerk.id, clerk.name, "Counter-2024", roles=clerk.roles)
    page = scan_page(np.full((1400, 1000, 3), 235, np.uint8), None, ScanOptions())
    usecases.submit_application(terminal, usecases.SubmitRequest(
        clerk, load_form("personal_registration"), REGISTRATION, materials={"identity_document": [page]},
        signature=SIGNATURE))
finally:
    terminal.close()
print("submitted")
"""


@pytest.fixture
def careless_umask() -> Iterator[None]:
    """The test process (and so every child it starts) at umask 022, as a default login shell has it."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def home(tmp_path: Path, careless_umask: None) -> dict[str, Path]:
    """A home directory with the XDG folders (the user's, made 0755 here: only what we create is checked)."""
    places = {name: tmp_path / "home" / sub for name, sub in
              (("HOME", "."), ("XDG_CONFIG_HOME", ".config"), ("XDG_DATA_HOME", ".local/share"),
               ("XDG_STATE_HOME", ".local/state"), ("XDG_CACHE_HOME", ".cache"))}
    for path in places.values():
        path.mkdir(parents=True, exist_ok=True)
    return places


def _env(home: dict[str, Path], keyring_file: Path) -> dict[str, str]:
    return os.environ | {name: str(path) for name, path in home.items()} | {
        "PYTHON_KEYRING_BACKEND": "tests.os_keyring_stand_in.FileBackend", "SICOUNTER_TEST_KEYRING": str(keyring_file),
        "QT_QPA_PLATFORM": "offscreen"}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return result


def _loose(*roots: Path) -> list[str]:
    """Every folder under ``roots`` that is not 0700 and every file that is not 0600 (links are not followed)."""
    found = []
    for root in roots:
        for path in [root, *root.rglob("*")]:
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                continue
            wanted = 0o700 if stat.S_ISDIR(mode) else 0o600
            if stat.S_IMODE(mode) != wanted:
                found.append(f"{path} {stat.S_IMODE(mode):o}")
    return found


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_terminal_and_central_create_only_owner_only_files_under_umask_022(  # type: ignore[no-untyped-def]
        home: dict[str, Path], tmp_path: Path, central_key: CentralKey) -> None:
    central_dir = tmp_path / "central"  # made by the server itself
    server = CentralServerProcess.start(central_dir / "central.sqlite3", stderr_path=tmp_path / "central.log",
                                        extra_args=("--blob-dir", str(central_dir / "blobs"),
                                                    *central_key.serve_args()))
    try:
        env = _env(home, tmp_path / "keyring.json")
        token = _run(["-m", "app", "central", "add-terminal", TERMINAL_ID, "--db",
                      str(central_dir / "central.sqlite3")], env).stdout.strip().splitlines()[-1]
        data_dir = home["XDG_DATA_HOME"] / "sicounter"
        config = home["XDG_CONFIG_HOME"] / "sicounter" / "settings.toml"
        save_settings(Settings(central_url=server.base_url, terminal_id=TERMINAL_ID, data_dir=data_dir,
                               central_signing_key=central_key.public_key), config)
        assert "submitted" in _run(["-c", DRIVER, str(config), token], env).stdout
        sync = _run(["-m", "app", "--config", str(config), "sync", "--once", "--now", "--json"], env)
        assert json.loads(sync.stdout)["sent"] == 1, sync.stdout
    finally:
        server.stop()

    log_dir = home["XDG_STATE_HOME"] / "sicounter"
    assert {"counter.sqlite3"} <= _files(data_dir) and any(f.startswith("blobs/") for f in _files(data_dir))
    assert any(name.endswith("sicounter.log") for name in _files(log_dir))
    assert "central.sqlite3" in _files(central_dir) and _files(central_dir / "blobs"), _files(central_dir)
    assert _loose(data_dir, log_dir, config.parent, central_dir) == []


def test_a_loose_existing_installation_is_tightened_on_start(  # type: ignore[no-untyped-def]
        home: dict[str, Path], tmp_path: Path, central_key: CentralKey) -> None:
    env = _env(home, tmp_path / "keyring.json")
    data_dir = home["XDG_DATA_HOME"] / "sicounter"
    config = tmp_path / "settings.toml"
    save_settings(Settings(data_dir=data_dir), config)
    _run(["-m", "app", "--config", str(config), "db"], env)
    central_dir = tmp_path / "central"
    _run(["-m", "app", "central", "add-terminal", TERMINAL_ID, "--db", str(central_dir / "central.sqlite3")], env)
    (central_dir / "blobs" / TERMINAL_ID / "packs").mkdir(parents=True)
    (central_dir / "blobs" / TERMINAL_ID / "packs" / "old.pack").write_bytes(b"scan")
    log_dir = home["XDG_STATE_HOME"] / "sicounter"
    (data_dir / "blobs" / "ab").mkdir(parents=True)
    (data_dir / "blobs" / "ab" / "ab00.blob").write_bytes(b"sealed")
    outside = tmp_path / "outside.txt"  # a link in the data dir must not lead the repair outside it
    outside.write_text("not ours")
    (data_dir / "link").symlink_to(outside)
    for root in (data_dir, log_dir, central_dir):  # as an installation from before issue 17 left them
        for path in [root, *root.rglob("*")]:
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
    assert _loose(data_dir, log_dir, central_dir)

    started = _run(["-m", "app", "--config", str(config), "db"], env)
    assert "readable by others" in started.stderr  # said once, in the log and on the console
    server = CentralServerProcess.start(central_dir / "central.sqlite3", stderr_path=tmp_path / "central.log",
                                        extra_args=("--blob-dir", str(central_dir / "blobs"),
                                                    *central_key.serve_args()))
    server.stop()
    assert "readable by others" in (tmp_path / "central.log").read_text(encoding="utf-8")
    # the folder holding the central's database may be shared (``--db /srv/…``): only its own files change
    assert _loose(data_dir, log_dir, *central_dir.iterdir()) == []
    assert stat.S_IMODE(central_dir.stat().st_mode) == 0o755
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644


def test_tighten_leaves_shared_folders_alone(tmp_path: Path) -> None:
    """A data directory set to a shared, sticky folder (``/tmp``) by mistake is never walked or changed."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "someone-else.txt").write_text("x")
    (shared / "someone-else.txt").chmod(0o644)
    shared.chmod(0o1777)
    assert tighten(shared) == []
    assert stat.S_IMODE((shared / "someone-else.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_a_file_given_as_the_central_database_that_is_not_one_keeps_its_mode(tmp_path: Path) -> None:
    """``central add-terminal --db /etc/passwd`` run as root once made /etc/passwd 0600: a file is repaired only
    after it proved to be the central's database."""
    not_ours = tmp_path / "passwd"
    not_ours.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    not_ours.chmod(0o644)
    result = subprocess.run([sys.executable, "-m", "app", "central", "add-terminal", TERMINAL_ID, "--db",
                             str(not_ours)], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2 and "数据库无法使用" in result.stderr
    assert _mode(not_ours) == 0o644


def test_a_blob_directory_holding_other_things_keeps_them_as_they_are(tmp_path: Path) -> None:
    """``--blob-dir`` naming a folder that also holds other things (``/home``, ``/srv``): only the terminals'
    blob folders in it are repaired, never the folder itself or what is not ours."""
    from central.store import CentralStore

    blob_dir = tmp_path / "srv"
    (blob_dir / "alice").mkdir(parents=True)
    (blob_dir / "alice" / ".bashrc").write_text("# someone else's")
    (blob_dir / TERMINAL_ID / "packs").mkdir(parents=True)
    (blob_dir / TERMINAL_ID / "packs" / "1.pack").write_bytes(b"scan")
    for path in [blob_dir, *blob_dir.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    CentralStore.open(tmp_path / "central.sqlite3", blob_dir=blob_dir).close()
    assert [_mode(p) for p in (blob_dir, blob_dir / "alice", blob_dir / "alice" / ".bashrc")] == [0o755, 0o755, 0o644]
    assert _loose(blob_dir / TERMINAL_ID) == []


def test_a_data_directory_an_administrator_named_keeps_what_is_not_ours(tmp_path: Path) -> None:
    """``data_dir`` naming a folder that holds other things: the database's files, ``blobs`` and ``reference``
    in it are repaired, the folder and the rest are left as they were."""
    from local_db.database import open_database

    data_dir = tmp_path / "shared"
    data_dir.mkdir()
    (data_dir / "notes.txt").write_text("someone else's")
    (data_dir / "blobs" / "ab").mkdir(parents=True)
    (data_dir / "blobs" / "ab" / "ab00.blob").write_bytes(b"sealed")
    for path in [data_dir, *data_dir.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    open_database(data_dir / "counter.sqlite3", b"k" * 32).close()
    assert _mode(data_dir) == 0o755 and _mode(data_dir / "notes.txt") == 0o644
    assert _loose(data_dir / "blobs", data_dir / "counter.sqlite3") == []


def test_a_keyring_folder_someone_named_keeps_its_mode_and_our_file_is_private(tmp_path: Path) -> None:
    from app.secrets import file_keyring

    folder = tmp_path / "keys"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    (folder / "keyring.cfg").write_text("[x]\n")
    (folder / "keyring.cfg").chmod(0o644)
    file_keyring(folder)
    assert _mode(folder) == 0o755 and _mode(folder / "keyring.cfg") == 0o600
