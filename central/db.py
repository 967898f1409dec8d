"""The engines of the central store: SQLite (the default) or PostgreSQL.

SQLite: WAL, durable commits, and writers that start with ``BEGIN IMMEDIATE``: a
deferred transaction that reads and then writes fails at once with "database is
locked" when another writer committed in between (SQLite cannot wait on a stale
snapshot), whereas taking the write lock at BEGIN makes concurrent writers queue on
the busy timeout instead. Readers keep a plain deferred BEGIN so they never block in
WAL mode.

PostgreSQL: READ COMMITTED, the server's default. Writers do not serialise at BEGIN
there; the store relies on unique constraints, ``INSERT ... ON CONFLICT`` and row or
advisory locks instead (see ``central.store``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.pool import ConnectionPoolEntry

#: execution option naming how a transaction begins ("DEFERRED" or "IMMEDIATE")
BEGIN_OPTION = "central_sqlite_begin"
BUSY_TIMEOUT_SECONDS = 30.0


def _on_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    # Let SQLAlchemy's "begin" hook emit BEGIN itself; pysqlite's own implicit
    # BEGIN would always be DEFERRED.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL, not NORMAL: a receipt number handed to a terminal must survive a power cut.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _on_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(BEGIN_OPTION, "DEFERRED")
    if mode not in ("DEFERRED", "IMMEDIATE"):
        raise ValueError(f"unknown BEGIN mode {mode!r}")
    connection.exec_driver_sql(f"BEGIN {mode}")


def database_url(db: Path | str) -> str:
    """The SQLAlchemy URL of ``db``: a ``Path`` is a SQLite file, a string is a URL."""
    if isinstance(db, Path):
        return f"sqlite:///{db}"
    return db


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for another database (or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(db: Path | str) -> Engine:
    """Create the engine for a SQLite file or a URL; the caller owns it and must ``dispose()`` it."""
    url = database_url(db)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        connect_args: dict[str, Any] = {
            "timeout": BUSY_TIMEOUT_SECONDS,
            # FastAPI runs endpoints on a thread pool; the pool hands each connection to
            # one thread at a time.
            "check_same_thread": False,
        }
        # hide_parameters: error messages (and so tracebacks in logs) must not carry payloads.
        engine = create_engine(url, connect_args=connect_args, hide_parameters=True)
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)
        return engine
    if backend == "postgresql":
        return create_engine(url, hide_parameters=True, pool_pre_ping=True, pool_size=10, max_overflow=20)
    raise ValueError(f"unsupported database {backend!r}: use SQLite or postgresql+psycopg")


def writer(engine: Engine) -> Engine:
    """A view of ``engine`` whose transactions take the write lock at BEGIN (SQLite only)."""
    return engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
