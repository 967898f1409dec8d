"""Running use cases and queries from widgets: in the background, errors shown, changes reported.

In the manner of Anki's ``aqt/operations`` (``CollectionOp``/``QueryOp``): a named operation builds a
``CollectionOp`` around a use case; the widget adds what to do with the result and runs it. The use
case runs on the ``OpRunner``'s pool; its result comes back on the GUI thread; a failure is shown in
the one error display (``app/ui/errors.py``) unless the caller takes it over; and the changes it made
are announced on ``OpRunner.changed`` so that each view refreshes itself. A ``QueryOp`` reads and
reports nothing. ``RefreshingQuery`` is the read a self-refreshing view runs: asks while one runs are
served by one more run after it, so a burst of fifty sync answers costs two queries, not fifty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtWidgets import QWidget

from app.changes import OpChanges
from app.terminal import Terminal
from app.ui.errors import show_error
from app.ui.ops import OpRunner

T = TypeVar("T")


@dataclass(frozen=True)
class OpContext:
    """What an operation needs to run: the backends and the runner (whose ``changed`` views listen to)."""

    terminal: Terminal
    runner: OpRunner


class CollectionOp(Generic[T]):
    """A use case that changes stored data, run from a widget (``parent``: shows errors, is the initiator)."""

    def __init__(self, parent: QWidget | None, op: Callable[[Terminal], T],
                 changes: Callable[[T], OpChanges]) -> None:
        self._parent = parent
        self._op = op
        self._changes = changes
        self._success: Callable[[T], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None

    def success(self, handler: Callable[[T], None]) -> CollectionOp[T]:
        """Called with the result on the GUI thread, before the views hear of the changes."""
        self._success = handler
        return self

    def failure(self, handler: Callable[[BaseException], None]) -> CollectionOp[T]:
        """Take over failure handling (by default the error is shown to the clerk)."""
        self._failure = handler
        return self

    def run_in_background(self, ctx: OpContext) -> None:
        terminal, op = ctx.terminal, self._op

        def succeeded(result: T) -> None:
            if self._success is not None:
                self._success(result)
            ctx.runner.report(self._changes(result), self._parent)

        ctx.runner.run(lambda: op(terminal), succeeded, self._failure or self._show)

    def _show(self, exc: BaseException) -> None:
        show_error(self._parent, exc)


class QueryOp(Generic[T]):
    """A read run from a widget: in the background, its answer on the GUI thread, nothing reported."""

    def __init__(self, parent: QWidget | None, query: Callable[[Terminal], T], success: Callable[[T], None]) -> None:
        self._parent = parent
        self._query = query
        self._success = success
        self._failure: Callable[[BaseException], None] | None = None

    def failure(self, handler: Callable[[BaseException], None]) -> QueryOp[T]:
        self._failure = handler
        return self

    def run_in_background(self, ctx: OpContext) -> None:
        terminal, query = ctx.terminal, self._query
        ctx.runner.run(lambda: query(terminal), self._success, self._failure or self._show)

    def _show(self, exc: BaseException) -> None:
        show_error(self._parent, exc)


class RefreshingQuery(Generic[T]):
    """The read behind a view that refreshes itself: coalesced, newest answer only, silent once stopped.

    ``request()`` while a run is under way asks for one more run after it (however many asks came
    meanwhile), so the view always ends up showing data read after the last change. ``stop()`` (the
    window closes) drops answers still on their way: the widgets they would fill are going away.
    """

    def __init__(self, parent: QWidget, ctx: OpContext, query: Callable[[Terminal], T],
                 show: Callable[[T], None]) -> None:
        self._parent = parent
        self._ctx = ctx
        self._query = query
        self._show = show
        self._running = False
        self._again = False
        self._stopped = False
        #: how many runs were started (tests and benchmarks count them)
        self.runs = 0

    def request(self) -> None:
        if self._stopped:
            return
        if self._running:
            self._again = True
            return
        self._running = True
        self._again = False
        self.runs += 1
        QueryOp(self._parent, self._query, self._answered).failure(self._failed).run_in_background(self._ctx)

    def stop(self) -> None:
        self._stopped = True

    def _done(self) -> bool:
        """The running query ended; start the follow-up if one was asked for. False once stopped."""
        self._running = False
        if self._stopped:
            return False
        if self._again:
            self.request()
        return True

    def _answered(self, answer: T) -> None:
        if self._done() and not self._running:  # a follow-up's newer answer is on its way otherwise
            self._show(answer)

    def _failed(self, exc: BaseException) -> None:
        if self._done():
            show_error(self._parent, exc)
