"""The statistics count home visits (上门服务, issue 19 item 6) per period and group, from their own index."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import event

from app import usecases
from app.report_export import COLUMNS
from app.reports import Grouping, Period, statistics
from app.usecases import SubmitRequest
from app.usecases.home_visit import switch_home_visit
from local_db.clerks import ClerkInfo, Role

from .conftest import CLERK
from .samples import REGISTRATION, SIGNATURE, WAIVER

SUPERVISOR = ClerkInfo("6001", "主管", frozenset({Role.SUPERVISOR}))
MONDAY, TUESDAY = datetime(2026, 3, 2, 2, 0, tzinfo=UTC), datetime(2026, 3, 3, 2, 0, tzinfo=UTC)


def test_home_visits_are_counted_per_day_and_item_drafts_not(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    form = terminal.reference.form("personal_registration")

    def take(when: datetime) -> None:
        usecases.submit_application(terminal, SubmitRequest(clerk=CLERK, form=form, values=REGISTRATION,
                                                            waivers={"identity_document": WAIVER},
                                                            signature=SIGNATURE), now=when)

    take(MONDAY)  # at the window
    switch_home_visit(terminal, CLERK, True, "幸福村")
    take(MONDAY)
    take(TUESDAY)
    take(TUESDAY)
    usecases.save_draft(terminal, CLERK, form, {"name": "王建国"})  # begun at home, not taken: not counted
    report = statistics(terminal, SUPERVISOR, Period.DAY, Grouping.ITEM, date(2026, 3, 1), date(2026, 3, 31),
                        today=date(2026, 3, 4))
    by_day = {line.period_start: (line.measures.accepted, line.measures.home_visits) for line in report.lines}
    assert by_day == {date(2026, 3, 2): (2, 1), date(2026, 3, 3): (2, 2)}
    assert report.total.home_visits == 3 and report.total.accepted == 4
    month = statistics(terminal, SUPERVISOR, Period.MONTH, Grouping.CLERK, date(2026, 3, 1), date(2026, 3, 31),
                       today=date(2026, 3, 4))
    assert [(line.group, line.measures.home_visits) for line in month.lines] == [(CLERK.id, 3)]
    assert ("上门", "home_visits") in COLUMNS  # the table, the exports and the command line show it


def test_a_report_reads_home_visits_from_their_own_index(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    statements: list[tuple[str, Any]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if "home_visit" in statement:
            statements.append((statement, parameters))

    event.listen(terminal.db.engine, "before_cursor_execute", seen)
    try:
        statistics(terminal, SUPERVISOR, Period.WEEK, Grouping.WINDOW, date(2026, 1, 1), date(2026, 12, 31),
                   today=date(2026, 12, 31))
    finally:
        event.remove(terminal.db.engine, "before_cursor_execute", seen)
    [(statement, parameters)] = statements
    with terminal.db.engine.connect() as conn:
        plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
    assert "COVERING INDEX ix_submission_home_visits" in plan and "ix_submission_stats" not in plan
