"""Reading a file whose path a person or a setting gives: only regular files, only up to a stated size.

A path on a command line or in a setting can name anything: ``/dev/zero`` (endless, ran a machine out
of memory at 24 GB), a FIFO (a read blocks until someone writes), a directory, a socket, a 2 GB log
someone picked by mistake. So every such read goes through here (issue 17): the file is opened with
``O_NONBLOCK`` (opening a FIFO then returns at once instead of waiting for a writer), ``fstat`` on the
open descriptor says whether it is a regular file (no race between a check and the open), and at most
``limit + 1`` bytes are read, so a file over the limit is refused without being read to its end. Text
is decoded as strict UTF-8. Every refusal is a ``FileRefused`` naming the file, what it was meant to
be and what to do, in Chinese.

The limits sit next to the readers that use them (``SETTINGS_LIMIT`` …), each far above what a real
file of that kind holds and far below what would hurt a terminal with a few GB of memory.
"""

from __future__ import annotations

import errno
import os
import stat
from importlib.resources.abc import Traversable
from pathlib import Path

from core.errors import ConfigError

__all__ = [
    "CA_FILE_LIMIT",
    "FORM_LIMIT",
    "REFERENCE_LIMIT",
    "SETTINGS_LIMIT",
    "SIMULATOR_DATA_LIMIT",
    "FileRefused",
    "KiB",
    "MiB",
    "check_regular_file",
    "read_bytes_bounded",
    "read_text_bounded",
]

KiB = 1024
MiB = 1024 * KiB

#: the terminal's TOML settings: a hand-edited file of a few KB; 1 MiB is hundreds of times that
SETTINGS_LIMIT = 1 * MiB
#: one form definition (the largest shipped is 12 KB): 1 MiB leaves room for long option lists
FORM_LIMIT = 1 * MiB
#: one reference data set (holidays, a province's figures, all form definitions in one document, as
#: the central system sends them and the terminal caches them; today 3 KB to 80 KB): 4 MiB
REFERENCE_LIMIT = 4 * MiB
#: a simulated card holder or identity (a few hundred bytes of JSON)
SIMULATOR_DATA_LIMIT = 64 * KiB
#: a PEM file of CA certificates, a TLS certificate or key (the whole Mozilla bundle is about 220 KB)
CA_FILE_LIMIT = 1 * MiB

_KINDS = (
    (stat.S_ISDIR, "是一个目录", "is a directory"),
    (stat.S_ISFIFO, "是一个管道（FIFO）", "is a FIFO"),
    (stat.S_ISCHR, "是一个设备", "is a device"),
    (stat.S_ISBLK, "是一个设备", "is a device"),
    (stat.S_ISSOCK, "是一个套接字", "is a socket"),
)


class FileRefused(ConfigError):
    """A file named by a person or a setting could not be used: missing, not a regular file, too large,
    not UTF-8. A ``ConfigError``, so every caller that already handles a bad configuration file handles
    this one too."""

    hint = "请检查文件路径，并指定一个正确的普通文件。"

    def __init__(self, path: Path | str, what: str, problem: str, *, hint: str | None = None,
                 reason: str = "", kind: str = "unreadable") -> None:
        super().__init__(f"cannot read {path}: {reason or problem}",
                         user_message=f"{what}无法使用：{path}（{problem}）", hint=hint, path=str(path))
        self.path = str(path)
        self.problem = problem
        #: ``missing``, ``not_regular``, ``too_large``, ``not_utf8`` or ``unreadable``: for a caller that words
        #: the refusal its own way (an image's says what an image must be: devices/scan/imagecheck.py)
        self.kind = kind


def _size_text(limit: int) -> str:
    if limit % MiB == 0:
        return f"{limit // MiB} MiB"
    if limit % KiB == 0:
        return f"{limit // KiB} KiB"
    return f"{limit} 字节"


def _refuse_kind(path: Path | str, what: str, mode: int) -> None:
    """Raise unless ``mode`` is a regular file's."""
    if stat.S_ISREG(mode):
        return
    problem, english = next(((zh, en) for test, zh, en in _KINDS if test(mode)), ("不是普通文件", "not a regular file"))
    raise FileRefused(path, what, problem, reason=english, kind="not_regular")


def _too_large(path: Path | str, what: str, limit: int) -> FileRefused:
    return FileRefused(path, what, f"文件过大，超过 {_size_text(limit)} 上限", reason=f"larger than {limit} bytes",
                       kind="too_large")


def _open_error(path: Path | str, what: str, exc: OSError) -> FileRefused:
    kind = "unreadable"
    if exc.errno == errno.ENOENT:
        problem, kind = "文件不存在", "missing"
    elif exc.errno in (errno.EACCES, errno.EPERM) and os.path.isdir(path):  # Windows opens no directory
        problem, kind = "是一个目录", "not_regular"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        problem = "没有读取权限"
    elif exc.errno == errno.EISDIR:
        problem, kind = "是一个目录", "not_regular"
    elif exc.errno in (errno.ENXIO, errno.EOPNOTSUPP) or exc.errno == getattr(errno, "ENODEV", -1):
        problem, kind = "不是普通文件", "not_regular"  # e.g. a socket, which cannot be opened
    else:
        problem = f"无法打开（{exc.strerror or exc}）"
    return FileRefused(path, what, problem, reason=str(exc), kind=kind)


def check_regular_file(path: Path | str, limit: int, what: str) -> None:
    """Refuse ``path`` unless it is a regular file of at most ``limit`` bytes, without reading it.

    For files handed to a library that reads them itself (a CA bundle to ``ssl``, a TLS key to uvicorn).
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _open_error(path, what, exc) from exc
    _refuse_kind(path, what, info.st_mode)
    if info.st_size > limit:
        raise _too_large(path, what, limit)


def read_bytes_bounded(path: Path | str | Traversable, limit: int, what: str) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes; ``FileRefused`` otherwise.

    ``what`` names the file for the person who gave it, in Chinese ("配置文件", "表单定义文件").
    A ``Traversable`` that is not a real path (a resource inside a zip) is read through its own
    ``open`` with the same limit.
    """
    if not isinstance(path, (str, os.PathLike)):
        return _read_traversable(path, limit, what)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _open_error(path, what, exc) from exc
    try:
        info = os.fstat(fd)
        _refuse_kind(path, what, info.st_mode)
        if info.st_size > limit:
            raise _too_large(path, what, limit)
        chunks: list[bytes] = []
        left = limit + 1  # one byte more than allowed tells a file that grew past the limit
        while left > 0:
            chunk = os.read(fd, min(left, 1 * MiB))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise FileRefused(path, what, f"读取失败（{exc.strerror or exc}）", reason=str(exc)) from exc
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise _too_large(path, what, limit)
    return data


def _read_traversable(node: Traversable, limit: int, what: str) -> bytes:
    try:
        with node.open("rb") as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise _open_error(str(node), what, exc) from exc
    if len(data) > limit:
        raise _too_large(str(node), what, limit)
    return bytes(data)


def read_text_bounded(path: Path | str | Traversable, limit: int, what: str) -> str:
    """The text of ``path`` as strict UTF-8 (a leading BOM dropped), bounded as ``read_bytes_bounded``."""
    data = read_bytes_bounded(path, limit, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused(str(path), what, f"不是 UTF-8 编码的文本（第 {exc.start + 1} 个字节起无法解码）",
                          hint="请将文件另存为 UTF-8 编码后重试。", reason=str(exc), kind="not_utf8") from exc
