"""Making renames and new files survive a power cut: fsync a file, fsync the directory that names it.

One copy for the terminal's stores (database key moves, sealed blobs) and the reference server's
blob files, which all write a temporary file, fsync it, rename it and then fsync the directory.
"""

from __future__ import annotations

import os
from pathlib import Path


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(directory: Path) -> None:
    """Make a rename or a new file in ``directory`` durable.

    A no-op where directories cannot be opened (Windows: NTFS journals the rename), the rename itself
    staying atomic; a failing fsync is a real fault and is raised.
    """
    if os.name == "nt":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
