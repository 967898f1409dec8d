"""SQLCipher under the local database: keyed connections, encrypted copies, and the move off plaintext.

The database file holds names, ID numbers and form payloads, so it is encrypted at rest with SQLCipher
(AES-256, an HMAC per page) through ``sqlcipher3``. The key is 32 random bytes from the OS keyring,
handed in by ``app/`` and given to SQLCipher as a raw key (``PRAGMA key = "x'…'"``), so no passphrase
derivation runs on every connection. A data directory copied to another machine is unreadable there.

Releases before this one wrote a plaintext file. :func:`encrypt_plaintext` moves such a file into an
encrypted one without ever leaving a second plaintext copy, and so that being killed at any instant
leaves either the old plaintext file intact or the new encrypted one complete:

1. the plaintext file's write-ahead log is checkpointed into it and removed (``journal_mode=DELETE``),
   so no plaintext ``-wal`` can later be replayed over the encrypted file, and the file stands alone;
2. ``sqlcipher_export`` copies it into a temporary encrypted file next to it, which is flushed to disk,
   then reopened with the key and checked;
3. the temporary file is renamed over the plaintext one (the one atomic step) and the directory synced.

A temporary file left by a crash is encrypted, incomplete and never renamed: the next run deletes it.
"""

from __future__ import annotations

import logging
import math
import os
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import sqlcipher3  # type: ignore[import-untyped]  # no stubs; used through the DBAPI only

from core.durable import fsync_dir, fsync_file
from core.private import create_private_file

log = logging.getLogger(__name__)

KEY_BYTES = 32
SQLITE_MAGIC = b"SQLite format 3\x00"
#: suffix of the encrypted file being written (``counter.sqlite3.encrypting``), renamed when complete
TEMP_SUFFIX = ".encrypting"

DatabaseError = sqlcipher3.DatabaseError
OperationalError = sqlcipher3.OperationalError


def check_key(key: bytes) -> None:
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise ValueError("the database key is 32 bytes")


def key_literal(key: bytes) -> str:
    """SQLCipher's raw-key form: the 64 hex digits are the AES key itself, no KDF is run."""
    check_key(key)
    return f"x'{key.hex()}'"


def apply_key(conn: Any, key: bytes) -> None:
    """Key a fresh connection; must be its first statement, before anything reads the file."""
    conn.execute(f'PRAGMA key = "{key_literal(key)}"')
    conn.execute("PRAGMA cipher_compatibility = 4")
    # temporary tables, indices and sort spills stay in memory: never a plaintext temp file
    conn.execute("PRAGMA temp_store = MEMORY")


def connect(target: str | Path, key: bytes, *, uri: bool = False, check_same_thread: bool = True) -> Any:
    """A keyed ``sqlcipher3`` connection (SQLAlchemy's pool gets these through its ``creator``)."""
    conn = sqlcipher3.connect(str(target), uri=uri, check_same_thread=check_same_thread)
    try:
        apply_key(conn, key)
    except BaseException:
        conn.close()
        raise
    return conn


def has_plaintext_header(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def looks_encrypted(path: Path) -> bool:
    """A guess for the error message only: SQLCipher files are whole pages of random-looking bytes.

    SQLCipher cannot tell a file keyed with another key from random garbage, and neither can we; a
    text file or a truncated copy is told apart from an encrypted database by size and byte entropy.
    """
    size = path.stat().st_size
    if size < 1024 or size % 512:
        return False
    with path.open("rb") as f:
        sample = f.read(4096)
    counts = Counter(sample)
    entropy = -sum(n / len(sample) * math.log2(n / len(sample)) for n in counts.values())
    return entropy > 7.0


def _remove_temp(target: Path) -> None:
    for leftover in (target, target.with_name(target.name + "-journal")):
        if leftover.exists():
            log.info("removing incomplete encrypted copy %s left by an interrupted run", leftover.name)
            leftover.unlink()


def _export(source: Any, temp: Path, key: bytes) -> None:
    """``sqlcipher_export`` the database open on ``source`` into the new encrypted file ``temp``, then flush it."""
    _remove_temp(temp)
    create_private_file(temp)  # 0600 (a copy of personal data), whatever the umask; SQLite fills the empty file
    user_version = int(source.execute("PRAGMA main.user_version").fetchone()[0])
    source.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(temp), key_literal(key)))
    try:
        source.execute("PRAGMA encrypted.cipher_compatibility = 4")
        source.execute("SELECT sqlcipher_export('encrypted')")
        source.execute(f"PRAGMA encrypted.user_version = {user_version}")
        if _row_counts(source, "encrypted") != _row_counts(source, "main"):
            raise DatabaseError("the encrypted copy differs from its source")
    finally:
        source.execute("DETACH DATABASE encrypted")
    fsync_file(temp)
    check = connect(temp, key)
    try:
        ok = check.execute("PRAGMA quick_check").fetchone()
        if not ok or ok[0] != "ok":
            raise DatabaseError(f"the encrypted copy fails quick_check: {ok}")
    finally:
        check.close()


def export_encrypted(source: Any, target: Path, key: bytes) -> None:
    """Copy the database open on ``source`` (keyed) into a new encrypted file ``target`` (a backup).

    Written under a temporary name, flushed and renamed, so ``target`` is either absent or complete.
    """
    temp = target.with_name(target.name + TEMP_SUFFIX)
    _export(source, temp, key)
    os.replace(temp, target)
    fsync_dir(target.parent)


def _checkpoint_plaintext(path: Path) -> None:
    """Fold the plaintext file's WAL into it and leave it a single file (step 1 of the move)."""
    conn = sqlite3.connect(path)
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()
        if not mode or str(mode[0]).lower() != "delete":
            raise sqlite3.OperationalError(f"could not leave WAL mode (journal_mode={mode})")
    finally:
        conn.close()
    for side in ("-wal", "-shm"):  # after the checkpoint neither holds anything the file lacks
        path.with_name(path.name + side).unlink(missing_ok=True)


def encrypt_plaintext(path: Path, key: bytes) -> None:
    """Replace the plaintext database at ``path`` by an encrypted copy (see the module docstring)."""
    check_key(key)
    _checkpoint_plaintext(path)
    temp = path.with_name(path.name + TEMP_SUFFIX)
    source = sqlcipher3.connect(str(path))  # no key: SQLCipher reads a plaintext file as SQLite does
    try:
        source.execute("PRAGMA temp_store = MEMORY")
        _export(source, temp, key)
    finally:
        source.close()
    os.replace(temp, path)  # the commit point: before it the plaintext file, after it the encrypted one
    fsync_dir(path.parent)
    log.info("database %s encrypted at rest (was plaintext)", path.name)


def _row_counts(conn: Any, schema: str) -> dict[str, int]:
    names = [r[0] for r in conn.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
    return {name: int(conn.execute(f'SELECT count(*) FROM {schema}."{name}"').fetchone()[0]) for name in names}


def plaintext_leftovers(path: Path) -> list[Path]:
    """Plaintext copies next to the database (upgrade backups of earlier releases): not ours to delete."""
    found = []
    for candidate in sorted(path.parent.glob(f"{path.name}.*")):
        if candidate.is_file() and has_plaintext_header(candidate):
            found.append(candidate)
    return found
