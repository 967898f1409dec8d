"""补打回执 and 催办: a saved case's receipt printed again (copy 2, then 3, audited), and a reminder recorded,
audited and sent to a real central server process exactly once, also when its answer is lost."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pypdf
import pytest
from sqlalchemy import update

from app import usecases
from app.terminal import Terminal
from app.usecases.receipts import reprint_receipt
from app.usecases.remind import case_reminders, remind
from central.faultproxy import Fault, FaultProxy
from core.errors import StateError
from forms.definitions import load_form
from local_db.audit import AuditAction, AuditQuery
from local_db.models import Submission, SubmissionState
from local_db.reminders import unsent_reminders
from tests.app.samples import SIGNATURE

from .conftest import CLERK
from .samples import ID_NUMBER, REGISTRATION, WAIVER


def accepted_here(terminal: Terminal) -> usecases.Accepted:
    return usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, load_form("personal_registration"), REGISTRATION, waivers={"identity_document": WAIVER},
            signature=SIGNATURE))


def set_state(terminal: Terminal, submission_id: str, state: SubmissionState) -> None:
    with terminal.db.sessions.begin() as s:
        s.execute(update(Submission).where(Submission.id == submission_id).values(state=state.value))


def pdf_text(path: Path) -> str:
    pages = pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages
    return "".join(page.extract_text().replace("\n", "") for page in pages)


def prints(terminal: Terminal, submission_id: str) -> list[dict[str, object]]:
    found, _n = terminal.audit.search(terminal.db, AuditQuery(actions=frozenset({AuditAction.PRINT_RECEIPT.value}),
                                                              subject=submission_id), newest_first=False)
    return [entry.detail for entry in found]


def central_reminders(central_db: Path) -> list[dict[str, Any]]:
    out = subprocess.run([sys.executable, "-m", "central", "reminders", "--db", str(central_db), "--json"],
                         capture_output=True, text=True, timeout=60, check=True)
    listed: list[dict[str, Any]] = json.loads(out.stdout)
    return listed


def test_a_reprint_prints_copy_2_then_3_and_audits_each(make_terminal: Any, tmp_path: Path, qapp: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    accepted = accepted_here(terminal)
    usecases.print_receipt(terminal, CLERK, accepted.receipt, tmp_path / "first.pdf")
    reprint_receipt(terminal, CLERK, accepted.view.id, tmp_path / "second.pdf")
    again = reprint_receipt(terminal, CLERK, accepted.view.id, tmp_path / "third.pdf")
    assert [entry.get("copy") for entry in prints(terminal, accepted.view.id)] == [None, 2, 3]
    assert again.receipt_no == accepted.receipt.receipt_no and again.due == accepted.receipt.due
    text = pdf_text(tmp_path / "third.pdf")
    assert accepted.receipt.receipt_no in text and "李秀英" in text and ID_NUMBER not in text
    assert pdf_text(tmp_path / "first.pdf") == pdf_text(tmp_path / "third.pdf")  # the same receipt again


def test_a_draft_has_no_receipt_to_reprint(make_terminal: Any, tmp_path: Path) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    draft = usecases.save_draft(terminal, CLERK, load_form("personal_registration"), REGISTRATION)
    with pytest.raises(StateError) as refused:
        reprint_receipt(terminal, CLERK, draft.id, tmp_path / "r.pdf")
    assert "没有受理回执" in refused.value.user_message and not (tmp_path / "r.pdf").exists()


@pytest.mark.parametrize("state", [SubmissionState.CLOSED, SubmissionState.RETURNED])
def test_a_closed_or_returned_case_cannot_be_reminded(make_terminal: Any, state: SubmissionState) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    sid = accepted_here(terminal).view.id
    set_state(terminal, sid, state)
    with pytest.raises(StateError) as refused:
        remind(terminal, CLERK, sid, "请尽快办理")
    assert refused.value.user_message.startswith("该业务已") and "无需催办" in refused.value.user_message
    assert case_reminders(terminal, CLERK, sid) == []


def test_a_case_not_yet_at_the_central_system_cannot_be_reminded(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    sid = accepted_here(terminal).view.id  # queued: nothing sent yet
    with pytest.raises(StateError, match="not"):
        remind(terminal, CLERK, sid)


def test_a_reminder_goes_to_the_central_system_exactly_once_after_a_lost_answer(
        start_central: Any, make_terminal: Any, central_db: Path) -> None:
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False)
        assert terminal.sender is not None
        sid = accepted_here(terminal).view.id
        assert terminal.sender.sync_once().error is None
        view = remind(terminal, CLERK, sid, "申请人询问办理进度")
        entries, _n = terminal.audit.search(terminal.db, AuditQuery(actions=frozenset({AuditAction.REMIND.value})))
        assert [(e.subject, e.detail) for e in entries] == [(sid, {"reminder": view.id, "note": True})]

        proxy.add(Fault("lose_answer", method="POST", path=f"/v1/submissions/{sid}/reminders"))
        lost = terminal.sender.sync_once()
        assert lost.error is not None and proxy.stats.faults_injected.get("lose_answer") == 1
        assert [r.id for r in unsent_reminders(terminal.db)] == [view.id]  # it waits, unsent
        assert [r["id"] for r in central_reminders(central_db)] == [view.id]  # but the central system has it

        again = terminal.sender.sync_once()
        assert again.error is None and again.reminders_sent == 1 and unsent_reminders(terminal.db) == []
        assert terminal.sender.sync_once().reminders_sent == 0  # sent: it does not go again
    listed = central_reminders(central_db)
    assert len(listed) == 1  # once, although it was sent twice
    assert listed[0]["submission_id"] == sid and listed[0]["note"] == "申请人询问办理进度"
    assert listed[0]["clerk_id"] == CLERK.id and listed[0]["case_status"] == "accepted"
    assert case_reminders(terminal, CLERK, sid)[0].sent_at is not None
