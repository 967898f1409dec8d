"""The automatic reviewer of the reference server (``central serve --review ...``).

A real central system has people who approve applications or return them for
correction; terminals must cope with both arriving some time after the receipt. The
reviewer thread plays that part for demos and tests, deterministically:

- ``none``: leaves everything accepted (the default);
- ``accept``: approves every submission once it is ``delay`` seconds old;
- ``return``: returns every one, with ``reason``;
- ``alternate``: returns the ones whose receipt sequence is even and approves the
  others, i.e. every second one in receipt order (the reference server's daily
  sequence has no gaps), whatever the timing of the reviewer's rounds.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy.exc import OperationalError

from central.constants import DEFAULT_RETURN_REASON, REVIEW_MODES
from central.errors import AlreadyDecided, NotFound
from central.store import STATUS_APPROVED, STATUS_RETURNED, CentralStore, receipt_sequence

log = logging.getLogger(__name__)



class Reviewer:
    """A background thread deciding accepted submissions older than ``delay`` seconds."""

    def __init__(self, store: CentralStore, mode: str, *, delay: float = 0.0,
                 reason: str = DEFAULT_RETURN_REASON, interval: float = 0.05) -> None:
        if mode not in REVIEW_MODES:
            raise ValueError(f"unknown review mode {mode!r}")
        if not reason.strip():
            raise ValueError("the return reason must not be empty")
        self._store = store
        self._mode = mode
        self._delay = timedelta(seconds=max(delay, 0.0))
        self._reason = reason
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def decision(self, receipt_number: str) -> str:
        """The status this reviewer gives the submission with ``receipt_number``."""
        if self._mode == "accept":
            return STATUS_APPROVED
        if self._mode == "return":
            return STATUS_RETURNED
        return STATUS_RETURNED if receipt_sequence(receipt_number) % 2 == 0 else STATUS_APPROVED

    def run_once(self) -> int:
        """Decide what is due now; returns how many submissions were decided."""
        if self._mode == "none":
            return 0
        decided = 0
        for submission_id, receipt_number in self._store.undecided(self._store.now() - self._delay):
            status = self.decision(receipt_number)
            try:
                self._store.review(submission_id, status, self._reason if status == STATUS_RETURNED else None)
                decided += 1
            except (AlreadyDecided, NotFound):
                continue  # decided by hand (python -m central review) in the meantime
        return decided

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.run_once()
            except OperationalError as exc:
                log.warning("reviewer: database busy (%s); will retry", type(exc).__name__)
            except Exception:
                log.exception("reviewer round failed")

    def start(self) -> None:
        if self._mode == "none" or self._thread is not None:
            return
        log.info("reviewer started: mode %s, delay %.3g s", self._mode, self._delay.total_seconds())
        self._thread = threading.Thread(target=self._loop, name="central-reviewer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
