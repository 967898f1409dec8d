"""A provisional due date (预计) on the result page after submitting and in the case view (pytest-qt, a real
terminal behind them; the clock is the use case's ``now=``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app import usecases
from app.terminal import Terminal
from app.ui.case_view import CaseView
from app.ui.operations import OpContext
from app.ui.ops import OpRunner
from app.ui.pages import ResultPage
from forms.definitions import load_form
from tests.app.samples import SIGNATURE

from .conftest import CLERK
from .samples import RETIREMENT, WAIVER

NOTE = "预计，以2027年节假日安排公布后为准"


def provisional_case(terminal: Terminal) -> usecases.Accepted:
    form = load_form("retirement_approval")
    waivers = {m.key: WAIVER for m in form.materials if m.is_required(RETIREMENT)}
    now = datetime(2026, 12, 20, 1, 0, tzinfo=UTC)  # Sunday 20 December 2026, 09:00 in Beijing
    return usecases.submit_application(terminal, usecases.SubmitRequest(CLERK, form, RETIREMENT, waivers=waivers,
        signature=SIGNATURE),
                                       now=now, today=now.date())


def test_the_result_page_says_the_due_date_is_provisional(qtbot: QtBot, make_terminal: Any) -> None:
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    accepted = provisional_case(terminal)
    page = ResultPage(OpContext(terminal, OpRunner()), CLERK, {"retirement_approval": "退休核准"})
    qtbot.addWidget(page)
    page.show_submission(accepted.view, "退休核准", receipt=accepted.receipt)
    assert page.due_caption.text() == "办结期限："
    assert page.due_label.text().startswith(f"2027-01-18（{NOTE}；20个工作日")
    assert page.due_label.property("tone") == "warn"


def test_the_case_view_shows_the_kept_provisional_due_date(qtbot: QtBot, make_terminal: Any) -> None:
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    accepted = provisional_case(terminal)
    view = CaseView(OpContext(terminal, OpRunner()), CLERK, accepted.view.id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.case is not None, timeout=15000)
    assert f"办结期限：2027-01-18（{NOTE}）" in [label.text() for label in view.findChildren(QLabel)]
