"""The SQLite engine of the central store: WAL, durable commits, serialised writers.

Writers start with ``BEGIN IMMEDIATE``: a deferred transaction that reads and then
writes fails at once with "database is locked" when another writer committed in
between (SQLite cannot wait on a stale snapshot), whereas taking the write lock at
BEGIN makes concurrent writers queue on the busy timeout instead. Readers keep a
plain deferred BEGIN so they never block in WAL mode.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
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


def make_engine(db_path: Path) -> Engine:
    """Create the engine for ``db_path``; the caller owns it and must ``dispose()`` it."""
    connect_args: dict[str, Any] = {
        "timeout": BUSY_TIMEOUT_SECONDS,
        # FastAPI runs endpoints on a thread pool; the pool hands each connection to
        # one thread at a time.
        "check_same_thread": False,
    }
    # hide_parameters: error messages (and so tracebacks in logs) must not carry payloads.
    engine = create_engine(f"sqlite:///{db_path}", connect_args=connect_args, hide_parameters=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def writer(engine: Engine) -> Engine:
    """A view of ``engine`` whose transactions take the write lock at BEGIN."""
    return engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
