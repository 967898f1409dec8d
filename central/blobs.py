"""Blobs (scanned attachments): content-addressed, uploaded in chunks, checked by SHA-256.

A blob is keyed by (terminal, sha256 of its plaintext bytes), so terminals never see
each other's uploads. The bytes live in files under the blob directory,
``<dir>/<terminal>/<sha[:2]>/<sha>``, with a ``.part`` suffix while incomplete; the
database keeps the declared size and how many bytes are stored (``received``).

Durability order for a chunk: the bytes are written and fsynced first, then
``received`` is advanced in the database. A crash in between leaves extra bytes after
``received`` in the ``.part`` file, which the next chunk cuts off before writing, so
the file and the database can only disagree in that harmless direction.

Chunks of one blob are serialised by striped in-process locks: the reference server
is one process per blob directory.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from central.errors import BlobOverflow, BlobSizeConflict, HashMismatch, NotFound, OffsetMismatch
from central.models import BlobRow
from central.receipts import utc_now

log = logging.getLogger(__name__)

MAX_BLOB_SIZE = 200 * 1024 * 1024
MAX_CHUNK_SIZE = 8 * 1024 * 1024
_HASH_BLOCK = 1024 * 1024
_LOCK_STRIPES = 64
#: fsyncs of one blob batch in flight at once (ext4 commits concurrent ones together)
_FSYNC_WORKERS = 16


@dataclass(frozen=True)
class BlobState:
    """What the protocol answers about a blob."""

    sha256: str
    size: int
    received: int
    complete: bool
    media_type: str

    @classmethod
    def from_row(cls, row: BlobRow) -> BlobState:
        return cls(sha256=row.sha256, size=row.size, received=row.received, complete=row.complete,
                   media_type=row.media_type)


def _fsync_dir(directory: Path) -> None:
    """Make a rename or a new file in ``directory`` durable (a no-op where directories cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


#: limits of ``POST /v1/blobs/batch``
MAX_BATCH_ITEM_SIZE = MAX_CHUNK_SIZE
MAX_BATCH_ITEMS = 1000
MAX_BATCH_BODY = 256 * 1024 * 1024


@dataclass(frozen=True)
class BatchBlob:
    """One fully received, hash-checked item of a blob batch, waiting in ``temp`` for the commit."""

    sha256: str
    size: int
    media_type: str
    temp: Path


class BlobStore:
    """Blob metadata in the central database and bytes in ``directory``."""

    def __init__(self, read: sessionmaker[Session], write: sessionmaker[Session], directory: Path, *,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.directory = directory
        self._read = read
        self._write = write
        self._clock = clock
        self._locks = [threading.Lock() for _ in range(_LOCK_STRIPES)]

    def _lock(self, terminal_id: str, sha256: str) -> threading.Lock:
        return self._locks[hash((terminal_id, sha256)) % _LOCK_STRIPES]

    def path(self, terminal_id: str, sha256: str, *, part: bool = False) -> Path:
        name = f"{sha256}.part" if part else sha256
        return self.directory / terminal_id / sha256[:2] / name

    def create(self, terminal_id: str, sha256: str, size: int, media_type: str) -> tuple[BlobState, bool]:
        """Announce a blob; returns its state and whether it is new for this terminal.

        Raises ``BlobSizeConflict`` if this terminal announced the same hash with another size.
        """
        created = True
        try:
            with self._write() as session, session.begin():
                row = session.get(BlobRow, (terminal_id, sha256))
                if row is None:
                    row = BlobRow(terminal_id=terminal_id, sha256=sha256, size=size, media_type=media_type,
                                  received=0, complete=False, created_at=self._clock().isoformat())
                    session.add(row)
                    session.flush()
                else:
                    created = False
                state = BlobState.from_row(row)
        except IntegrityError:
            # Another request announced it at the same moment (PostgreSQL); theirs stands.
            found = self.get(terminal_id, sha256)
            if found is None:
                raise
            state, created = found, False
        if state.size != size:
            raise BlobSizeConflict(f"blob {sha256[:12]} was announced with size {state.size}, not {size}")
        if created:
            log.info("blob %s announced by terminal %s (%d bytes)", sha256[:12], terminal_id, size)
        return state, created

    def get(self, terminal_id: str, sha256: str) -> BlobState | None:
        with self._read() as session:
            row = session.get(BlobRow, (terminal_id, sha256))
            return None if row is None else BlobState.from_row(row)

    def _set_received(self, terminal_id: str, sha256: str, expected: int, received: int,
                      complete: bool = False) -> None:
        with self._write() as session, session.begin():
            result = session.execute(
                update(BlobRow)
                .where(BlobRow.terminal_id == terminal_id, BlobRow.sha256 == sha256, BlobRow.received == expected)
                .values(received=received, complete=complete)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                # Only one process writes a blob directory, and chunks of one blob are
                # serialised; this means the row changed behind our back.
                raise OffsetMismatch("blob changed during the upload", received=received)

    def append(self, terminal_id: str, sha256: str, offset: int, chunk: bytes) -> BlobState:
        """Store ``chunk`` at ``offset`` if that is where the stored bytes end.

        Raises ``NotFound``, ``OffsetMismatch`` (nothing stored), ``BlobOverflow``
        (nothing stored) or ``HashMismatch`` (the chunk completed the size but the
        bytes hash to something else: all stored bytes are discarded).
        """
        with self._lock(terminal_id, sha256):
            state = self.get(terminal_id, sha256)
            if state is None:
                raise NotFound(f"no blob {sha256[:12]} for this terminal")
            if offset != state.received:
                raise OffsetMismatch(f"chunk at offset {offset}, but {state.received} bytes are stored",
                                     received=state.received)
            if offset + len(chunk) > state.size:
                raise BlobOverflow(f"chunk would end at {offset + len(chunk)}, past the size {state.size}")
            part = self.path(terminal_id, sha256, part=True)
            part.parent.mkdir(parents=True, exist_ok=True)
            if offset > 0 and (not part.exists() or part.stat().st_size < offset):
                # The file lost bytes the database counts (deleted by hand, restored
                # from an older backup): start over rather than store a hole.
                log.error("blob %s of terminal %s lost its stored bytes; restarting it", sha256[:12], terminal_id)
                self._set_received(terminal_id, sha256, offset, 0)
                raise OffsetMismatch("stored bytes were lost; upload again from 0", received=0)
            new_file = not part.exists()
            with part.open("r+b" if not new_file else "wb") as stream:
                stream.truncate(offset)
                stream.seek(offset)
                stream.write(chunk)
                stream.flush()
                os.fsync(stream.fileno())
            if new_file:
                _fsync_dir(part.parent)
            received = offset + len(chunk)
            if received < state.size:
                self._set_received(terminal_id, sha256, offset, received)
                return BlobState(sha256, state.size, received, False, state.media_type)
            return self._finish(terminal_id, state, offset, part)

    def _finish(self, terminal_id: str, state: BlobState, offset: int, part: Path) -> BlobState:
        if file_sha256(part) != state.sha256:
            part.unlink(missing_ok=True)
            self._set_received(terminal_id, state.sha256, offset, 0)
            log.warning("blob %s of terminal %s did not match its hash; discarded", state.sha256[:12], terminal_id)
            raise HashMismatch(f"the {state.size} bytes received do not hash to {state.sha256}; "
                               "they were discarded, upload again from offset 0")
        final = self.path(terminal_id, state.sha256)
        os.replace(part, final)
        _fsync_dir(final.parent)
        self._set_received(terminal_id, state.sha256, offset, state.size, complete=True)
        log.info("blob %s of terminal %s complete", state.sha256[:12], terminal_id)
        return BlobState(state.sha256, state.size, state.size, True, state.media_type)

    def content(self, terminal_id: str, sha256: str) -> tuple[Path, str] | None:
        """The file and media type of a complete blob, or None."""
        state = self.get(terminal_id, sha256)
        if state is None or not state.complete:
            return None
        return self.path(terminal_id, sha256), state.media_type

    # -- batches (POST /v1/blobs/batch) ------------------------------------------------
    # Items land in private temporary files while the body streams in; ``commit_batch``
    # then makes all of them durable and visible at once: fsync every file, rename each
    # to its final name, fsync the directories, record all complete in ONE transaction.

    def batch_temp(self, terminal_id: str, sha256: str) -> Path:
        """A fresh private file name for one batch item (never the resumable ``.part``)."""
        final = self.path(terminal_id, sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        return final.parent / f"{sha256}.batch-{os.urandom(6).hex()}"

    def complete_states(self, terminal_id: str, shas: Collection[str]) -> dict[str, BlobState]:
        """The states of those of ``shas`` that ``terminal_id`` already has complete, in one query."""
        if not shas:
            return {}
        with self._read() as session:
            rows = session.scalars(select(BlobRow).where(
                BlobRow.terminal_id == terminal_id, BlobRow.sha256.in_(set(shas)), BlobRow.complete.is_(True)))
            return {row.sha256: BlobState.from_row(row) for row in rows}

    def commit_batch(self, terminal_id: str, items: list[BatchBlob]) -> None:
        """Make ``items`` complete blobs of ``terminal_id``: durable files first, then one transaction.

        The fsyncs run on a few threads at once: each still waits for its own file (or
        directory) to be on disk, but the file system can write them out together
        instead of one journal commit after the other. The order stays: every file
        durable, then the renames, then the directories durable, then the transaction.
        """
        if not items:
            return
        workers = min(_FSYNC_WORKERS, len(items))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="blob-fsync") as pool:
            # list(): wait for all and raise the first failure before anything is renamed.
            list(pool.map(_fsync_file, [item.temp for item in items]))
            unique = {item.sha256: item for item in items}
            stripes = sorted({hash((terminal_id, sha)) % _LOCK_STRIPES for sha in unique})
            with contextlib.ExitStack() as held:
                for stripe in stripes:
                    held.enter_context(self._locks[stripe])
                directories: set[Path] = set()
                for item in items:
                    final = self.path(terminal_id, item.sha256)
                    if unique[item.sha256] is item:
                        os.replace(item.temp, final)
                        directories.add(final.parent)
                    else:
                        item.temp.unlink(missing_ok=True)
                list(pool.map(_fsync_dir, sorted(directories)))
                with self._write() as session, session.begin():
                    upsert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
                    created_at = self._clock().isoformat()
                    stmt = upsert(BlobRow)
                    # The hash-checked bytes settle the size, even over an earlier announcement.
                    session.execute(
                        stmt.on_conflict_do_update(
                            index_elements=[BlobRow.terminal_id, BlobRow.sha256],
                            set_={"size": stmt.excluded.size, "received": stmt.excluded.received,
                                  "complete": True}),
                        [{"terminal_id": terminal_id, "sha256": item.sha256, "size": item.size,
                          "media_type": item.media_type, "received": item.size, "complete": True,
                          "created_at": created_at} for item in unique.values()])
                for sha in unique:
                    # A resumable upload of the same blob left behind is superseded.
                    self.path(terminal_id, sha, part=True).unlink(missing_ok=True)
        log.info("blob batch of terminal %s: %d blobs complete", terminal_id, len(unique))
