"""Blobs (scanned attachments): content-addressed, uploaded in chunks, checked by SHA-256.

A blob is keyed by (terminal, sha256 of its plaintext bytes), so terminals never see
each other's uploads. The database keeps the declared size and how many bytes are
stored (``received``); the bytes live under the blob directory in one of two ways:

- a blob uploaded with the resumable path (announce, then PATCH chunks) is a file of
  its own, ``<dir>/<terminal>/<sha[:2]>/<sha>``, with a ``.part`` suffix while
  incomplete;
- the blobs of one blob batch are written back to back into ONE pack file,
  ``<dir>/<terminal>/packs/<random hex>.pack``, and ``blob_pack_entries`` says where
  each one lies (pack, offset, length). Creating, fsyncing and renaming a file per
  small blob cost far more than writing its bytes; a pack costs one file, one fsync
  and one rename per batch (as object stores pack small objects into volumes).

``content`` finds a blob either way: its pack entry if it has one, else its own file.
A blob can have both (same bytes); either serves.

Durability order for a chunk: the bytes are written and fsynced first, then
``received`` is advanced in the database. A crash in between leaves extra bytes after
``received`` in the ``.part`` file, which the next chunk cuts off before writing, so
the file and the database can only disagree in that harmless direction. A batch's
pack is fsynced and renamed (``.pack.tmp`` to ``.pack``) before the one transaction
that records its blobs complete; a server killed mid-batch leaves a ``.pack.tmp`` that
nothing references, swept on the terminal's next batch once an hour old.

Packs are never rewritten: bytes nothing references (an item whose blob turned out to
be complete already, a pack whose transaction failed) stay as unreferenced garbage.

Chunks of one blob are serialised by striped in-process locks: the reference server
is one process per blob directory.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, cast

from sqlalchemy import Table, and_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from central.errors import BlobOverflow, BlobSizeConflict, HashMismatch, NotFound, OffsetMismatch
from central.models import BlobPackEntryRow, BlobRow
from central.receipts import utc_now
from core.durable import fsync_dir
from protocol.ids import TERMINAL_ID_PATTERN

log = logging.getLogger(__name__)

MAX_BLOB_SIZE = 200 * 1024 * 1024
MAX_CHUNK_SIZE = 8 * 1024 * 1024
_HASH_BLOCK = 1024 * 1024
_LOCK_STRIPES = 64
#: a blob's bytes are served in pieces of this size
_SERVE_PIECE = 1024 * 1024
#: the directory of a terminal's packs, next to its ``<sha[:2]>`` directories
PACK_DIR = "packs"
#: a terminal's folder holds its packs and one folder per first two hex digits of a whole blob's hash
_TERMINAL_FOLDER_ENTRY = re.compile(rf"{PACK_DIR}|[0-9a-f]{{2}}")


def is_terminal_folder(entry: Path) -> bool:
    """Whether ``entry`` (in a blob directory) looks like a terminal's blob folder that this server made:
    named like a terminal id, holding only folders named as ours. Start-up repairs modes only in such
    folders, never in whatever else an operator's ``--blob-dir`` holds."""
    if entry.is_symlink() or not entry.is_dir() or re.fullmatch(TERMINAL_ID_PATTERN, entry.name) is None:
        return False
    return all(child.is_dir() and not child.is_symlink() and _TERMINAL_FOLDER_ENTRY.fullmatch(child.name)
               for child in entry.iterdir())
#: a ``.pack.tmp`` untouched this long belongs to no live request (a server killed mid-batch)
STALE_PACK_SECONDS = 3600.0
#: a pack's bytes are handed to the disk every this many bytes while the batch streams in (see
#: ``PackWriter.write``), so the fsync at the commit waits for the last few MiB, not the whole pack
PACK_WRITEBACK = 8 * 1024 * 1024


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
    """One fully received, hash-checked item of a blob batch: ``size`` bytes at ``offset`` of the pack."""

    sha256: str
    size: int
    media_type: str
    offset: int


@dataclass(frozen=True)
class BlobLocation:
    """Where a complete blob's bytes are: ``length`` bytes at ``offset`` of ``path``."""

    path: Path
    offset: int
    length: int
    media_type: str

    def pieces(self, size: int = _SERVE_PIECE) -> Iterator[bytes]:
        """The bytes, a piece at a time, so serving a blob never holds more than one piece."""
        with self.path.open("rb") as stream:
            stream.seek(self.offset)
            left = self.length
            while left > 0:
                piece = stream.read(min(size, left))
                if not piece:
                    raise OSError(f"{self.path} ends {left} bytes before the blob does")
                left -= len(piece)
                yield piece

    def read(self) -> bytes:
        """All the bytes at once (tests and tools; the server streams ``pieces``)."""
        return b"".join(self.pieces())


_BLOB_TABLE = cast(Table, BlobRow.__table__)
_PACK_ENTRY_TABLE = cast(Table, BlobPackEntryRow.__table__)

_FADVISE = hasattr(os, "posix_fadvise") and hasattr(os, "POSIX_FADV_DONTNEED")


@dataclass
class PackWriter:
    """The one pack file of a blob batch request, created at its first byte.

    Items are appended as the body streams in; a rejected or torn item is cut off
    again with ``truncate``. Nothing is fsynced until ``finish`` (at the commit), but every
    ``PACK_WRITEBACK`` bytes the kernel is asked to start writing what came so far
    (``posix_fadvise(DONTNEED)`` starts writeback of dirty pages without waiting for it):
    the disk works while the rest of the body is still on the line, and the fsync at the
    commit, during which the line stands idle, waits only for the last few MiB (for a
    64 MiB batch about 5 ms instead of about 30). Durability still rests on that fsync alone.
    """

    directory: Path
    name: str = field(default_factory=lambda: f"{os.urandom(12).hex()}.pack")
    #: where the next byte goes (the pack's length)
    position: int = 0
    _stream: BinaryIO | None = None
    _made_directory: bool = False
    #: where the bytes not yet handed to the disk start
    _written_back: int = 0

    @property
    def temp(self) -> Path:
        return self.directory / f"{self.name}.tmp"

    def write(self, data: bytes | memoryview) -> None:
        if self._stream is None:
            if not self.directory.is_dir():
                self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)  # owner only (issue 17)
                self._made_directory = True
            self._stream = self.temp.open("wb")
        self._stream.write(data)
        self.position += len(data)
        if self.position - self._written_back >= PACK_WRITEBACK:
            self._write_back(self._stream)

    def _write_back(self, stream: BinaryIO) -> None:
        """Start writing the bytes since the last call to the disk, without waiting (Linux: the
        dirty pages go to the device; clean pages of the range leave the page cache, which
        nothing reads back while the batch lasts). A no-op where there is no ``posix_fadvise``."""
        if not _FADVISE:
            return
        stream.flush()
        with contextlib.suppress(OSError):  # a hint: fsync at the commit is what makes it durable
            os.posix_fadvise(stream.fileno(), self._written_back, self.position - self._written_back,
                             os.POSIX_FADV_DONTNEED)
        self._written_back = self.position

    def truncate(self, offset: int) -> None:
        """Forget everything from ``offset`` on (a rejected item, or one the body tore off)."""
        if self._stream is not None and offset < self.position:
            self._stream.truncate(offset)  # flushes the buffer first
            self._stream.seek(offset)
        self.position = min(self.position, offset)
        self._written_back = min(self._written_back, self.position)

    def finish(self) -> Path:
        """Make the pack durable under its final name: fsync, rename, fsync the directory."""
        assert self._stream is not None, "an empty pack is discarded, not finished"
        stream, self._stream = self._stream, None
        try:
            stream.flush()
            os.fsync(stream.fileno())
        finally:
            stream.close()
        final = self.directory / self.name
        os.replace(self.temp, final)
        fsync_dir(self.directory)
        if self._made_directory:
            # A new packs directory (and perhaps terminal directory) must survive too.
            fsync_dir(self.directory.parent)
            fsync_dir(self.directory.parent.parent)
        return final

    def discard(self) -> None:
        """Drop the temporary pack (a finished pack is kept)."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None
            self.temp.unlink(missing_ok=True)


class BlobStore:
    """Blob metadata in the central database and bytes in ``directory``."""

    def __init__(self, read: sessionmaker[Session], write: sessionmaker[Session], directory: Path, *,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.directory = directory
        self._read = read
        self._write = write
        self._clock = clock
        self._locks = [threading.Lock() for _ in range(_LOCK_STRIPES)]
        #: terminals whose packs directory was swept of stale ``.pack.tmp`` files by this process
        self._swept: set[str] = set()

    def _lock(self, terminal_id: str, sha256: str) -> threading.Lock:
        return self._locks[hash((terminal_id, sha256)) % _LOCK_STRIPES]

    def path(self, terminal_id: str, sha256: str, *, part: bool = False) -> Path:
        name = f"{sha256}.part" if part else sha256
        return self.directory / terminal_id / sha256[:2] / name

    def pack_directory(self, terminal_id: str) -> Path:
        return self.directory / terminal_id / PACK_DIR

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
            part.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # owner only (issue 17)
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
                fsync_dir(part.parent)
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
        fsync_dir(final.parent)
        self._set_received(terminal_id, state.sha256, offset, state.size, complete=True)
        log.info("blob %s of terminal %s complete", state.sha256[:12], terminal_id)
        return BlobState(state.sha256, state.size, state.size, True, state.media_type)

    def content(self, terminal_id: str, sha256: str) -> BlobLocation | None:
        """Where the bytes of a complete blob are (its pack entry, else its own file), or None."""
        with self._read() as session:
            found = session.execute(
                select(BlobRow, BlobPackEntryRow)
                .outerjoin(BlobPackEntryRow, and_(BlobPackEntryRow.terminal_id == BlobRow.terminal_id,
                                                  BlobPackEntryRow.sha256 == BlobRow.sha256))
                .where(BlobRow.terminal_id == terminal_id, BlobRow.sha256 == sha256)).first()
        if found is None or not found[0].complete:
            return None
        row, entry = found
        if entry is not None:
            return BlobLocation(self.pack_directory(terminal_id) / entry.pack, entry.offset, entry.length,
                                row.media_type)
        return BlobLocation(self.path(terminal_id, sha256), 0, row.size, row.media_type)

    # -- batches (POST /v1/blobs/batch) ------------------------------------------------
    # Items are appended to one private temporary pack file while the body streams in;
    # ``commit_batch`` then makes all of them durable and visible at once: fsync the
    # pack, rename it, fsync its directory, record all complete in ONE transaction.

    def open_pack(self, terminal_id: str) -> PackWriter:
        """A new pack for one batch request of ``terminal_id`` (no file until its first byte).

        The first batch of a terminal in this process sweeps its ``.pack.tmp`` files that
        have not been written to for an hour: a killed server's, never referenced.
        """
        directory = self.pack_directory(terminal_id)
        if terminal_id not in self._swept:
            self._swept.add(terminal_id)
            cutoff = time.time() - STALE_PACK_SECONDS
            with contextlib.suppress(OSError):
                for temp in directory.glob("*.pack.tmp"):
                    with contextlib.suppress(OSError):
                        if temp.stat().st_mtime < cutoff:
                            temp.unlink()
                            log.info("removed the stale pack %s of terminal %s", temp.name, terminal_id)
        return PackWriter(directory)

    def complete_states(self, terminal_id: str, shas: Collection[str]) -> dict[str, BlobState]:
        """The states of those of ``shas`` that ``terminal_id`` already has complete, in one query."""
        if not shas:
            return {}
        with self._read() as session:
            rows = session.scalars(select(BlobRow).where(
                BlobRow.terminal_id == terminal_id, BlobRow.sha256.in_(set(shas)), BlobRow.complete.is_(True)))
            return {row.sha256: BlobState.from_row(row) for row in rows}

    def commit_batch(self, terminal_id: str, pack: PackWriter, items: list[BatchBlob]) -> None:
        """Make ``items`` (which lie in ``pack``) complete blobs of ``terminal_id``: the durable
        pack first, then one transaction recording the blobs and where they lie.

        Without items the pack is discarded. Bytes of the pack that no item names (a blob
        found complete already) stay in it, unreferenced.
        """
        if not items:
            pack.discard()
            return
        pack.finish()
        unique = {item.sha256: item for item in items}
        stripes = sorted({hash((terminal_id, sha)) % _LOCK_STRIPES for sha in unique})
        with contextlib.ExitStack() as held:
            for stripe in stripes:
                held.enter_context(self._locks[stripe])
            with self._write() as session, session.begin():
                postgres = session.get_bind().dialect.name == "postgresql"
                created_at = self._clock().isoformat()
                # Core statements on the tables, not the ORM classes: the same SQL and parameters, without
                # the ORM's bulk-insert bookkeeping per row (half the time of this transaction, during which
                # the terminal's line stands idle waiting for the answer).
                table = _BLOB_TABLE
                blobs = (pg_insert if postgres else sqlite_insert)(table)
                # The hash-checked bytes settle the size, even over an earlier announcement.
                session.execute(
                    blobs.on_conflict_do_update(
                        index_elements=[table.c.terminal_id, table.c.sha256],
                        set_={"size": blobs.excluded.size, "received": blobs.excluded.received,
                              "complete": True}),
                    [{"terminal_id": terminal_id, "sha256": item.sha256, "size": item.size,
                      "media_type": item.media_type, "received": item.size, "complete": True,
                      "created_at": created_at} for item in unique.values()])
                entry_table = _PACK_ENTRY_TABLE
                entries = (pg_insert if postgres else sqlite_insert)(entry_table)
                session.execute(
                    entries.on_conflict_do_update(
                        index_elements=[entry_table.c.terminal_id, entry_table.c.sha256],
                        set_={"pack": entries.excluded.pack, "offset": entries.excluded.offset,
                              "length": entries.excluded.length}),
                    [{"terminal_id": terminal_id, "sha256": item.sha256, "pack": pack.name,
                      "offset": item.offset, "length": item.size} for item in unique.values()])
            # A resumable upload of the same blob left behind is superseded. Plain strings and os.unlink:
            # pathlib cost more than the syscall, hundreds of times per batch.
            base = os.fspath(self.directory / terminal_id)
            for sha in unique:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(f"{base}/{sha[:2]}/{sha}.part")
        log.info("blob batch of terminal %s: %d blobs complete in pack %s", terminal_id, len(unique), pack.name)
