"""Keeps the applicant's screen in step with one clerk's window.

The window does not drive the customer screen by hand. This host listens: the form page's
``state_changed`` (every value, material or waiver), the work area's page changes (a form opened or
closed), the session guard's lock frame and its end (lock, idle lock, sign-out, clerk switch), and the
window's ``case_accepted``. Each time it builds the applicant's view anew from the form's state
(``app.customer_view``), so the screen never merges one view into the next. Locked, signed out,
between cases or when the form closes, it shows the welcome.

After acceptance it offers the 好差评 rating (``RatingPanel``); a rating goes to ``record_rating``,
which stores it through the ``rate_case`` operation.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.customer_view import FormState, WelcomeView, customer_view, due_line, welcome_view
from app.ui import operations
from app.ui.customer_screen import CustomerScreen
from app.ui.pages import FormPage
from app.ui.rating_panel import RATING_TIMEOUT_MS, THANKS_MS, RatingPanel

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow
    from app.usecases import Accepted

log = logging.getLogger(__name__)


class CustomerScreenHost(QObject):
    """One window's link to the customer screen (the screen outlives the window: it is the session host's).

    ``rating_given(submission_id, level, reasons)`` repeats what ``record_rating`` was told.
    """

    rating_given = Signal(str, int, list)

    def __init__(self, window: MainWindow, screen: CustomerScreen, *, rating_timeout_ms: int = RATING_TIMEOUT_MS,
                 thanks_ms: int = THANKS_MS) -> None:
        super().__init__(window)
        self.window = window
        self.screen = screen
        self.office_name = window.terminal.settings.office_name
        self._rating_timeout_ms, self._thanks_ms = rating_timeout_ms, thanks_ms
        #: the form page whose changes are followed
        self._page: FormPage | None = None
        #: the applicant ID number the page's values were entered for, and values left from an earlier person
        self._person = ""
        self._stale: dict[str, str] = {}
        #: the submission the rating panel shown now is for
        self.rating_for: str | None = None
        window.stack.currentChanged.connect(lambda _i: self._page_changed())
        window.guard.frame.currentChanged.connect(lambda _i: self._lock_changed())
        window.guard.ended.connect(lambda _next: self.show_welcome())
        window.case_accepted.connect(self.accepted)
        self.show_welcome()

    # -- following the window --------------------------------------------------------------------
    def show_welcome(self) -> None:
        """The plain welcome, nothing of anyone (locked, signed out, between applicants)."""
        self.rating_for = None
        self.screen.show_welcome(welcome_view(self.office_name))

    def _lock_changed(self) -> None:
        if self.window.guard.locked:
            self.show_welcome()
        else:
            self._page_changed()  # unlocked: the same clerk, the same form and the same person

    def _page_changed(self) -> None:
        if self.window.guard.locked or self.screen.panel() is not None:
            return  # locked: the welcome stays; a rating is on screen: it finishes first
        current = self.window.stack.currentWidget()
        if isinstance(current, FormPage):
            self._follow(current)
            self.publish()
        elif current is not self.window.result:
            self._follow(None)
            self.show_welcome()

    def _follow(self, page: FormPage | None) -> None:
        if page is self._page:
            return
        if self._page is not None:
            with contextlib.suppress(RuntimeError, TypeError):  # the page is already gone
                self._page.state_changed.disconnect(self.publish)
        self._page, self._person, self._stale = page, "", {}
        if page is not None:
            page.state_changed.connect(self.publish)

    def state(self) -> FormState | None:
        """The followed form's state now, with the values left from an earlier person marked stale."""
        page = self._page
        if page is None:
            return None
        state = page.customer_state()
        person = state.applicant_id()
        if not state.started():
            self._person, self._stale = "", {}
        elif person and person != self._person:
            if self._person:  # another person's card (or number) in a form filled for someone: hide the rest
                heads = {f.key for f in (state.form.identity_field("id_number"), state.form.identity_field("name"))
                         if f is not None}
                fresh = set(page.view.device_fields()) | heads
                self._stale = {k: v for k, v in state.values.items() if v and k not in fresh}
            self._person = person
        stale = {k: v for k, v in self._stale.items() if state.values.get(k, "") == v}
        return FormState(state.form, state.item_name, state.values, state.pages, state.waived, stale)

    def publish(self) -> None:
        """Show the followed form as it stands (the page's ``state_changed`` calls this)."""
        page = self._page
        if page is None or self.window.guard.locked or self.screen.panel() is not None:
            return
        if self.window.stack.currentWidget() is not page:
            return
        view = customer_view(self.state(), self.office_name, page.item)
        if isinstance(view, WelcomeView):
            self.screen.show_welcome(view)
        else:
            self.screen.show_case(view)

    # -- after acceptance: the rating -------------------------------------------------------------
    def accepted(self, accepted: Accepted) -> None:
        """The case is accepted (受理): its receipt number and due date, and the 好差评 panel."""
        summary = self.tr("您的业务已受理　回执编号：{no}").format(no=accepted.receipt.receipt_no)
        summary += "\n" + due_line(accepted.receipt)
        self._follow(None)  # the form is done with; its next changes belong to the next applicant
        self.rating_for = accepted.view.id
        panel = RatingPanel(summary, timeout_ms=self._rating_timeout_ms, thanks_ms=self._thanks_ms)
        submission_id = accepted.view.id
        panel.rated.connect(lambda level, reasons: self.record_rating(submission_id, level, list(reasons)))
        panel.finished.connect(self._rating_done)
        self.screen.show_panel(panel)
        self.window.a11y.speaker.say("rate")  # after "业务已受理，请收好回执", when prompts are on

    def record_rating(self, submission_id: str, level: int, reasons: list[str]) -> None:
        """The applicant rated ``submission_id``: stored with the case (``app/usecases/rate.py``) in the
        background and sent with the next sync; a refusal is shown to the clerk like any other error."""
        log.info("rating chosen for a submission: level %s, %d reason(s)", level, len(reasons))
        operations.rate_case(parent=self.window, clerk=self.window.clerk, submission_id=submission_id, level=level,
                             reasons=reasons).run_in_background(self.window.ctx)
        self.window.a11y.speaker.say("thanks")
        self.rating_given.emit(submission_id, level, reasons)

    def _rating_done(self) -> None:
        self.rating_for = None
        self.screen.show_welcome(welcome_view(self.office_name))
        self._page_changed()  # the clerk may already have opened the next form
