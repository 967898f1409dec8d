"""Sending rows a clerk recorded on a case (催办, 好差评) to the central system: each once, by its id.

A row is marked sent only after the central system's answer (201 stored, or 200: it held it already);
a lost answer leaves it unsent, and the next cycle sends it again with the same id, which the central
system takes as the same row. So it arrives exactly once whatever the network does. Offline, rows wait.
A refusal not worth repeating (the central system does not know the case, or refused the body) is kept
in the row's ``last_error`` under ``refused`` and the row is not sent again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from core.errors import SyncError

log = logging.getLogger(__name__)

#: rows per cycle (a clerk records a few a day; this only bounds a long offline backlog per pass)
BATCH = 50


class _Row(Protocol):
    @property
    def id(self) -> str: ...


Row = TypeVar("Row", bound=_Row)


class OnceSender(Generic[Row]):
    """Sends the unsent rows of one kind: ``unsent(limit, refused_prefix)`` reads them, ``post`` sends one
    (raising ``SyncError``), ``mark_sent`` / ``mark_failed(id, error)`` record the outcome."""

    def __init__(self, what: str, refused: str, *, unsent: Callable[[int, str], list[Row]],
                 post: Callable[[Row], object], mark_sent: Callable[[str], None],
                 mark_failed: Callable[[str, str], None], batch: int = BATCH) -> None:
        self._what = what
        self._refused = refused
        self._unsent = unsent
        self._post = post
        self._mark_sent = mark_sent
        self._mark_failed = mark_failed
        self._batch = batch

    def pending(self) -> int:
        return len(self._unsent(10_000, self._refused))

    def send(self) -> int:
        """Send the unsent rows (up to a batch); how many the central system now holds.

        Raises a retryable ``SyncError`` when it cannot be reached: the rest wait for the next cycle.
        """
        sent = 0
        for row in self._unsent(self._batch, self._refused):
            try:
                self._post(row)
            except SyncError as exc:
                if exc.retryable:
                    raise
                log.warning("%s %s refused: %s", self._what, row.id, exc.detail)
                self._mark_failed(row.id, f"{self._refused}（{exc.detail}）")
                continue
            self._mark_sent(row.id)
            sent += 1
        return sent
