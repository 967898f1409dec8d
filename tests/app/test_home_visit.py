"""Home visits (上门服务, issue 19 item 6): the switch, the cases it marks, what the central system keeps, the
receipt. Real SQLite files, a real central server process over HTTP, the real receipt PDF.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app import usecases
from app.home_visit import MAX_PLACE_LENGTH, home_visit
from app.permissions import PermissionDenied
from app.settings import Settings
from app.terminal import Terminal, build_terminal
from app.usecases import SubmitRequest
from app.usecases.home_visit import switch_home_visit
from app.usecases.receipts import saved_receipt
from central.store import CentralStore
from core.errors import ValidationError
from local_db import outbox
from local_db.audit import AuditAction
from local_db.clerks import ClerkInfo, Role
from local_db.models import OutboxEntry, SubmissionState, utcnow
from local_db.submissions import get_submission

from .conftest import CLERK
from .samples import REGISTRATION, SIGNATURE, WAIVER
from .test_sessions import page_image

PLACE = "城关镇幸福村"


def register(terminal: Terminal, **extra: Any) -> usecases.Accepted:
    form = terminal.reference.form("personal_registration")
    return usecases.submit_application(terminal, SubmitRequest(
        clerk=CLERK, form=form, values=REGISTRATION, waivers={"identity_document": WAIVER}, signature=SIGNATURE,
        **extra))


def body_of(terminal: Terminal, submission_id: str) -> dict[str, Any]:
    with terminal.db.sessions() as s:
        text = s.scalar(select(OutboxEntry.body).where(OutboxEntry.submission_id == submission_id))
    assert text is not None
    data: dict[str, Any] = json.loads(text)
    return data


def test_a_case_taken_in_home_visit_mode_is_marked_sent_and_kept_by_the_central_system(
        make_terminal: Any, start_central: Any, central_db: Path) -> None:
    central = start_central()
    terminal = make_terminal(central.base_url, start_sender=False)
    assert terminal.sender is not None
    switch_home_visit(terminal, CLERK, True, PLACE)
    at_home = register(terminal)
    assert at_home.view.home_visit and at_home.receipt.service_text() == f"上门服务（{PLACE}）"
    assert body_of(terminal, at_home.view.id)["home_visit"] is True
    switch_home_visit(terminal, CLERK, False)
    at_window = register(terminal)
    assert not at_window.view.home_visit and at_window.receipt.service_text() is None
    assert "home_visit" not in body_of(terminal, at_window.view.id)  # a window's body is as before
    summary = terminal.sender.sync_once()
    assert summary.sent == 2 and summary.error is None
    with CentralStore.open(central_db) as store:
        kept = {r.id: r.home_visit for r in store.list_submissions()}
        one = store.get_submission(at_home.view.id)
    assert kept == {at_home.view.id: True, at_window.view.id: False}
    assert one is not None and one.home_visit and one.payload["_visit_place"] == PLACE


def test_the_switch_holds_across_restarts_and_the_setting_gives_the_start(
        make_terminal: Any, secrets_store: Any, data_dir: Path) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    assert home_visit(terminal).on is False  # the default setting: a window terminal
    switch_home_visit(terminal, CLERK, True, PLACE, now=datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    terminal.close()
    again = build_terminal(Settings(data_dir=data_dir, terminal_id="T-TEST-01"), secrets_store, start_sender=False,
                           start_devices=False)
    try:
        state = home_visit(again)
        assert state.on and state.place == PLACE and state.since == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
        switch_home_visit(again, CLERK, False)
    finally:
        again.close()
    laptop = build_terminal(Settings(data_dir=data_dir, terminal_id="T-TEST-01", home_visit_mode=True),
                            secrets_store, start_sender=False, start_devices=False)
    try:
        assert home_visit(laptop).on is False  # the clerk's switch wins over the setting once made
        trail = [e for e in laptop.audit.find(laptop.db) if e.action == AuditAction.SETTINGS_CHANGE.value
                 and e.subject == "home_visit_mode"]
        assert [e.detail["on"] for e in trail] == [True, False] and all(e.clerk_id == CLERK.id for e in trail)
    finally:
        laptop.close()


def test_a_laptop_set_for_home_visits_starts_in_home_visit_mode(
        secrets_store: Any, data_dir: Path) -> None:
    laptop = build_terminal(Settings(data_dir=data_dir, terminal_id="T-TEST-01", home_visit_mode=True),
                            secrets_store, start_sender=False, start_devices=False)
    try:
        assert home_visit(laptop).on is True and home_visit(laptop).place is None
    finally:
        laptop.close()


def test_a_draft_begun_at_home_stays_a_home_visit_when_finished_at_the_office(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    form = terminal.reference.form("personal_registration")
    switch_home_visit(terminal, CLERK, True, PLACE)
    draft = usecases.save_draft(terminal, CLERK, form, {"name": REGISTRATION["name"]},
                                materials={"identity_document": [page_image(200)]})
    assert draft.home_visit
    switch_home_visit(terminal, CLERK, False)  # back at the office
    again = usecases.save_draft(terminal, CLERK, form, {"name": REGISTRATION["name"]}, draft.id)
    assert again.home_visit and again.payload["_visit_place"] == PLACE
    done = usecases.submit_application(terminal, SubmitRequest(
        clerk=CLERK, form=form, values=REGISTRATION, carried=again.attachments, draft_id=draft.id,
        signature=SIGNATURE))
    assert done.view.home_visit and done.receipt.visit_place == PLACE
    assert body_of(terminal, done.view.id)["home_visit"] is True


def test_a_correction_of_a_home_visit_case_stays_a_home_visit(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    switch_home_visit(terminal, CLERK, True)
    first = register(terminal).view
    switch_home_visit(terminal, CLERK, False)
    claimed = outbox.claim_batch(terminal.db, limit=10)  # sent, then returned by the central system
    outbox.settle(terminal.db, outbox.Settlement(accepted=[(c.submission_id, "SI-1", utcnow()) for c in claimed]))
    outbox.apply_statuses(terminal.db, [outbox.StatusChange(first.id, "returned", "联系电话有误", None, utcnow())])
    fixed = register(terminal, corrects=first.id).view
    assert fixed.case_version == 2 and fixed.home_visit
    assert body_of(terminal, fixed.id)["home_visit"] is True
    stored = get_submission(terminal.db, first.id)
    assert stored is not None and stored.state is SubmissionState.CLOSED


def test_the_reprinted_receipt_of_a_home_visit_says_how_and_where_it_was_served(qapp: Any,
                                                                                make_terminal: Any) -> None:
    from app.receipt_render import receipt_pdf

    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    switch_home_visit(terminal, CLERK, True, PLACE)
    accepted = register(terminal)
    first = "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt_pdf(accepted.receipt))).pages)
    again = saved_receipt(terminal, CLERK, accepted.view.id)
    assert again.service_text() == accepted.receipt.service_text()
    for text in (first, "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt_pdf(again))).pages)):
        assert "服务方式" in text and f"上门服务（{PLACE}）" in text
    switch_home_visit(terminal, CLERK, False)
    window = register(terminal, corrects=None)
    assert "服务方式" not in "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        receipt_pdf(window.receipt))).pages)


def test_only_a_clerk_who_takes_cases_switches_home_visit_mode(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    supervisor = ClerkInfo("2001", "主管", frozenset({Role.SUPERVISOR}))
    with pytest.raises(PermissionDenied):
        switch_home_visit(terminal, supervisor, True)
    assert home_visit(terminal).on is False


def test_a_place_too_long_or_with_control_characters_is_refused(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    for place in ("村" * (MAX_PLACE_LENGTH + 1), "幸福村\n3号楼"):
        with pytest.raises(ValidationError):
            switch_home_visit(terminal, CLERK, True, place)
    assert home_visit(terminal).on is False
    assert switch_home_visit(terminal, CLERK, True, "  ").place is None  # blank: no place
