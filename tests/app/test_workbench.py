"""The workbench read (issue 18): counts and rows per list with a fixed ``today``, across a holiday and the
year boundary (hand-counted), who sees which cases, and a return from a real central server process
reaching 已退回 and 反馈通知 through sync. Real SQLite files; due dates stored as the submit use case stores them.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from app import queries, usecases
from app.permissions import PermissionDenied
from app.queries import SubmissionState, WorkList
from app.terminal import Terminal
from app.workbench import soon_until, working_days_left
from forms.definitions import load_form
from forms.idnumber import check_character
from forms.receipt import CHINA_TZ
from local_db.audit import AuditAction, AuditQuery
from local_db.clerks import ClerkInfo, Role, add_clerk
from local_db.outbox import apply_status
from local_db.submissions import ApplicantData, DueData, create_submission, save_draft
from tests.app.samples import SIGNATURE

from .conftest import CLERK
from .samples import REGISTRATION, WAIVER

OTHER = ClerkInfo("1002", "另一柜员", frozenset({Role.FRONT_DESK}))
SUPERVISOR = ClerkInfo("1009", "业务主管", frozenset({Role.SUPERVISOR}))
AUDITOR = ClerkInfo("1010", "稽核员", frozenset({Role.AUDITOR}))


@pytest.fixture
def terminal(make_terminal: Any) -> Terminal:
    made: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    for clerk in (OTHER, SUPERVISOR, AUDITOR):
        add_clerk(made.db, clerk.id, clerk.name, "some-pass-1", roles=clerk.roles)
    return made


def person(n: int) -> ApplicantData:
    body = f"61020219700101{n:03d}"
    return ApplicantData(body + check_character(body), f"申请人{n:03d}")


def case(terminal: Terminal, n: int, due: date | None, *, clerk: str = CLERK.id,
         state: SubmissionState = SubmissionState.QUEUED) -> str:
    """A case accepted with this due date (20 working days, counted by the submit use case in real life)."""
    return create_submission(terminal.db, item_code="personal_registration", form_version=3, terminal_id="T",
                             clerk_id=clerk, applicant=person(n), payload={"n": n}, state=state,
                             counter_receipt_no=f"T-20260901-{n:04d}",
                             due=DueData(due, False, 20) if due else None).id


def answer(terminal: Terminal, sid: str, status: str, at: datetime, reason: str | None = None) -> None:
    assert apply_status(terminal.db, sid, status=status, reason=reason, receipt_number=f"SB{sid[:4]}", at=at)


def ids(bench: queries.Workbench, name: WorkList) -> list[str]:
    return [row.view.id for row in bench.rows[name]]


def test_soon_counts_working_days_across_national_day(terminal: Terminal) -> None:
    calendar = terminal.reference.calendar()
    # 2026: 10-01..10-07 off, Saturday 10-10 worked. From Wednesday 09-30 the next working days are 10-08, 10-09.
    assert soon_until(date(2026, 9, 30), calendar) == date(2026, 10, 9)
    assert soon_until(date(2026, 10, 1), calendar) == date(2026, 10, 9)
    assert soon_until(date(2026, 10, 9), calendar) == date(2026, 10, 12)  # Sat 10-10 worked, Sun off, Mon
    assert working_days_left(date(2026, 9, 30), date(2026, 10, 10), calendar) == (3, False)


def test_workbench_counts_and_lists_across_national_day(terminal: Terminal) -> None:
    overdue_2 = case(terminal, 1, date(2026, 9, 28))
    overdue_1 = case(terminal, 2, date(2026, 9, 29))
    due_today = case(terminal, 3, date(2026, 9, 30))
    after_break = case(terminal, 4, date(2026, 10, 8))
    two_left = case(terminal, 5, date(2026, 10, 9))
    case(terminal, 6, date(2026, 10, 10))  # the make-up Saturday: the 3rd working day, not soon
    case(terminal, 7, date(2026, 10, 20))
    waiting = case(terminal, 8, date(2026, 10, 8), state=SubmissionState.AWAITING_APPROVAL)
    returned = case(terminal, 9, date(2026, 9, 20))  # returned, then closed: no longer running late
    closed = case(terminal, 10, date(2026, 9, 20))
    answer(terminal, returned, "returned", datetime(2026, 9, 29, 2, tzinfo=UTC), "电话有误")
    answer(terminal, closed, "approved", datetime(2026, 9, 25, 2, tzinfo=UTC))
    draft = save_draft(terminal.db, item_code="personal_registration", form_version=3, terminal_id="T",
                       clerk_id=CLERK.id, payload={"name": "草稿"}).id

    bench = queries.workbench(terminal, CLERK, date(2026, 9, 30))
    assert bench.counts == {WorkList.DRAFTS: 1, WorkList.AWAITING: 1, WorkList.RETURNED: 1, WorkList.DUE_SOON: 4,
                            WorkList.OVERDUE: 2, WorkList.ANSWERS: 1}
    assert ids(bench, WorkList.OVERDUE) == [overdue_2, overdue_1]  # most overdue first
    assert [r.days_overdue for r in bench.rows[WorkList.OVERDUE]] == [2, 1]
    soon = bench.rows[WorkList.DUE_SOON]
    assert [r.view.id for r in soon][:1] == [due_today] and set(ids(bench, WorkList.DUE_SOON)) == {
        due_today, after_break, two_left, waiting}
    assert [r.working_days_left for r in soon] == [0, 1, 1, 2]
    assert ids(bench, WorkList.DRAFTS) == [draft] and ids(bench, WorkList.AWAITING) == [waiting]
    assert ids(bench, WorkList.RETURNED) == [returned] and ids(bench, WorkList.ANSWERS) == [returned]
    row = bench.rows[WorkList.RETURNED][0]
    assert row.reason == "电话有误" and row.days_overdue is None and row.answer_was_return
    assert row.masked_id_number == "610*************" + person(9).id_number[-2:]
    assert row.receipt_no == f"SB{returned[:4]}"

    # on the first day of the break the case due on 09-30 is one day overdue; nothing else moves
    bench = queries.workbench(terminal, CLERK, date(2026, 10, 1))
    assert (bench.counts[WorkList.OVERDUE], bench.counts[WorkList.DUE_SOON]) == (3, 3)
    assert ids(bench, WorkList.OVERDUE) == [overdue_2, overdue_1, due_today]


def test_days_left_across_next_years_spring_festival_use_the_statutory_holidays(terminal: Terminal) -> None:
    calendar = terminal.reference.calendar()
    assert 2027 not in calendar.years
    # 2027: 除夕 Fri 02-05, 初一 Sat 02-06, 初三 Mon 02-08 are off (办法 as amended 2024), then the weekend;
    # from Thu 02-04 to Thu 02-11 only Tue 02-09, Wed 02-10 and Thu 02-11 are working days
    assert working_days_left(date(2027, 2, 4), date(2027, 2, 11), calendar) == (3, True)
    assert soon_until(date(2027, 2, 4), calendar) == date(2027, 2, 10)


def test_workbench_across_the_year_boundary_without_next_years_schedule(terminal: Terminal) -> None:
    calendar = terminal.reference.calendar()
    assert 2027 not in calendar.years  # the fallback is what is tested here
    # Wed 12-30: Thu 12-31 is the 1st working day; 2027-01-01 元旦 (statutory holiday), Sat, Sun; Mon 01-04 the 2nd
    assert soon_until(date(2026, 12, 30), calendar) == date(2027, 1, 4)
    last_of_year = case(terminal, 1, date(2026, 12, 31))
    monday = case(terminal, 2, date(2027, 1, 4))
    tuesday = case(terminal, 3, date(2027, 1, 5))
    wednesday = case(terminal, 4, date(2027, 1, 6))
    case(terminal, 5, date(2027, 1, 7))

    bench = queries.workbench(terminal, CLERK, date(2026, 12, 30))
    assert (bench.counts[WorkList.DUE_SOON], bench.counts[WorkList.OVERDUE]) == (2, 0)
    assert ids(bench, WorkList.DUE_SOON) == [last_of_year, monday]
    assert [(r.working_days_left, r.days_estimated) for r in bench.rows[WorkList.DUE_SOON]] == [
        (1, False), (2, True)]  # the count into 2027 is an estimate

    bench = queries.workbench(terminal, CLERK, date(2027, 1, 4))
    assert (bench.counts[WorkList.DUE_SOON], bench.counts[WorkList.OVERDUE]) == (3, 1)
    assert ids(bench, WorkList.OVERDUE) == [last_of_year]
    assert bench.rows[WorkList.OVERDUE][0].days_overdue == 4
    assert ids(bench, WorkList.DUE_SOON) == [monday, tuesday, wednesday]
    assert [r.working_days_left for r in bench.rows[WorkList.DUE_SOON]] == [0, 1, 2]


def test_own_lists_are_the_clerks_own_and_the_supervisors_are_everyones(terminal: Terminal) -> None:
    mine = save_draft(terminal.db, item_code="personal_registration", form_version=3, terminal_id="T",
                      clerk_id=CLERK.id, payload={}).id
    theirs = save_draft(terminal.db, item_code="personal_registration", form_version=3, terminal_id="T",
                        clerk_id=OTHER.id, payload={}).id
    their_waiting = case(terminal, 1, None, clerk=OTHER.id, state=SubmissionState.AWAITING_APPROVAL)
    their_late = case(terminal, 2, date(2026, 11, 2), clerk=OTHER.id)
    today = date(2026, 11, 4)

    mine_only = queries.workbench(terminal, CLERK, today)
    assert ids(mine_only, WorkList.DRAFTS) == [mine]
    assert ids(mine_only, WorkList.AWAITING) == [their_waiting]  # CLERK may sign (复核)
    assert ids(mine_only, WorkList.OVERDUE) == [their_late]  # the office's time limit
    other = queries.workbench(terminal, OTHER, today)
    assert ids(other, WorkList.DRAFTS) == [theirs]
    assert ids(other, WorkList.AWAITING) == [their_waiting]  # their own case, waiting for someone else
    assert queries.workbench(terminal, SUPERVISOR, today).counts[WorkList.DRAFTS] == 2
    assert queries.workbench(terminal, SUPERVISOR, today).counts[WorkList.AWAITING] == 0  # signs nothing


def test_workbench_is_a_business_posts_audited_read(terminal: Terminal) -> None:
    case(terminal, 1, date(2026, 11, 2))
    with pytest.raises(PermissionDenied):
        queries.workbench(terminal, AUDITOR, date(2026, 11, 4))
    queries.workbench(terminal, CLERK, date(2026, 11, 4))
    queries.workbench(terminal, CLERK, date(2026, 11, 4), audited=False)  # refreshing itself
    entries, _total = terminal.audit.search(terminal.db, AuditQuery(actions=frozenset({AuditAction.VIEW_RECORDS})))
    assert len(entries) == 1 and entries[0].clerk_id == CLERK.id
    assert entries[0].detail["list"] == "workbench" and entries[0].detail["count_overdue"] == 1
    assert "申请人" not in str(entries[0].detail) and person(1).id_number not in str(entries[0].detail)


def test_return_from_central_is_news_for_three_days_then_only_returned(  # type: ignore[no-untyped-def]
        start_central, make_terminal) -> None:
    server = start_central(extra_args=("--review", "return", "--review-delay", "0.1",
                                       "--return-reason", "联系电话有误，请核实后更正。"))
    terminal: Terminal = make_terminal(server.base_url)
    sid = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, load_form("personal_registration"), REGISTRATION, waivers={"identity_document": WAIVER},
            signature=SIGNATURE)).view.id
    deadline = time.monotonic() + 30
    while (view := queries.submission(terminal, CLERK, sid, audited=False)) is not None \
            and view.state is not SubmissionState.RETURNED:
        assert time.monotonic() < deadline, f"still {view.state}"
        terminal.send_now()
        time.sleep(0.2)
    assert view is not None and view.answered_at is not None
    answered = view.answered_at.astimezone(CHINA_TZ).date()

    for day in (answered, answered + timedelta(days=1), answered + timedelta(days=2)):
        bench = queries.workbench(terminal, CLERK, day)
        assert ids(bench, WorkList.RETURNED) == [sid] and ids(bench, WorkList.ANSWERS) == [sid], day
        assert bench.rows[WorkList.ANSWERS][0].reason == "联系电话有误，请核实后更正。"
    bench = queries.workbench(terminal, CLERK, answered + timedelta(days=3))
    assert ids(bench, WorkList.RETURNED) == [sid] and bench.counts[WorkList.ANSWERS] == 0
