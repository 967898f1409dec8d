"""A one-clerk terminal is never stuck: its case goes to the central system as 待复核 and is signed on another
terminal of the office, against the real central process, with real encrypted SQLite on both terminals.

The first terminal's only clerk takes a retirement case (复核 + 审批) with a scan and sends it for review
elsewhere; on the second terminal a 复核 clerk and then a 审批 clerk open it whole, read the scan, and sign
with their own passwords (roles and "not the submitter" checked there and again at the central system);
the first terminal learns through its status feed that the central system accepted it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from app import usecases
from app.casefile import CaseNotFound, OriginKind
from app.demo_cases import AGENT_ID, RETIREE_ID, WAIVED, retirement_case
from app.permissions import PermissionDenied
from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import Terminal, build_terminal
from app.usecases import remote_review
from central.store import add_terminal
from core.errors import AuthenticationError, StateError, mask_id_number
from devices.scan.pipeline import ColourMode, ScannedPage
from forms.definitions import load_form
from forms.refdata import resource_file
from local_db.audit import AuditAction
from local_db.clerks import ClerkInfo, Role, add_clerk
from local_db.models import OutboxEntry, OutboxState, Submission, SubmissionState
from local_db.submissions import get_submission, pending_count
from protocol.canonical import canonical_json
from sync.engine import Backoff
from sync.events import StatusChanged
from tests.app.samples import SIGNATURE

from .conftest import CLERK, PASSWORD
from .samples import REGISTRATION, RETIREMENT, WAIVER
from .test_records_window import central_records
from .test_tiered_review import REFUND

SECOND_ID = "T-TEST-02"


def page() -> ScannedPage:
    image = np.full((297, 210, 3), 235, dtype=np.uint8)
    cv2.putText(image, "ID", (60, 150), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (20, 20, 20), 3)
    ok, jpeg = cv2.imencode(".jpg", image)
    assert ok
    return ScannedPage(image=image, jpeg=jpeg.tobytes(), dpi=25, size_mm=(210.0, 297.0), mode=ColourMode.COLOUR)


def second_terminal(tmp_path: Path, central_db: Path, url: str) -> Terminal:
    """Another terminal of the office: its own data, keyring, token and clerks."""
    secrets = SecretStore(file_keyring(tmp_path / "keyring-2"))
    secrets.set_terminal_token(add_terminal(central_db, SECOND_ID))
    settings = Settings(central_url=url, terminal_id=SECOND_ID, office_name="测试大厅", data_dir=tmp_path / "second",
                        devices=DeviceSettings(card_reader="off", id_reader="off", camera="off"))
    terminal = build_terminal(settings, secrets, backoff=Backoff(base=0.05, cap=0.5), start_sender=False)
    add_clerk(terminal.db, "2001", "复核柜员", "review-pass", roles=frozenset({Role.REVIEW}))
    add_clerk(terminal.db, "3001", "审批柜员", "final-pass", roles=frozenset({Role.APPROVAL}))
    # the first terminal's clerk also works here: still not allowed to sign their own case
    add_clerk(terminal.db, CLERK.id, CLERK.name, PASSWORD, roles=frozenset({Role.REVIEW, Role.APPROVAL}))
    return terminal


def send_all(terminal: Terminal) -> None:
    assert terminal.sender is not None
    deadline = time.monotonic() + 60
    while pending_count(terminal.db):
        terminal.sender.sync_once(now=True)
        assert time.monotonic() < deadline, "not sent"


def test_a_reviewer_on_a_second_terminal_approves_a_case_submitted_on_the_first(
        qapp: Any, start_central: Any, make_terminal: Any, central_db: Path, tmp_path: Path) -> None:
    server = start_central()
    first = make_terminal(server.base_url, start_sender=False)
    heard: list[object] = []
    first.events.subscribe(heard.append)
    second = second_terminal(tmp_path, central_db, server.base_url)
    try:
        form = load_form("retirement_approval")
        waivers = {m.key: WAIVER for m in usecases.missing_materials(form, RETIREMENT, {}, {})
                   if m.key != "identity_document"}
        accepted = usecases.submit_application(first, usecases.SubmitRequest(
            CLERK, form, RETIREMENT, materials={"identity_document": [page()]}, waivers=waivers, signature=SIGNATURE))
        sid = accepted.view.id
        assert accepted.view.state is SubmissionState.AWAITING_APPROVAL
        assert accepted.view.review_tier == "review_approval"
        with pytest.raises(StateError, match="own submission"):  # the only clerk here cannot sign
            usecases.approve(first, CLERK.id, PASSWORD, sid)

        sent = usecases.send_for_review(first, CLERK, sid)
        assert sent.state is SubmissionState.REVIEW_ELSEWHERE
        with pytest.raises(StateError):  # nobody signs it here any more
            usecases.approve(first, CLERK.id, PASSWORD, sid)
        send_all(first)
        waiting = get_submission(first.db, sid)
        assert waiting is not None and waiting.state is SubmissionState.REVIEW_ELSEWHERE and waiting.receipt_number
        [record] = central_records(central_db)
        assert record["status"] == "awaiting_review"

        reviewer = usecases.sign_in(second, "2001", "review-pass")
        listed = remote_review.list_remote_reviews(second, reviewer)
        assert [(c.submission_id, c.next_step, c.clerk_id) for c in listed] == [(sid, "review", CLERK.id)]
        assert listed[0].values == {}  # the list holds no fields, only a name and a masked number
        case = remote_review.open_remote_review(second, reviewer, sid)
        assert case.values["name"] == RETIREMENT["name"] and case.tier == "review_approval"
        [material] = [m for m in case.materials if m.material_key != "_signature"]
        assert "_signature" in {m.material_key for m in case.materials}  # the applicant's signature travels too
        assert remote_review.remote_material(second, reviewer, case, material.sha256).startswith(b"%PDF")
        with pytest.raises(PermissionDenied):  # listing cases is for reviewers
            remote_review.list_remote_reviews(second, ClerkInfo("9", "受理柜员", frozenset({Role.FRONT_DESK})))

        with pytest.raises(StateError, match="may not sign"):  # checked on this terminal too
            remote_review.sign_remote_review(second, CLERK.id, PASSWORD, sid, "review")
        with pytest.raises(AuthenticationError):
            remote_review.sign_remote_review(second, "2001", "wrong-pass", sid, "review")
        with pytest.raises(PermissionDenied):  # 审批 role cannot sign 复核
            remote_review.sign_remote_review(second, "3001", "final-pass", sid, "review")
        half = remote_review.sign_remote_review(second, "2001", "review-pass", sid, "review")
        assert (half.status, half.next_step) == ("awaiting_review", "approval")
        first.sender.pull_status()  # type: ignore[union-attr]
        assert get_submission(first.db, sid).state is SubmissionState.REVIEW_ELSEWHERE  # type: ignore[union-attr]

        done = remote_review.sign_remote_review(second, "3001", "final-pass", sid, "approval")
        assert (done.status, done.next_step) == ("accepted", None)
        assert first.sender is not None and first.sender.pull_status() >= 1
        moved = get_submission(first.db, sid)
        assert moved is not None and moved.state is SubmissionState.ACCEPTED
        assert any(isinstance(e, StatusChanged) and e.submission_id == sid and e.status == "accepted" for e in heard)

        [record] = central_records(central_db)
        assert record["status"] == "accepted"
        assert [(g["step"], g["clerk_id"], g["terminal_id"]) for g in record["review"]["signatures"]] == [
            ("review", "2001", SECOND_ID), ("approval", "3001", SECOND_ID)]
        trail = [(e.action, e.clerk_id) for e in second.audit.find(second.db) if e.subject == sid]
        assert (AuditAction.VIEW_CASE.value, "2001") in trail and (AuditAction.VIEW_SCAN.value, "2001") in trail
        assert [who for action, who in trail if action == AuditAction.APPROVE.value] == ["2001", "3001"]
        assert (AuditAction.SEND_FOR_REVIEW.value, CLERK.id) in [
            (e.action, e.clerk_id) for e in first.audit.find(first.db) if e.subject == sid]
    finally:
        second.close()


def test_the_central_systems_own_definitions_decide_and_a_refusal_reaches_the_clerk(
        qapp: Any, start_central: Any, make_terminal: Any, central_db: Path, tmp_path: Path) -> None:
    """A central system whose definition of a form asks 复核 refuses the terminal's unsigned case, per item,
    and the clerk reads why (in Chinese) on the queued row; the other cases of the batch go through."""
    reference = tmp_path / "reference"
    (reference / "forms").mkdir(parents=True)
    for path in resource_file("forms").iterdir():
        if path.name.endswith(".json"):
            data = json.loads(path.read_text(encoding="utf-8"))
            if data["code"] == "personal_registration":
                data["review"] = {"tier": "review"}
            (reference / "forms" / path.name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    server = start_central(extra_args=("--reference-dir", str(reference)))
    terminal = make_terminal(server.base_url, start_sender=False)
    registration = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, load_form("personal_registration"), REGISTRATION, waivers={"identity_document": WAIVER},
            signature=SIGNATURE)).view
    assert registration.review_tier == "none" and registration.state is SubmissionState.QUEUED
    refund = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, load_form("overpaid_refund"), REFUND, waivers={"identity_document": WAIVER}, signature=SIGNATURE)).view
    assert terminal.sender is not None
    terminal.sender.sync_once(now=True)
    refused = get_submission(terminal.db, registration.id)
    assert refused is not None and refused.state is SubmissionState.QUEUED
    assert refused.last_error == "中心系统拒收：本业务审核级别为“复核”，缺少复核签字。"
    assert refused.send_failed and usecases.refused_for_review(refused)  # the window offers 复核 on it
    sent = get_submission(terminal.db, refund.id)
    assert sent is not None and sent.state is SubmissionState.ACCEPTED and not usecases.refused_for_review(sent)
    with pytest.raises(StateError):  # only a case refused for its review is reopened
        usecases.reopen_review(terminal, CLERK, refund.id)
    assert [r["id"] for r in central_records(central_db)] == [refund.id]
    # the refused case waits for its signature again, and goes through once signed
    reopened = usecases.reopen_review(terminal, CLERK, registration.id)
    assert (reopened.state, reopened.review_tier) == (SubmissionState.AWAITING_APPROVAL, "review")
    add_clerk(terminal.db, "1002", "复核柜员", "review-pass", roles=frozenset({Role.REVIEW}))
    assert usecases.approve(terminal, "1002", "review-pass", registration.id).state is SubmissionState.QUEUED
    send_all(terminal)
    done = get_submission(terminal.db, registration.id)
    assert done is not None and done.state is SubmissionState.ACCEPTED


def test_a_case_queued_by_an_earlier_release_with_one_approver_gets_its_second_signature(
        qapp: Any, start_central: Any, make_terminal: Any, central_db: Path) -> None:
    """An earlier release queued a retirement case with one approver (``_approved_by`` in the stored body);
    the form now needs 审批 as well. The stored body is resent as stored and refused with the reason; the
    case is reopened, keeps its 复核 signature, gets its 审批, and is accepted."""
    server = start_central()
    terminal = make_terminal(server.base_url, start_sender=False)
    add_clerk(terminal.db, "1002", "复核柜员", "review-pass", roles=frozenset({Role.REVIEW}))
    add_clerk(terminal.db, "1003", "审批柜员", "final-pass", roles=frozenset({Role.APPROVAL}))
    view = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, load_form("retirement_approval"), RETIREMENT, waivers={"identity_document": WAIVER},
            signature=SIGNATURE)).view
    with terminal.db.sessions.begin() as s:  # what the earlier release stored: no tier, one approver, its body
        sub = s.get(Submission, view.id)
        assert sub is not None
        sub.review_tier, sub.approved_by, sub.state = None, "1002", SubmissionState.QUEUED.value
        old = {"id": sub.id, "item_code": sub.item_code, "version": 2, "terminal_id": sub.terminal_id,
               "clerk_id": sub.clerk_id, "created_at": sub.created_at.isoformat(),
               "payload": {**sub.payload, "_approved_by": "1002"}, "case_id": sub.id, "case_version": 1,
               "attachments": [], "counter_receipt_no": sub.counter_receipt_no}
        s.add(OutboxEntry(submission_id=sub.id, state=OutboxState.PENDING.value, body=canonical_json(old)))
    assert terminal.sender is not None
    terminal.sender.sync_once(now=True)
    refused = get_submission(terminal.db, view.id)
    assert refused is not None and refused.last_error == "中心系统拒收：本业务审核级别为“复核＋审批”，缺少审批签字。"
    reopened = usecases.reopen_review(terminal, CLERK, view.id)
    assert reopened.review_tier == "review_approval"
    assert [(g.step, g.clerk_id) for g in reopened.signatures] == [("review", "1002")]
    assert usecases.pending_step(reopened) == "approval"
    assert usecases.approve(terminal, "1003", "final-pass", view.id, step="approval").state is SubmissionState.QUEUED
    send_all(terminal)
    [record] = central_records(central_db)
    assert record["status"] == "accepted" and "_approved_by" not in record["payload"]
    assert [(g["step"], g["clerk_id"]) for g in record["review"]["signatures"]] == [
        ("review", "1002"), ("approval", "1003")]


def test_the_case_view_source_reads_the_whole_case_and_its_scans_from_the_central_system(
        qapp: Any, start_central: Any, make_terminal: Any, central_db: Path, tmp_path: Path) -> None:
    """``RemoteCases`` arranges a case awaiting review as a local one: fields with their origins, the waiver,
    the central system's tier, the scan's pages from the central blob; each read on the second terminal's trail
    keyed by the person, never the number; a full number only for a post that may ask, and audited."""
    server = start_central()
    first = make_terminal(server.base_url, start_sender=False)
    second = second_terminal(tmp_path, central_db, server.base_url)
    try:
        sid = retirement_case(first, CLERK).view.id
        usecases.send_for_review(first, CLERK, sid)
        send_all(first)
        reviewer = usecases.sign_in(second, "2001", "review-pass")
        source = remote_review.RemoteCases()
        assert source.opened(sid) is None
        case = source.case_file(second, reviewer, sid)
        opened = source.opened(sid)
        assert opened is not None and opened.next_step == "review"
        assert (case.submission_id, case.clerk_id, case.state) == (sid, CLERK.id, "awaiting_approval")
        assert case.field("name").origin.kind is OriginKind.CORRECTED
        assert case.field("agent_id_number").origin.label == "身份证阅读器"
        assert case.field("contribution_months").origin.label == "手工录入"
        assert case.field("id_number").value == mask_id_number(RETIREE_ID) and case.field("id_number").id_number
        assert RETIREE_ID not in repr(case) and AGENT_ID not in repr(case)
        assert (case.review_tier, case.review_tier_label) == ("review_approval", "复核＋审批")
        assert case.material("agent_identity_document").waiver == WAIVED["agent_identity_document"]
        assert [(m.key, m.pages) for m in case.materials if m.attachment is not None] == [
            ("identity_document", 1), ("authorisation", 2)]

        scan = source.case_scan(second, reviewer, sid, "authorisation")
        assert len(scan.pages) == 2 and all(p.jpeg.startswith(b"\xff\xd8") and p.width_px > 500 for p in scan.pages)
        with pytest.raises(CaseNotFound):  # waived: nothing to fetch
            source.case_scan(second, reviewer, sid, "agent_identity_document")
        assert source.full_id_number(second, reviewer, sid, "agent_id_number") == AGENT_ID
        with pytest.raises(PermissionDenied):
            source.full_id_number(second, ClerkInfo("9", "受理柜员", frozenset({Role.FRONT_DESK})), sid, "id_number")
        with pytest.raises(PermissionDenied):  # a post that reads no case opens none from the central system
            remote_review.RemoteCases().case_file(second, ClerkInfo("9", "受理柜员", frozenset({Role.FRONT_DESK})), sid)

        trail = [e for e in second.audit.find(second.db) if e.subject == sid]
        assert [(e.action, e.clerk_id, e.detail.get("remote")) for e in trail] == [
            (AuditAction.VIEW_CASE.value, "2001", True), (AuditAction.VIEW_SCAN.value, "2001", True),
            (AuditAction.SHOW_ID_NUMBER.value, "2001", True)]
        assert trail[1].detail["material"] == "authorisation"
        assert trail[2].person_key == second.audit.person_key(AGENT_ID) != trail[0].person_key
        assert trail[0].person_key == second.audit.person_key(RETIREE_ID)
        assert not any(RETIREE_ID in repr(e) or AGENT_ID in repr(e) for e in second.audit.find(second.db))
    finally:
        second.close()
