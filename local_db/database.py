"""Opening the local database: check it, back it up, upgrade it, never overwrite it.

A counter terminal's database holds submissions nobody can type again, so a
file we do not understand (corrupt, not SQLite, written by a newer release, or
encrypted with another terminal's key) is refused with an error naming it, and
left exactly as it was. An older file is copied aside before it is upgraded.

The file is encrypted with SQLCipher (``local_db.dbkey``): the key is required,
there is no plaintext mode. A plaintext file of an earlier release is encrypted
in place first; its backups are encrypted copies too.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlcipher3  # type: ignore[import-untyped]  # no stubs; used through the DBAPI only
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from core.errors import DatabaseTooNew, DatabaseUnreadable, StorageError
from core.private import create_private_file, make_private_dir, tighten_own
from local_db import dbkey

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from alembic.config import Config

log = logging.getLogger(__name__)


class DatabaseKeyMismatch(DatabaseUnreadable):
    """The file does not open with this terminal's key: another terminal's database, or damaged."""

    def __init__(self, path: str, detail: str = "") -> None:
        super().__init__(path, detail or f"database {path} does not open with this terminal's key")
        self.user_message = (f"本地数据库文件无法用本机密钥打开：{path}。"
                             "该文件可能由另一台终端（另一个系统密钥库中的密钥）加密，也可能已损坏。")
        self.hint = ("文件未被改动。请在原终端上使用该数据，或由系统管理员把原终端的数据库密钥恢复到本机系统密钥库；"
                     "不要删除系统密钥库中的密钥。")


@dataclass
class Database:
    """An open local database: the engine and the session factory built on it."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]

    def close(self) -> None:
        self.engine.dispose()


def _alembic_config() -> Config:
    from alembic.config import Config  # Alembic loads only when a schema question needs it (~0.5 s)

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("local_db") / "migrations"))
    return cfg


def head_revision() -> str:
    """The newest schema revision, as Alembic reads the migration scripts."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


_ASSIGNMENT = re.compile(r"""^(revision|down_revision)\s*(?::[^=]+)?=\s*(?:(None)|["']([^"']+)["'])\s*$""",
                         re.MULTILINE)


def plain_head_revision(versions: Traversable | None = None) -> str | None:
    """The head revision read from the migration scripts' text, without importing Alembic.

    Every start asks "is this file up to date?"; answering that through Alembic costs half a
    second of imports. This reads each script's ``revision = "…"`` and ``down_revision = "…"``
    lines; when every script has exactly one of each and they form one unbranched chain, the
    revision nobody names as its parent is the head. Anything else (a merge, a branch, a script
    written some other way) answers None, and the caller asks Alembic. A test holds this equal to
    ``head_revision()``.
    """
    parents: dict[str, str | None] = {}
    versions = versions or resources.files("local_db") / "migrations" / "versions"
    for script in versions.iterdir():
        if not script.name.endswith(".py") or script.name == "__init__.py":
            continue
        found: dict[str, str | None] = {}
        for match in _ASSIGNMENT.finditer(script.read_text(encoding="utf-8")):
            if match.group(1) in found:
                return None
            found[match.group(1)] = match.group(3)
        revision = found.get("revision")
        if revision is None or "down_revision" not in found or revision in parents:
            return None
        parents[revision] = found["down_revision"]
    children = [parent for parent in parents.values() if parent is not None]
    heads = set(parents) - set(children)
    if len(heads) != 1 or len(children) != len(set(children)) or len(children) != len(parents) - 1:
        return None
    return heads.pop()


def _current_head() -> str:
    return plain_head_revision() or head_revision()


def _set_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # FULL: a committed submission survives power loss, not just a crash.
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    # freed cells and pages are zeroed: a purged name or ID number (retention) leaves no residue in the
    # file, not even readable with the key; costs writes only when something is deleted or shrunk
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


def _creator(path: Path, key: bytes) -> Callable[[], Any]:
    """New pool connections: keyed before SQLAlchemy or Alembic send anything (sqlcipher3 is the DBAPI)."""
    def connect() -> Any:
        # the pool hands connections to the sender thread too, as SQLAlchemy's pysqlite file default does
        return dbkey.connect(path, key, check_same_thread=False)
    return connect


def _needs_recovery(exc: Exception) -> bool:
    """A read-only connection met a hot journal or a WAL to recover: what a crash mid-write leaves."""
    return "readonly" in str(exc) or "read-only" in str(exc)


def _inspect_plaintext(path: Path) -> str | None:
    """A plaintext file of an earlier release: its schema revision (None when empty), or refuse it."""
    try:
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                return _revision_of(path, conn)
            finally:
                conn.close()
        except sqlite3.OperationalError as exc:
            if not _needs_recovery(exc):
                raise
        conn = sqlite3.connect(path)  # let SQLite roll back the interrupted write, as any open would
        try:
            return _revision_of(path, conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseUnreadable(str(path), str(exc)) from exc


def _check_key(path: Path, key: bytes) -> None:
    """Decrypt page 1 as it is in the file (``immutable``: no journal or WAL is read, nothing written).

    Only page 1: the schema version sits in its header. The schema itself outgrew page 1 (issue 16),
    and reading it would take a damaged later page for a wrong key.
    """
    conn = dbkey.connect(f"file:{path}?mode=ro&immutable=1", key, uri=True)
    try:
        conn.execute("PRAGMA schema_version").fetchone()  # the header on page 1 only, however big the schema
    except dbkey.DatabaseError as exc:
        if dbkey.looks_encrypted(path):
            raise DatabaseKeyMismatch(str(path), f"cannot be opened with this key: {exc}") from exc
        raise DatabaseUnreadable(str(path), f"not an SQLite file: {exc}") from exc
    finally:
        conn.close()


def _inspect_encrypted(path: Path, key: bytes) -> str | None:
    """Our encrypted file: its schema revision (None when empty), or refuse it."""
    try:
        _check_key(path, key)
        try:
            return _inspect_keyed(path, f"file:{path}?mode=ro", key)
        except dbkey.OperationalError as exc:
            if not _needs_recovery(exc):
                raise
        # the right key, and a write cut short by a crash: SQLite's own recovery needs write access
        return _inspect_keyed(path, str(path), key)
    except dbkey.DatabaseError as exc:
        raise DatabaseUnreadable(str(path), str(exc)) from exc


def _inspect_keyed(path: Path, target: str, key: bytes) -> str | None:
    conn = dbkey.connect(target, key, uri=target.startswith("file:"))
    try:
        failures = conn.execute("PRAGMA cipher_integrity_check").fetchall()
        if failures:
            raise DatabaseUnreadable(str(path), f"cipher_integrity_check: {failures[:3]}")
        return _revision_of(path, conn)
    finally:
        conn.close()


def _revision_of(path: Path, conn: Any) -> str | None:
    ok = conn.execute("PRAGMA quick_check").fetchone()
    if not ok or ok[0] != "ok":
        raise DatabaseUnreadable(str(path), f"quick_check: {ok}")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not tables:
        return None
    if "alembic_version" not in tables:
        raise DatabaseUnreadable(str(path), "not a sicounter database")
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    if row is None:
        return None
    revision = str(row[0])
    if revision == plain_head_revision():
        return revision  # up to date: the common case, answered without Alembic
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    if revision not in {rev.revision for rev in script.walk_revisions()}:
        raise DatabaseTooNew(str(path), revision)
    return revision


def _backup(path: Path, revision: str, key: bytes) -> Path:
    """An encrypted copy of the file as it is, before an upgrade (same key: readable on this machine)."""
    target = path.with_name(f"{path.name}.before-upgrade-from-{revision}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.before-upgrade-from-{revision}.{n}")
    src = dbkey.connect(path, key)
    try:
        dbkey.export_encrypted(src, target, key)
    finally:
        src.close()
    return target


def _warn_plaintext_leftovers(path: Path) -> None:
    leftovers = dbkey.plaintext_leftovers(path)
    if leftovers:
        log.warning("unencrypted copies of the database remain next to it (personal data in the clear; "
                    "an administrator should move them to safe storage or delete them): %s",
                    ", ".join(str(p) for p in leftovers))


#: what the terminal keeps in its data directory besides the database's own files (``counter.sqlite3*``):
#: sealed scans and the reference data cache
_DATA_DIR_ENTRIES = ("blobs", "reference")


def _make_private(path: Path) -> None:
    """The database and all the terminal keeps beside it are its owner's only (0700/0600, issue 17); an
    installation made before that is repaired here, once, and said in the log. The data directory may be
    one an administrator named (``data_dir``): only our entries in it are changed (``tighten_own``)."""
    directory = path.parent
    make_private_dir(directory)
    loosened = tighten_own(directory, lambda entry: entry.name.startswith(path.name)
                           or entry.name in _DATA_DIR_ENTRIES)
    if loosened:
        log.warning("data directory %s: %d files and folders were readable by others; now by the owner only",
                    directory, len(loosened))


def open_database(path: Path, key: bytes) -> Database:
    """Open (creating, encrypting or upgrading) the terminal's database at ``path`` with its 32-byte key."""
    dbkey.check_key(key)
    _make_private(path)
    if path.exists() and path.stat().st_size and dbkey.has_plaintext_header(path):
        _inspect_plaintext(path)  # refuse a file we do not understand before touching it
        try:
            dbkey.encrypt_plaintext(path, key)
        except (sqlite3.DatabaseError, dbkey.DatabaseError) as exc:
            raise DatabaseUnreadable(str(path), f"encrypting the plaintext file failed: {exc}") from exc
        except OSError as exc:  # disk full, say: the plaintext file is still whole (the rename never ran)
            raise StorageError(f"encrypting {path} failed: {exc}",
                               user_message=f"本地数据库加密保存失败（磁盘写入出错），原文件未被改动：{path}",
                               hint="请检查磁盘空间后重新启动本程序；如仍失败，请联系系统管理员。") from exc
    revision = _inspect_encrypted(path, key) if path.exists() and path.stat().st_size else None
    _warn_plaintext_leftovers(path)
    head = _current_head()
    if revision is not None and revision != head:
        copy = _backup(path, revision, key)
        log.info("database at revision %s backed up to %s before upgrade", revision, copy.name)

    create_private_file(path)  # 0600 before SQLite opens it: its -wal, -shm and -journal take the same mode
    engine = create_engine("sqlite://", module=sqlcipher3, creator=_creator(path, key), poolclass=QueuePool)
    event.listen(engine, "connect", _set_pragmas)
    if revision != head:
        from alembic import command

        cfg = _alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        log.info("database upgraded from %s to %s", revision or "empty", head)
    with engine.connect() as conn:
        current = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    if current != head:
        raise DatabaseTooNew(str(path), str(current))
    return Database(path=path, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
