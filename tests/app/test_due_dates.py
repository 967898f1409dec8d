"""Due dates kept with each submission (issue 18, items 1 and 2): counted at the counter, provisional (预计) in a
year whose holiday schedule is not yet published, counted again when the schedule arrives from a real central
server process, and filled in once for submissions saved before due dates were stored.

Real encrypted SQLite, real signed reference data over real HTTP, real receipt PDF; the clock is the
``now=``/``today=`` of the use case, never the wall clock.
"""

from __future__ import annotations

import io
import json
import shutil
from datetime import UTC, date, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PySide6.QtWidgets import QApplication

from app import usecases
from app.due_dates import refresh_due_dates
from app.receipt_render import receipt_pdf
from app.secrets import SecretStore
from app.terminal import Terminal, build_terminal
from app.usecases.receipts import saved_receipt
from forms.definitions import FormDef, load_form
from local_db.audit import AuditAction
from local_db.due_dates import BACKFILLED, Recount
from local_db.models import SubmissionState
from local_db.submissions import ApplicantData, SubmissionView, create_submission, get_submission, save_draft
from local_db.syncstate import get_value
from sync.events import ReferenceUpdated
from tests.app.samples import SIGNATURE

from .conftest import CLERK
from .samples import ID_NUMBER, REGISTRATION, RETIREE_ID, RETIREMENT, WAIVER

#: Sunday 20 December 2026, 09:00 in Beijing: the shipped schedules end with 2026
DEC_20_2026 = datetime(2026, 12, 20, 1, 0, tzinfo=UTC)


def waived(form: FormDef, values: dict[str, str]) -> dict[str, str]:
    """A reason for every material the values make required (the reader read the card; no scans needed)."""
    return {m.key: WAIVER for m in form.materials if m.is_required(values)}


def submit(terminal: Terminal, code: str, values: dict[str, str], now: datetime, **kwargs: Any) -> usecases.Accepted:
    form = load_form(code)
    return usecases.submit_application(terminal, usecases.SubmitRequest(CLERK, form, values,
                                                                        waivers=waived(form, values),
                                                                            signature=SIGNATURE),
                                       now=now, today=now.date(), **kwargs)


def stored(terminal: Terminal, submission_id: str) -> SubmissionView:
    view = get_submission(terminal.db, submission_id)
    assert view is not None
    return view


def recounts(terminal: Terminal) -> list[dict[str, object]]:
    return [{"subject": e.subject, "clerk": e.clerk_id, "person": e.person_key, **e.detail}
            for e in terminal.audit.find(terminal.db) if e.action == AuditAction.DUE_RECOUNT.value]


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")


def test_submit_stores_a_final_due_date_its_limit_and_the_waivers(make_terminal: Any) -> None:
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    now = datetime(2025, 9, 26, 1, 30, tzinfo=UTC)  # a Friday before National Day
    accepted = submit(terminal, "personal_registration", REGISTRATION, now)
    view = stored(terminal, accepted.view.id)
    assert (view.due_date, view.due_provisional, view.time_limit_days) == (date(2025, 10, 16), False, 10)
    assert view.due_date == accepted.receipt.due
    assert view.waiver_count == 1  # the ID document, read by the reader instead of copied
    assert view.created_at == now  # the time on the receipt, from which the limit counts


def test_a_case_received_20_december_2026_keeps_a_provisional_2027_date(qapp: QApplication,
                                                                        make_terminal: Any) -> None:
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    accepted = submit(terminal, "retirement_approval", RETIREMENT, DEC_20_2026, render_receipt=receipt_pdf)
    view = stored(terminal, accepted.view.id)
    # 20 working days: 9 in December, 元旦 skipped, then 4–8, 11–15 and 18 January 2027
    assert (view.due_date, view.due_provisional, view.time_limit_days) == (date(2027, 1, 18), True, 20)
    assert view.waiver_count == len(waived(load_form("retirement_approval"), RETIREMENT))
    receipt = accepted.receipt
    assert receipt.due_provisional and receipt.due_provisional_years == (2027,)
    assert receipt.due_text().startswith("2027-01-18（预计，以2027年节假日安排公布后为准；20个工作日")
    [sealed] = [a for a in view.attachments if a.material_key == usecases.RECEIPT_KEY]
    assert terminal.blobs is not None
    text = pdf_text(terminal.blobs.get(sealed.sha256))
    assert "办结期限" in text and "2027-01-18（预计，以2027年节假日安排公布后为准" in text
    assert RETIREE_ID not in text


def test_a_reprint_of_a_case_with_a_provisional_date_still_says_so(make_terminal: Any) -> None:
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    accepted = submit(terminal, "retirement_approval", RETIREMENT, DEC_20_2026)
    again = saved_receipt(terminal, CLERK, accepted.view.id)
    assert again.due == date(2027, 1, 18) and again.due_provisional_years == (2027,)
    assert again.due_text() == accepted.receipt.due_text()


def test_beyond_the_provisional_years_the_receipt_names_the_missing_year(make_terminal: Any) -> None:
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    # Monday 25 December 2028: 2028 may be counted provisionally, but 10 working days run into 2029
    accepted = submit(terminal, "personal_registration", REGISTRATION, datetime(2028, 12, 25, 2, 0, tzinfo=UTC))
    assert accepted.receipt.due is None
    assert "缺少2029年节假日安排" in accepted.receipt.due_text() and "2028年" not in accepted.receipt.due_text()
    view = stored(terminal, accepted.view.id)
    assert (view.due_date, view.due_provisional, view.time_limit_days) == (None, False, 10)  # the limit is kept


@pytest.fixture
def reference_2027(tmp_path: Path) -> Path:
    """The central system's reference data: the shipped forms and holidays, plus a 2027 schedule (made up for the
    test: 元旦 break 1–4 January, one day longer than the law's, so that the provisional date must move)."""
    directory = tmp_path / "reference-src"
    shipped = Path(str(files("resources")))
    shutil.copytree(shipped / "forms", directory / "forms")
    holidays = json.loads((shipped / "rules" / "holidays_cn.json").read_text(encoding="utf-8"))
    holidays["2027"] = {"source": "测试用 2027 年安排", "holidays": [
        "2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04"], "workdays": []}
    (directory / "holidays.json").write_text(json.dumps(holidays, ensure_ascii=False), encoding="utf-8")
    return directory


def test_a_2027_schedule_from_the_central_system_settles_the_provisional_date(
        start_central: Any, make_terminal: Any, reference_2027: Path) -> None:
    server = start_central(extra_args=("--reference-dir", str(reference_2027)))
    terminal: Terminal = make_terminal(server.base_url, start_sender=False)
    provisional = submit(terminal, "retirement_approval", RETIREMENT, DEC_20_2026).view.id
    final = submit(terminal, "personal_registration", REGISTRATION, datetime(2025, 9, 26, 1, 30, tzinfo=UTC)).view.id
    undated = submit(terminal, "personal_registration", REGISTRATION, datetime(2028, 12, 25, 2, 0, tzinfo=UTC)).view.id
    assert stored(terminal, provisional).due_date == date(2027, 1, 18)
    assert stored(terminal, undated).due_date is None

    seen: list[tuple[date | None, bool]] = []  # what a listener reads when it hears of the new data

    def listener(event: object) -> None:
        if isinstance(event, ReferenceUpdated) and "holidays" in event.names:
            view = stored(terminal, provisional)
            seen.append((view.due_date, view.due_provisional))

    terminal.events.subscribe(listener)
    assert terminal.sender is not None
    assert "holidays" in terminal.sender.pull_reference()  # verified under the enrolled key, put in force

    settled = stored(terminal, provisional)
    assert (settled.due_date, settled.due_provisional) == (date(2027, 1, 19), False)  # 4 January is off now
    assert seen == [(date(2027, 1, 19), False)]  # counted again before anyone heard of the schedule
    assert stored(terminal, final).due_date == date(2025, 10, 16)
    dated = stored(terminal, undated)  # 2029 is now within the provisional years (2027 published)
    # Mon 25 Dec 2028 + 10: 26–29 Dec (4), 1 Jan 2029 元旦, 2–5 Jan (8), Mon 8 (9), Tue 9 (10)
    assert (dated.due_date, dated.due_provisional) == (date(2029, 1, 9), True)
    [entry] = recounts(terminal)
    assert entry == {"subject": "due_dates", "clerk": None, "person": None, "why": "holidays", "settled": 1,
                     "moved": 0, "dated": 1, "backfilled": 0}
    assert ID_NUMBER not in json.dumps(entry) and RETIREE_ID not in json.dumps(entry)

    assert terminal.sender.pull_reference() == []  # nothing new: nothing counted again
    assert len(recounts(terminal)) == 1


def old_submission(terminal: Terminal, code: str, created_at: datetime) -> str:
    """A row as saved before due dates were stored: no limit, no date (create_submission without ``due``)."""
    return create_submission(terminal.db, item_code=code, form_version=1, terminal_id="T-TEST-01",
                             clerk_id=CLERK.id, applicant=ApplicantData(ID_NUMBER, "李秀英"),
                             payload=dict(REGISTRATION), created_at=created_at).id


def test_submissions_from_before_due_dates_get_their_forms_limit_once_at_start(
        make_terminal: Any, secrets_store: SecretStore) -> None:
    first: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    registration = old_submission(first, "personal_registration", datetime(2025, 9, 26, 1, 30, tzinfo=UTC))
    late = old_submission(first, "personal_registration", DEC_20_2026)
    death = old_submission(first, "death_benefit", datetime(2025, 6, 3, 2, 0, tzinfo=UTC))  # no day count
    unknown = old_submission(first, "no_longer_offered", datetime(2025, 6, 3, 2, 0, tzinfo=UTC))
    draft = save_draft(first.db, item_code="personal_registration", form_version=1, terminal_id="T-TEST-01",
                       clerk_id=CLERK.id, payload=dict(REGISTRATION)).id
    settings = first.settings
    first.close()

    second = build_terminal(settings, secrets_store, start_sender=False, refresh_due=True)  # the next start
    try:
        done = stored(second, registration)
        assert (done.due_date, done.due_provisional, done.time_limit_days) == (date(2025, 10, 16), False, 10)
        moved = stored(second, late)  # Sun 20 Dec 2026 + 10: 21–25 (5), 28–31 (9), 1 Jan 元旦, Mon 4 Jan (10)
        assert (moved.due_date, moved.due_provisional, moved.time_limit_days) == (date(2027, 1, 4), True, 10)
        for untouched in (death, unknown, draft):
            view = stored(second, untouched)
            assert (view.due_date, view.time_limit_days) == (None, None), view.item_code
        assert stored(second, draft).state is SubmissionState.DRAFT
        assert get_value(second.db, BACKFILLED) is not None
        [entry] = recounts(second)
        assert entry["why"] == "startup" and entry["backfilled"] == 2 and entry["person"] is None

        again = refresh_due_dates(second.db, second.reference, second.audit, why="startup")
        assert again == Recount()  # idempotent: nothing left to fill, nothing recorded
        assert len(recounts(second)) == 1
    finally:
        second.close()
