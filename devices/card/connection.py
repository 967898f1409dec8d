"""The one seam between the card code and PC/SC: ``transmit(apdu) -> (data, sw)``.

Everything above this module (SELECT, READ RECORD, 61xx/6Cxx, TLV, field decoding)
is pure code that a fake connection drives in unit tests. This module is the only
place that calls pyscard for a card exchange, and the only place that turns pyscard's
PC/SC result codes into our errors, so no pyscard exception or code leaks upwards.

We call the low-level ``smartcard.scard`` API rather than pyscard's object layer:
it gives the raw result codes we translate, and it adds no per-APDU overhead.

A blocking ``SCardTransmit`` cannot be interrupted: pcsc-lite's client waits for pcscd
without a timeout, ``SCardCancel`` only cancels ``SCardGetStatusChange``, and vpcd waits
for its virtual card without a timeout either. Bounding a read is therefore done one
level up, by running it on a worker thread (``devices.card.reading``).
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any, Protocol

from smartcard import scard

from core.errors import CounterError
from devices.card.errors import (
    CardCommunicationError,
    CardMute,
    CardRemoved,
    NoCard,
    PcscUnavailable,
    ReaderBusy,
    ReaderUnavailable,
)

__all__ = [
    "CardCommunicationError",
    "CardConnection",
    "CardMute",
    "CardRemoved",
    "NoCard",
    "PcscConnection",
    "PcscUnavailable",
    "ReaderBusy",
    "ReaderUnavailable",
    "establish_context",
    "list_readers",
    "pcsc_code",
    "release_context",
    "translate_pcsc_error",
]

log = logging.getLogger(__name__)


class CardConnection(Protocol):
    """Anything that can carry a command APDU to a card and bring back its response."""

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Send ``apdu``; return the response data and the status word (e.g. 0x9000)."""
        ...


def pcsc_code(hresult: int) -> int:
    """pyscard hands result codes back as signed or unsigned ints; compare them unsigned."""
    return hresult & 0xFFFFFFFF


def _c(name: str) -> int:
    return pcsc_code(int(getattr(scard, name)))


SUCCESS = 0
E_NO_SERVICE = _c("SCARD_E_NO_SERVICE")
E_SERVICE_STOPPED = _c("SCARD_E_SERVICE_STOPPED")
F_COMM_ERROR = _c("SCARD_F_COMM_ERROR")
E_INVALID_HANDLE = _c("SCARD_E_INVALID_HANDLE")
E_NO_READERS_AVAILABLE = _c("SCARD_E_NO_READERS_AVAILABLE")
E_UNKNOWN_READER = _c("SCARD_E_UNKNOWN_READER")
E_READER_UNAVAILABLE = _c("SCARD_E_READER_UNAVAILABLE")
E_NO_SMARTCARD = _c("SCARD_E_NO_SMARTCARD")
W_REMOVED_CARD = _c("SCARD_W_REMOVED_CARD")
W_RESET_CARD = _c("SCARD_W_RESET_CARD")
W_UNRESPONSIVE_CARD = _c("SCARD_W_UNRESPONSIVE_CARD")
W_UNPOWERED_CARD = _c("SCARD_W_UNPOWERED_CARD")
E_NOT_TRANSACTED = _c("SCARD_E_NOT_TRANSACTED")
E_SHARING_VIOLATION = _c("SCARD_E_SHARING_VIOLATION")
E_TIMEOUT = _c("SCARD_E_TIMEOUT")

_SERVICE_GONE = {E_NO_SERVICE, E_SERVICE_STOPPED, F_COMM_ERROR, E_INVALID_HANDLE}
_READER_GONE = {E_UNKNOWN_READER, E_READER_UNAVAILABLE}
_CARD_GONE = {E_NO_SMARTCARD, W_REMOVED_CARD}
_CARD_MUTE = {W_UNRESPONSIVE_CARD, W_UNPOWERED_CARD, E_TIMEOUT}

#: how long a failed exchange may wait for pcscd to notice that the card left (it polls
#: vpcd every 400 ms), so that a pulled card is reported as removed, not as a link error
_REMOVAL_SETTLE_MS = 1500


def translate_pcsc_error(hresult: int, what: str, *, card_expected: bool = False) -> CounterError:
    """Map a PC/SC result code to our error; ``card_expected`` = a card was in use."""
    code = pcsc_code(hresult)
    detail = f"{what}: PC/SC 0x{code:08X} ({_message(code)})"
    if code in _SERVICE_GONE:
        return PcscUnavailable(detail, pcsc_code=code)
    if code in _READER_GONE:
        return ReaderUnavailable(detail, pcsc_code=code)
    if code in _CARD_GONE:
        return (CardRemoved if card_expected else NoCard)(detail, pcsc_code=code)
    if code in _CARD_MUTE:
        return CardMute(detail, pcsc_code=code)
    if code == E_SHARING_VIOLATION:
        return ReaderBusy(detail, pcsc_code=code)
    return CardCommunicationError(detail, pcsc_code=code)


def _message(code: int) -> str:
    try:
        return str(scard.SCardGetErrorMessage(code))
    except Exception:  # pyscard's message table is best effort only
        return "unknown"


def establish_context() -> Any:
    """A new PC/SC context, or ``PcscUnavailable`` when pcscd is not running."""
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if pcsc_code(hresult) != SUCCESS:
        raise translate_pcsc_error(hresult, "SCardEstablishContext")
    return context


def release_context(context: Any) -> None:
    """Release a context; a context of a pcscd that already died is simply dropped."""
    scard.SCardReleaseContext(context)


def list_readers_in(context: Any) -> list[str]:
    """Reader names known to pcscd through an existing context (none is not an error)."""
    hresult, readers = scard.SCardListReaders(context, [])
    code = pcsc_code(hresult)
    if code == E_NO_READERS_AVAILABLE:
        return []
    if code != SUCCESS:
        raise translate_pcsc_error(hresult, "SCardListReaders")
    return [str(name) for name in readers]


def list_readers() -> list[str]:
    """Reader names known to pcscd right now."""
    context = establish_context()
    try:
        return list_readers_in(context)
    finally:
        release_context(context)


class PcscConnection:
    """A connection to the card in one reader, through pcscd. Not thread-safe: one user."""

    def __init__(self, context: Any, handle: Any, protocol: int, reader: str) -> None:
        self._context = context
        self._handle = handle
        self._protocol = protocol
        self._atr: bytes | None = None
        self._closed = False
        self.reader = reader

    @classmethod
    def open(cls, reader: str) -> PcscConnection:
        """Connect (shared, T=0 or T=1) to the card in ``reader``."""
        context = establish_context()
        try:
            hresult, handle, protocol = scard.SCardConnect(
                context, reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
            if pcsc_code(hresult) != SUCCESS:
                raise translate_pcsc_error(hresult, f"SCardConnect({reader!r})")
        except BaseException:
            release_context(context)
            raise
        log.debug("connected to card in %r (protocol %d)", reader, protocol)
        return cls(context, handle, int(protocol), reader)

    @property
    def atr(self) -> bytes:
        """The card's answer to reset (asked lazily: a read does not need it)."""
        if self._atr is None:
            hresult, _reader, _state, _protocol, atr = scard.SCardStatus(self._handle)
            if pcsc_code(hresult) != SUCCESS:
                raise translate_pcsc_error(hresult, "SCardStatus", card_expected=True)
            self._atr = bytes(atr)
        return self._atr

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Send one command APDU and return (data, sw); PC/SC failures become our errors."""
        if self._closed:
            raise CardCommunicationError("transmit on a closed connection")
        hresult, response = scard.SCardTransmit(self._handle, self._protocol, list(apdu))
        if hresult != SUCCESS or len(response) < 2:  # 0 is success whatever the sign convention
            raise self._failure(hresult)
        return bytes(response[:-2]), response[-2] << 8 | response[-1]

    def _failure(self, hresult: int) -> CounterError:
        """Explain a failed exchange. A card pulled while pcscd waited for its answer
        shows up as an empty response or SCARD_E_NOT_TRANSACTED, before pcscd's own
        presence poll has noticed; so ask pcscd, for a bounded time, whether the card left."""
        code = pcsc_code(hresult)
        if code not in (SUCCESS, E_NOT_TRANSACTED):
            return translate_pcsc_error(hresult, "SCardTransmit", card_expected=True)
        what = "empty response" if code == SUCCESS else "SCardTransmit not transacted"
        if self._card_left():
            return CardRemoved(f"{what}; card left {self.reader!r}")
        return CardCommunicationError(f"{what}; card still in {self.reader!r}")

    def _card_left(self) -> bool:
        """True if pcscd sees the reader empty, or sees it change (card out, maybe another in)
        within the settle time."""
        states = [(self.reader, scard.SCARD_STATE_UNAWARE)]
        hresult, states = scard.SCardGetStatusChange(self._context, 0, states)
        if pcsc_code(hresult) != SUCCESS:
            return False
        event = int(states[0][1]) & ~scard.SCARD_STATE_CHANGED
        if not event & scard.SCARD_STATE_PRESENT:
            return True
        hresult, states = scard.SCardGetStatusChange(self._context, _REMOVAL_SETTLE_MS, [(self.reader, event)])
        if pcsc_code(hresult) != SUCCESS:
            return False
        after = int(states[0][1])
        return not after & scard.SCARD_STATE_PRESENT or (after >> 16) != (event >> 16)

    def close(self) -> None:
        """Disconnect and release the context; safe to call twice or after the card left."""
        if self._closed:
            return
        self._closed = True
        try:
            scard.SCardDisconnect(self._handle, scard.SCARD_LEAVE_CARD)
        finally:
            release_context(self._context)

    def __enter__(self) -> PcscConnection:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
