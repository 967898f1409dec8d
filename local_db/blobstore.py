"""Encrypted, content-addressed files for scanned evidence (PDFs of ID copies, certificates, letters).

Scans are the most personal data the terminal holds, so they never touch the disk in the clear. Each
blob is stored once under the SHA-256 of its plaintext (the name the sync protocol checks uploads
against) and sealed with AES-256-GCM in 1 MiB chunks, the "STREAM" construction: the nonce is a
random per-file prefix plus the chunk counter, and each chunk's associated data carries the header,
its index and whether it is the last one, so chunks cannot be reordered, dropped or the file cut short
without the read failing. Chunking keeps memory bounded for large scans and lets a reader stream a
blob out for upload. The key (32 random bytes) lives in the OS keyring and is handed in by ``app/``;
a copy of the data directory on another machine is unreadable.

Files are written to a temporary name, flushed to disk and renamed, so a crash leaves either the
whole blob or none (a leftover temporary file is removed on the next ``put``).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.durable import fsync_dir
from core.errors import StorageError
from core.private import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, make_private_dir

MAGIC = b"SICB\x01"
CHUNK = 1 << 20
_PREFIX = 7  # nonce = 7-byte random prefix + 4-byte counter + 1-byte last flag (12 bytes)
_TAG = 16
#: a new temporary file, never an existing one (the name is random; O_EXCL makes sure)
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
KEY_BYTES = 32


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


@dataclass(frozen=True)
class BlobRef:
    """What the database records about a stored blob."""

    sha256: str
    size: int


class BlobCorrupt(StorageError):
    def __init__(self, sha256: str, detail: str) -> None:
        super().__init__(f"blob {sha256[:12]}…: {detail}",
                         user_message="本机保存的扫描件已损坏或无法解密。",
                         hint="请重新拍摄该材料；如多份材料出现此问题，请联系系统管理员。")


class BlobStore:
    """A directory of sealed blobs, two-level fan-out by hash (``ab/abcdef….blob``)."""

    def __init__(self, root: Path, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("the blob key is 32 bytes")
        self.root = root
        self._aead = AESGCM(key)

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / f"{sha256}.blob"

    def put(self, data: bytes) -> BlobRef:
        """Store bytes (idempotent: the same content is stored once)."""
        return self.put_chunks([data])

    def put_chunks(self, chunks: Iterable[bytes]) -> BlobRef:
        """Stream plaintext in; the name is known only at the end, so it is written under a temporary name."""
        make_private_dir(self.root, own=True)
        tmp = self.root / f".incoming-{secrets.token_hex(8)}"
        digest = hashlib.sha256()
        size = 0
        prefix = secrets.token_bytes(_PREFIX)
        header = MAGIC + prefix
        try:
            with os.fdopen(os.open(tmp, _CREATE, PRIVATE_FILE_MODE), "wb") as out:  # 0600 whatever the umask
                out.write(header)
                for index, piece in enumerate(_rechunk(chunks)):
                    digest.update(piece.data)
                    size += len(piece.data)
                    out.write(self._seal(header, prefix, index, piece.data, piece.last))
                out.flush()
                os.fsync(out.fileno())
            ref = BlobRef(digest.hexdigest(), size)
            final = self.path_for(ref.sha256)
            if final.exists():
                tmp.unlink()
                os.utime(final)  # wanted again: a retention sweep running now leaves it (``discard``)
                return ref
            final.parent.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
            os.replace(tmp, final)
            fsync_dir(final.parent)
            return ref
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise StorageError(f"writing blob failed: {exc.strerror}",
                               user_message="扫描件保存失败（磁盘写入出错）。",
                               hint="请检查磁盘空间后重试。") from exc
        finally:
            self._sweep(keep=tmp)

    def open_chunks(self, sha256: str) -> Iterator[bytes]:
        """Decrypt chunk by chunk, checking every tag and the hash of the whole at the end."""
        path = self.path_for(sha256)
        if not path.is_file():
            raise BlobCorrupt(sha256, "missing")
        with open(path, "rb") as handle:
            header = handle.read(len(MAGIC) + _PREFIX)
            if len(header) != len(MAGIC) + _PREFIX or not header.startswith(MAGIC):
                raise BlobCorrupt(sha256, "bad header")
            prefix = header[len(MAGIC):]
            digest = hashlib.sha256()
            index = 0
            while True:
                sealed = handle.read(CHUNK + _TAG)
                last = len(sealed) < CHUNK + _TAG or not handle.peek(1)
                try:
                    plain = self._aead.decrypt(_nonce(prefix, index, last), sealed, _aad(header, index, last))
                except InvalidTag as exc:
                    raise BlobCorrupt(sha256, f"chunk {index} fails authentication") from exc
                digest.update(plain)
                yield plain
                if last:
                    break
                index += 1
            if digest.hexdigest() != sha256:
                raise BlobCorrupt(sha256, "content does not match its name")

    def get(self, sha256: str) -> bytes:
        return b"".join(self.open_chunks(sha256))

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def discard(self, sha256: str, *, untouched_since: float) -> bool:
        """Delete a blob nobody needs any more (retention); whether it is gone now.

        A blob stored or stored again (``put`` of the same content) after ``untouched_since`` (a
        ``time.time()`` value) is kept: whoever put it may be about to record it in the database, which
        the caller's "nobody needs it" check could not see yet. The next sweep decides again.
        """
        path = self.path_for(sha256)
        try:
            if path.stat().st_mtime > untouched_since:
                return False
            path.unlink()
        except FileNotFoundError:
            return True
        except OSError as exc:
            raise StorageError(f"deleting blob {sha256[:12]}… failed: {exc.strerror}",
                               user_message="清理过期扫描件时删除文件失败。",
                               hint="请检查数据目录的权限；下次清理会再次尝试。") from exc
        fsync_dir(path.parent)
        return True

    def _seal(self, header: bytes, prefix: bytes, index: int, data: bytes, last: bool) -> bytes:
        return self._aead.encrypt(_nonce(prefix, index, last), data, _aad(header, index, last))

    def _sweep(self, keep: Path) -> None:
        """Remove temporary files a crash left behind (never the one being written)."""
        for leftover in self.root.glob(".incoming-*"):
            if leftover != keep:
                leftover.unlink(missing_ok=True)


@dataclass(frozen=True)
class _Piece:
    data: bytes
    last: bool


def _rechunk(chunks: Iterable[bytes]) -> Iterator[_Piece]:
    """Cut the input into CHUNK-sized pieces, knowing which is last (an empty blob is one empty chunk)."""
    buffer = bytearray()
    pending: bytes | None = None
    for chunk in chunks:
        buffer += chunk
        while len(buffer) >= CHUNK:
            if pending is not None:
                yield _Piece(pending, False)
            pending = bytes(buffer[:CHUNK])
            del buffer[:CHUNK]
    if pending is not None and buffer:
        yield _Piece(pending, False)
        yield _Piece(bytes(buffer), True)
    elif pending is not None:
        yield _Piece(pending, True)
    else:
        yield _Piece(bytes(buffer), True)


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">I?", index, last)


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + struct.pack(">I?", index, last)
