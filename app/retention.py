"""The terminal's daily purge (issue 16 item 6), on a thread of its own, never on the GUI thread.

While the terminal runs, ``RetentionKeeper`` purges what the retention period has passed once a day
(the first time a few minutes after start, so signing in and the first sync go first). It runs the same
use case an administrator's ``sicounter purge`` runs (``app.usecases.retention``). A purge cannot race a
sync on a row: each case is purged in one transaction that takes SQLite's write lock first and checks
the case again inside it (closed, nothing queued or in flight), and the sync engine's own transactions
are serialisable against it; the rows a purge touches are ones the sync no longer sends. What was purged
is published as ``Purged``, so the records list shows 已清理 without a restart.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.errors import CounterError

if TYPE_CHECKING:  # the sign-in path imports this module (app.changes) and no database code
    from local_db.retention import PurgeResult

log = logging.getLogger(__name__)

#: seconds from start to the first run, and between runs
FIRST_RUN_DELAY = 120.0
INTERVAL = 24 * 3600.0
#: how long ``stop`` waits for a run in progress (a purge is many short transactions)
STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class Purged:
    """The daily purge removed the personal data of these submissions (views reload them)."""

    submission_ids: frozenset[str]


class RetentionKeeper:
    """Calls ``run`` after ``first_delay`` seconds and then every ``interval`` seconds, until stopped."""

    def __init__(self, run: Callable[[], PurgeResult], publish: Callable[[object], None], *,
                 first_delay: float = FIRST_RUN_DELAY, interval: float = INTERVAL) -> None:
        self._run = run
        self._publish = publish
        self._first_delay = first_delay
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="retention", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT)

    def _loop(self) -> None:
        wait = self._first_delay
        while not self._stop.wait(wait):
            self.run_once()
            wait = self._interval

    def run_once(self) -> PurgeResult | None:
        """One purge; a failure is logged and tried again at the next run (nothing is half-purged)."""
        try:
            result = self._run()
        except CounterError as exc:
            log.warning("daily purge failed: %s", exc.detail)
            return None
        except Exception:  # the keeper must outlive one bad run; the next day tries again
            log.exception("daily purge failed")
            return None
        finally:
            self.runs += 1
        if result.purged:
            self._publish(Purged(frozenset(i for c in result.purged for i in c.submission_ids)))
        return result
