"""Files the clerk asks for (a receipt as PDF, an export, a workbook for an employer) appear whole or not at all.

A file is written under a hidden name beside its target and renamed onto it when complete: a clerk opening
the folder, a colleague's Excel, or a test waiting for the file never sees half of one, and a failed write
leaves an earlier file of that name as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def write_whole(path: Path, write: Callable[[Path], None]) -> None:
    """``write`` fills a temporary name beside ``path``; renamed onto ``path`` only if it returns."""
    part = path.with_name(f".{path.name}.part")
    try:
        write(part)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def write_bytes_whole(path: Path, data: bytes) -> None:
    """``data`` to ``path`` by way of ``write_whole``."""
    def write(part: Path) -> None:
        part.write_bytes(data)

    write_whole(path, write)
