"""Every page of an SQLCipher file decrypted, free pages and unused cell space included.

The data-at-rest tests search files for names and ID numbers; an encrypted database shows none whatever
it holds. Whether a purge really removed a name is only seen inside the pages, with the key, where
SQLite leaves deleted cells and freed pages as they were unless ``secure_delete`` zeroes them. This
reads the file the way SQLCipher 4 writes it with a raw key: AES-256-CBC per page, the IV and the HMAC
in the page's reserved tail, page 1's first 16 bytes the salt.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
#: 16-byte IV + 64-byte HMAC-SHA512 at the end of every page (SQLCipher 4 defaults)
RESERVE = 80
SALT = 16


def decrypted_pages(path: Path, key: bytes) -> bytes:
    """The plaintext of every page of the database file at ``path``, concatenated."""
    data = path.read_bytes()
    assert len(data) % PAGE == 0, f"{path} is not whole pages"
    out = bytearray()
    for start in range(0, len(data), PAGE):
        page = data[start:start + PAGE]
        body_from = SALT if start == 0 else 0
        iv = page[PAGE - RESERVE:PAGE - RESERVE + 16]
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        out += decryptor.update(page[body_from:PAGE - RESERVE]) + decryptor.finalize()
    return bytes(out)
