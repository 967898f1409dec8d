"""Following readers and cards through pcscd: reader lists and ``SCardGetStatusChange``.

One ``PcscMonitor`` holds one PC/SC context and is used by one thread (the watcher's
device thread, or the CLI). Waits are always bounded by a timeout, and the pseudo
reader ``\\\\?PnP?\\Notification`` is watched too, so a reader being plugged in or out
ends a wait at once instead of at the next poll.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from smartcard import scard

from devices.card.connection import (
    E_TIMEOUT,
    SUCCESS,
    establish_context,
    list_readers_in,
    pcsc_code,
    release_context,
    translate_pcsc_error,
)

__all__ = ["PNP_NOTIFICATION", "PcscMonitor", "ReaderMonitor", "ReaderStatus"]

PNP_NOTIFICATION = "\\\\?PnP?\\Notification"
_PRESENT = int(scard.SCARD_STATE_PRESENT)
_MUTE = int(scard.SCARD_STATE_MUTE)
_CHANGED = int(scard.SCARD_STATE_CHANGED)
_GONE = int(scard.SCARD_STATE_UNKNOWN) | int(scard.SCARD_STATE_UNAVAILABLE)


@dataclass(frozen=True)
class ReaderStatus:
    """A reader's state as pcscd reports it (``state`` without the CHANGED flag)."""

    reader: str
    state: int
    atr: bytes = b""

    @property
    def present(self) -> bool:
        """A card is in the reader (answering or not)."""
        return bool(self.state & _PRESENT)

    @property
    def mute(self) -> bool:
        """The card in the reader gave no usable ATR."""
        return bool(self.state & _MUTE)

    @property
    def gone(self) -> bool:
        """pcscd no longer knows the reader."""
        return bool(self.state & _GONE)

    @property
    def event_count(self) -> int:
        """pcsc-lite counts insertions and removals in the high 16 bits."""
        return self.state >> 16


class ReaderMonitor(Protocol):
    """What the watcher needs from PC/SC (a fake implements it in unit tests)."""

    def list_readers(self) -> list[str]:
        """Reader names now."""
        ...

    def wait_for_change(self, known: Mapping[str, int], timeout: float) -> list[ReaderStatus]:
        """Wait at most ``timeout`` s until a reader differs from ``known`` (reader -> last
        state, 0 if never seen); return the status of every reader in ``known`` then,
        or an empty list on timeout or a change of the reader list."""
        ...

    def close(self) -> None:
        """Release the PC/SC context."""
        ...


class PcscMonitor:
    """``ReaderMonitor`` over one PC/SC context. Raises ``PcscUnavailable`` when pcscd goes."""

    def __init__(self, context: Any) -> None:
        self._context = context
        self._pnp_state = 0
        self._closed = False

    @classmethod
    def open(cls) -> PcscMonitor:
        """A monitor with a fresh context (``PcscUnavailable`` if pcscd is not running)."""
        return cls(establish_context())

    def list_readers(self) -> list[str]:
        return list_readers_in(self._context)

    def wait_for_change(self, known: Mapping[str, int], timeout: float) -> list[ReaderStatus]:
        states = [(reader, state) for reader, state in known.items()]
        states.append((PNP_NOTIFICATION, self._pnp_state))
        hresult, result = scard.SCardGetStatusChange(self._context, max(0, int(timeout * 1000)), states)
        code = pcsc_code(hresult)
        if code == E_TIMEOUT:
            return []
        if code != SUCCESS:
            raise translate_pcsc_error(hresult, "SCardGetStatusChange")
        statuses: list[ReaderStatus] = []
        readers_changed = False
        for reader, state, atr in result:
            if reader == PNP_NOTIFICATION:
                readers_changed = bool(int(state) & _CHANGED)
                self._pnp_state = int(state) & ~_CHANGED
            else:
                statuses.append(ReaderStatus(str(reader), int(state) & ~_CHANGED, bytes(atr)))
        if readers_changed and all(known.get(s.reader) == s.state for s in statuses):
            return []
        return statuses

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            release_context(self._context)
