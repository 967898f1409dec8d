"""One read of the card in a reader (open, read the record, close), and keeping it bounded.

A mute card hangs ``SCardTransmit`` for good: pcsc-lite's client waits for pcscd
without a timeout, ``SCardCancel`` does not cancel a transmit, and vpcd itself waits
for its card without one (a real reader's driver gives up after the card's waiting
time; vpcd never does). A blocked call cannot be interrupted, so a read is bounded by
not depending on it: whoever waits gives up at the deadline with ``CardMute`` and
leaves the blocked thread behind. It ends by itself once the card leaves or pcscd
stops (vpcd's wait then fails), closing its own connection; its result is dropped.

Two ways to arrange that:

* ``read_card`` runs the read on a one-off worker thread and waits for it (the CLI,
  tests, anything reading now and then);
* ``CardWatcher`` reads on its own device thread and has a watchdog replace that
  thread when a read overruns: no thread handoff on the normal path, which matters
  for the read overhead budget (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Protocol, TypeVar

from core.errors import UserCancelled
from devices.card.connection import CardConnection, PcscConnection
from devices.card.errors import CardMute
from devices.card.sscard import SocialSecurityCardRecord, read_social_security_card

__all__ = ["DEFAULT_READ_TIMEOUT", "ClosableCardConnection", "call_with_deadline", "read_card", "read_card_unbounded"]

T = TypeVar("T")
#: a real card reads in well under a second; a slow one gets generous room
DEFAULT_READ_TIMEOUT = 5.0


class ClosableCardConnection(CardConnection, Protocol):
    def close(self) -> None:
        """Release the card."""
        ...


class _Outcome:
    __slots__ = ("done", "error", "value")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: object = None
        self.error: BaseException | None = None


def call_with_deadline(fn: Callable[[], T], timeout: float, *, name: str = "card-read",
                       cancelled: threading.Event | None = None) -> T:
    """Run ``fn`` on a worker thread; ``CardMute`` after ``timeout`` s, ``UserCancelled``
    as soon as ``cancelled`` is set; ``fn``'s own exception is re-raised here."""
    outcome = _Outcome()

    def work() -> None:
        try:
            outcome.value = fn()
        except BaseException as exc:
            outcome.error = exc
        finally:
            outcome.done.set()

    threading.Thread(target=work, name=name, daemon=True).start()
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if outcome.done.wait(max(remaining if cancelled is None else min(remaining, 0.05), 0)):
            break
        if cancelled is not None and cancelled.is_set():
            raise UserCancelled("card read abandoned: its user is stopping")
        if time.monotonic() >= deadline:
            raise CardMute(f"card gave no answer within {timeout:g} s")
    if outcome.error is not None:
        raise outcome.error
    return outcome.value  # type: ignore[return-value]


def read_card_unbounded(reader: str, *, today: date,
                        open_connection: Callable[[str], ClosableCardConnection] = PcscConnection.open,
                        ) -> SocialSecurityCardRecord:
    """Connect, read, disconnect, on the calling thread. Blocks as long as the card
    does: call it only where something else bounds it (``read_card``, the watchdog)."""
    connection = open_connection(reader)
    try:
        return read_social_security_card(connection, today=today)
    finally:
        connection.close()


def read_card(reader: str, *, today: date, timeout: float = DEFAULT_READ_TIMEOUT,
              open_connection: Callable[[str], ClosableCardConnection] = PcscConnection.open,
              cancelled: threading.Event | None = None) -> SocialSecurityCardRecord:
    """Connect to the card in ``reader``, read it, disconnect; ``CardMute`` after ``timeout`` s."""
    return call_with_deadline(lambda: read_card_unbounded(reader, today=today, open_connection=open_connection),
                              timeout, name=f"card-read:{reader}", cancelled=cancelled)
