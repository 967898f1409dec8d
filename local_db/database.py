"""Opening the local database: check it, back it up, upgrade it, never overwrite it.

A counter terminal's database holds submissions nobody can type again, so a
file we do not understand (corrupt, not SQLite, or written by a newer release)
is refused with an error naming it, and left exactly as it was. An older file
is copied aside before it is upgraded.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from core.errors import DatabaseTooNew, DatabaseUnreadable

log = logging.getLogger(__name__)

_SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass
class Database:
    """An open local database: the engine and the session factory built on it."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]

    def close(self) -> None:
        self.engine.dispose()


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("local_db") / "migrations"))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def _set_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # FULL: a committed submission survives power loss, not just a crash.
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def _inspect_existing(path: Path) -> str | None:
    """Return the file's schema revision (None for an empty database) or refuse it."""
    with path.open("rb") as f:
        header = f.read(len(_SQLITE_MAGIC))
    if header and header != _SQLITE_MAGIC:
        raise DatabaseUnreadable(str(path), "not an SQLite file")
    if not header:
        return None  # zero-length file: sqlite treats it as an empty database
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()
            if not ok or ok[0] != "ok":
                raise DatabaseUnreadable(str(path), f"quick_check: {ok}")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables:
                return None
            if "alembic_version" not in tables:
                raise DatabaseUnreadable(str(path), "not a sicounter database")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseUnreadable(str(path), str(exc)) from exc
    if row is None:
        return None
    revision = str(row[0])
    script = ScriptDirectory.from_config(_alembic_config())
    if revision not in {rev.revision for rev in script.walk_revisions()}:
        raise DatabaseTooNew(str(path), revision)
    return revision


def _backup(path: Path, revision: str) -> Path:
    target = path.with_name(f"{path.name}.before-upgrade-from-{revision}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.before-upgrade-from-{revision}.{n}")
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def open_database(path: Path) -> Database:
    """Open (creating or upgrading) the terminal's database at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    revision = _inspect_existing(path) if path.exists() else None
    head = head_revision()
    if revision is not None and revision != head:
        copy = _backup(path, revision)
        log.info("database at revision %s backed up to %s before upgrade", revision, copy.name)

    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _set_pragmas)
    if revision != head:
        cfg = _alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        log.info("database upgraded from %s to %s", revision or "empty", head)
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current != head:
        raise DatabaseTooNew(str(path), str(current))
    return Database(path=path, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
