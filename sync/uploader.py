"""Getting scans to the central system: one uploader for the sender's own batch and the uploads ahead.

Small scans (at most ``UPLOAD_CHUNK``) go back to back in one streamed blob batch; larger ones
resumably, in ``UPLOAD_CHUNK`` pieces, from where the server says it stands (a dropped piece costs
that piece only). A blob batch torn off on the way may still have delivered some scans whole (the
server keeps those); they are remembered, and before they are sent again the server is asked which
arrived (``POST /v1/blobs/states``): on a line that keeps dropping, every try moves forward.

Read-only towards the local database: what arrived is returned to the caller, which records it in its
own transaction (the sender's claim or settle), so the threads uploading ahead never write.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from core.errors import CounterError, SyncError
from local_db.blobstore import BlobStore
from local_db.outbox import BlobToSend
from sync.client import BlobSource, CentralClient, OffsetMismatch

log = logging.getLogger(__name__)

#: bytes per upload request: large enough that per-request costs (a server fsync) stay small,
#: small enough that a dropped request wastes little and memory stays bounded
UPLOAD_CHUNK = 4 * 1024 * 1024
#: seconds an upload's answer may take on top of the usual timeout, for an upload of so many bytes
Drain = Callable[[int], float]
#: broken-off scan uploads remembered to ask about (a bound: memory stays small whatever happens)
TORN_MAX = 10_000


@dataclass
class Uploaded:
    """What one ``BlobUploader.upload`` got to the server, filled in as it goes (so a caller that sees
    it fail still records what arrived before)."""

    #: hashes the server confirmed holding whole
    arrived: set[str] = field(default_factory=set)
    #: small scans sent in the blob batch whose answer said they are not complete (a hash mismatch)
    missing: set[str] = field(default_factory=set)
    #: bytes the blob batch carried and the seconds it took (to size batches to the line)
    sent: int = 0
    seconds: float = 0.0


class BlobUploader:
    """Uploads scans from the sealed blob store; shared by the sender thread and the uploads ahead.

    Each upload is given ``drain``: how long, for an upload of so many bytes, its answer may take
    on top of the usual timeout on this line (``BatchSizer.drain``).
    """

    def __init__(self, client: CentralClient, blobs: BlobStore | None) -> None:
        self._client = client
        self._blobs = blobs
        #: small scans whose upload broke off: the server may hold some whole, so ask before resending
        self._torn: set[str] = set()
        self._lock = threading.Lock()

    @property
    def can_read(self) -> bool:
        return self._blobs is not None

    def _store(self) -> BlobStore:
        if self._blobs is None:
            raise CounterError("no blob store to read attachments from",
                               user_message="本机无法读取加密的材料扫描件，业务暂不能发送。",
                               hint="请联系系统管理员检查系统密钥库。")
        return self._blobs

    def upload(self, blobs: Iterable[BlobToSend], done: Uploaded, drain: Drain, *, large_first: bool = True) -> None:
        """Make the server hold these scans; ``done`` collects what arrived.

        ``large_first``: the sender's own batch sends its large scans first (as it always has: the
        blob batch's timing is then what the sizer measures); uploads ahead send the small ones first,
        so the next batch's quick wins arrive before its long uploads. Raises ``SyncError`` when the
        line fails (what arrived before stays in ``done``) and ``CounterError`` when a scan cannot be
        read locally.
        """
        unique = list({b.sha256: b for b in blobs}.values())
        small = [b for b in unique if b.size <= UPLOAD_CHUNK]
        large = [b for b in unique if b.size > UPLOAD_CHUNK]
        if large_first:
            self._upload_large(large, done, drain)
        self._upload_small(small, done, drain)
        if not large_first:
            self._upload_large(large, done, drain)

    def _upload_large(self, large: list[BlobToSend], done: Uploaded, drain: Drain) -> None:
        for blob in large:
            self._upload_resumably(blob, drain(UPLOAD_CHUNK))
            done.arrived.add(blob.sha256)

    def _upload_small(self, small: list[BlobToSend], done: Uploaded, drain: Drain) -> None:
        if not small:
            return
        store = self._store()
        held = self._held_after_tear(small)
        done.arrived |= held
        small = [b for b in small if b.sha256 not in held]
        if not small:
            return
        size = sum(b.size for b in small)
        started = time.monotonic()
        try:
            answers = self._client.upload_blob_batch(
                [BlobSource(b.sha256, b.size, b.media_type, _opener(store, b.sha256)) for b in small],
                drain=drain(size))
        except SyncError:
            self._note_torn(b.sha256 for b in small)
            raise
        done.seconds += time.monotonic() - started
        done.sent += size
        complete = {a.sha256 for a in answers if a.complete}
        done.arrived |= complete
        done.missing |= {b.sha256 for b in small} - complete

    def _note_torn(self, hashes: Iterable[str]) -> None:
        with self._lock:
            self._torn.update(hashes)
            if len(self._torn) > TORN_MAX:  # rows that never came back: forget, at worst bytes go twice
                self._torn.clear()

    def _held_after_tear(self, small: list[BlobToSend]) -> set[str]:
        """Of these scans, those whose earlier upload broke off but reached the server whole.

        The server keeps every item of a torn batch it received completely; asking costs one small
        request, sending them again costs their bytes, which on a poor line is what broke it off.
        """
        with self._lock:
            asked = [b.sha256 for b in small if b.sha256 in self._torn]
            self._torn.difference_update(asked)
        if not asked:
            return set()
        try:
            held = self._client.complete_blobs(asked)
        except SyncError:
            self._note_torn(asked)
            raise
        if held:
            log.info("%d of %d scans of a broken-off upload are on the server already", len(held), len(asked))
        return held

    def _upload_resumably(self, blob: BlobToSend, drain: float) -> None:
        """Make the server hold the whole blob in ``UPLOAD_CHUNK`` pieces, resuming where it stopped;
        ``drain`` per piece."""
        store = self._store()
        state = self._client.create_blob(blob.sha256, blob.size, blob.media_type)
        received, complete = state.received, state.complete
        while not complete:
            try:
                for offset, chunk in _chunks_from(store, blob.sha256, received):
                    state = self._client.upload_chunk(blob.sha256, offset, chunk, drain=drain)
                    received = state.received
                complete = state.complete
                if not complete:  # the server counted differently: ask it where it stands
                    status = self._client.blob_status(blob.sha256)
                    received, complete = (status.received, status.complete) if status else (0, False)
            except OffsetMismatch as exc:
                received = exc.received


def _opener(store: BlobStore, sha256: str) -> Callable[[], Iterable[bytes]]:
    return lambda: store.open_chunks(sha256)


def _chunks_from(blobs: BlobStore, sha256: str, offset: int) -> Iterator[tuple[int, bytes]]:
    """(offset, bytes) pieces of a blob's plaintext from ``offset`` on, at most ``UPLOAD_CHUNK`` each."""
    position = 0
    pending = bytearray()
    start = offset
    for piece in blobs.open_chunks(sha256):
        end = position + len(piece)
        if end > offset:
            pending += piece[max(0, offset - position):]
            while len(pending) >= UPLOAD_CHUNK:
                yield start, bytes(pending[:UPLOAD_CHUNK])
                start += UPLOAD_CHUNK
                del pending[:UPLOAD_CHUNK]
        position = end
    if pending:
        yield start, bytes(pending)
