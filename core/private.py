"""Files readable by their owner only (issue 17, item 4): directories 0700, files 0600 on POSIX.

The terminal's data directory holds an encrypted database, sealed scans and a log that names cases; the
central system's holds every terminal's submissions. Nobody but the account the program runs as has any
business reading them, so on POSIX:

* each entry point (``app/cli.py`` ``main``, which the window and the demo go through too, and
  ``central/cli.py`` ``main``) sets the process umask to ``PRIVATE_UMASK`` first, which covers what SQLite
  and libraries create on their own (the ``-wal``/``-shm``/``-journal`` files, temporary files);
* the directories we create are made with ``make_private_dir`` (0700, also tightened if they exist) and the
  files we create ourselves are opened with ``PRIVATE_FILE_MODE`` explicitly, umask or not;
* an installation made before this (0755/0644) is repaired at start-up by ``tighten`` (a tree that is ours
  by its name: the log folder, ``<data>/blobs``) or ``tighten_own`` (a folder someone named: only the
  entries in it that are ours by their names, and the folder itself only when it holds nothing else).
  Nothing a user named is walked blindly: ``--db /etc/passwd`` or ``data_dir = /home`` run as root must
  not change a single mode that is not the program's.

On Windows these are no-ops: files under the user's profile already inherit an ACL that only the user
(and administrators) can read, and POSIX mode bits do not map onto ACLs.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

__all__ = ["PRIVATE_DIR_MODE", "PRIVATE_FILE_MODE", "PRIVATE_UMASK", "create_private_file", "enabled",
           "make_private_dir", "private_umask", "tighten", "tighten_own"]

PRIVATE_UMASK = 0o077
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
_LOOSE = stat.S_IRWXG | stat.S_IRWXO


def enabled() -> bool:
    """True where POSIX modes mean something (not on Windows)."""
    return os.name == "posix"


def private_umask() -> None:
    """Set the process umask to 0o077: what this process creates from now on is its owner's only."""
    if enabled():
        os.umask(PRIVATE_UMASK)


def make_private_dir(path: Path, *, own: bool = False) -> Path:
    """Create ``path`` (and missing parents) as 0700.

    ``own``: the directory is the program's by its name (the platform's log folder, ``<data>/blobs``), so
    an existing one loses its group and other bits too. Without it an existing directory keeps its mode:
    it may be one a user named (``--dir``, ``--keyring-dir``, ``data_dir``) that others use as well.
    """
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    if own:
        _restrict(path)
    return path


def _restrict(path: Path) -> bool:
    """Remove group and other bits from ``path`` itself; True if it changed. Links, shared (sticky)
    directories, vanished entries and other users' entries (even when we run as root) are left alone."""
    if not enabled():
        return False
    try:
        info = os.lstat(path)
        mode = info.st_mode
        if (stat.S_ISLNK(mode) or not mode & _LOOSE or _shared(info.st_mode)
                or info.st_uid != os.geteuid()):  # type: ignore[attr-defined,unused-ignore]  # POSIX only
            return False
        os.chmod(path, stat.S_IMODE(mode) & ~_LOOSE)
    except (FileNotFoundError, PermissionError):
        return False
    return True


def _shared(mode: int) -> bool:
    """A directory with the sticky bit: one many users write into (``/tmp``), never ours alone."""
    return stat.S_ISDIR(mode) and bool(mode & stat.S_ISVTX)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist (SQLite then gives its -wal/-shm the same mode)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), PRIVATE_FILE_MODE)
    except OSError:  # there already, or not creatable: whoever opens it next says what is wrong
        return
    os.close(fd)


def tighten(root: Path) -> list[Path]:
    """Remove group and other bits from ``root`` and everything under it; the entries changed, in walk order.

    Symbolic links are neither followed nor changed (a link's own mode means nothing on Linux, and following
    one could chmod a file outside ``root``); entries that vanish meanwhile, sticky directories and other
    users' entries are skipped.
    """
    if not enabled() or not root.exists() or _shared(root.stat().st_mode):
        return []
    changed = [root] if _restrict(root) else []
    if root.is_dir() and not root.is_symlink():
        for directory, dirs, files in os.walk(root, followlinks=False):
            changed.extend(path for path in (Path(directory) / name for name in (*dirs, *files)) if _restrict(path))
    return changed


def tighten_own(root: Path, ours: Callable[[Path], bool]) -> list[Path]:
    """Tighten what is ours in a folder that may not be ours alone; the entries changed.

    Each entry directly in ``root`` that ``ours`` accepts is tightened with everything under it; ``root``
    itself only when every entry in it (links aside) is ours, or it is empty. A folder that also holds
    other things (a shared ``/srv``, a home directory named by mistake, ``/etc`` given as ``--db``'s
    folder) keeps its mode, and so does everything in it that is not ours.
    """
    if not enabled() or root.is_symlink() or not root.is_dir() or _shared(root.stat().st_mode):
        return []
    entries = [entry for entry in root.iterdir() if not entry.is_symlink()]
    mine = [entry for entry in entries if ours(entry)]
    changed = [root] if len(mine) == len(entries) and _restrict(root) else []
    for entry in mine:
        changed.extend(tighten(entry))
    return changed
