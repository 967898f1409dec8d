"""The serial seam: bytes in, bytes out. Everything above it is pure code any fake can drive.

pyserial's exceptions are translated here: a port that cannot be opened is
``IdReaderNotFound``, one that fails while in use is ``IdReaderPortLost``.
"""

from __future__ import annotations

import contextlib
from typing import Any, Protocol

from devices.idcard.errors import IdReaderNotFound, IdReaderPortLost

__all__ = ["PySerialLink", "SerialLink", "wire_seconds"]


def _platform_errors() -> tuple[type[BaseException], ...]:
    """termios.error (not an OSError) is what a vanished pty raises on POSIX."""
    try:
        import termios
    except ImportError:  # pragma: no cover - Windows
        return ()
    return (termios.error,)


class SerialLink(Protocol):
    """What the session needs of a serial port."""

    def write(self, data: bytes) -> None: ...

    def read(self, max_bytes: int, timeout: float) -> bytes:
        """Up to ``max_bytes``: returns as soon as some bytes arrived, b"" after ``timeout`` s."""
        ...

    def close(self) -> None: ...


class PySerialLink:
    """A real (or pseudo-terminal) port through pyserial, 8N1, no flow control."""

    def __init__(self, port: str, baud: int = 115200) -> None:
        import serial

        self._errors: tuple[type[BaseException], ...] = (serial.SerialException, OSError, *_platform_errors())
        self.port = port
        self.baud = baud
        try:
            self._ser: Any = serial.Serial(port, baud, timeout=0, write_timeout=2.0, exclusive=True)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise IdReaderNotFound(f"cannot open {port}: {exc}", port=port) from exc

    def write(self, data: bytes) -> None:
        try:
            self._ser.reset_input_buffer()
            self._ser.write(data)
        except self._errors as exc:
            raise IdReaderPortLost(f"{self.port}: {exc}", port=self.port) from exc

    def read(self, max_bytes: int, timeout: float) -> bytes:
        try:
            self._ser.timeout = max(timeout, 0.0)
            first: bytes = self._ser.read(1)
            if not first:
                return b""
            waiting = min(int(self._ser.in_waiting), max_bytes - 1)
            rest: bytes = self._ser.read(waiting) if waiting > 0 else b""
            return first + rest
        except self._errors as exc:
            raise IdReaderPortLost(f"{self.port}: {exc}", port=self.port) from exc

    def close(self) -> None:
        with contextlib.suppress(*self._errors):
            self._ser.close()

    def __enter__(self) -> PySerialLink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def wire_seconds(n_bytes: int, baud: int) -> float:
    """Time ``n_bytes`` take on the wire at 8N1 (10 bits a byte)."""
    return n_bytes * 10 / baud


