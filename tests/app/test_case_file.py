"""The reviewer's whole case (issue 16, items 2 and 6) through the queries: a real terminal with its encrypted
SQLite file, sealed blob store and file keyring; a case submitted through the submit use case with pages the
real scan pipeline made. Nothing of our own is mocked.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text

from app import queries, usecases
from app.casefile import CaseNotFound, OriginKind, build_case_file
from app.demo_cases import AGENT_ID, PROVENANCE, RETIREE_ID, RETIREMENT_CASE, WAIVED, sample_id_copy, sample_page
from app.permissions import PermissionDenied
from app.terminal import Terminal
from forms.definitions import load_form
from local_db.clerks import ClerkInfo, Role, add_clerk
from local_db.models import SubmissionState
from local_db.submissions import SubmissionView
from tests.app.samples import SIGNATURE

FRONT = ClerkInfo("2001", "受理柜员", frozenset({Role.FRONT_DESK}))
REVIEWER = ClerkInfo("2002", "复核柜员", frozenset({Role.REVIEW}))


@pytest.fixture
def terminal(make_terminal: Any) -> Terminal:
    made: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    for clerk in (FRONT, REVIEWER):
        add_clerk(made.db, clerk.id, clerk.name, f"pass-{clerk.id}-x", roles=clerk.roles)
    return made


@pytest.fixture(scope="module")
def pages() -> dict[str, list[Any]]:
    """The materials as the counter photographs them: an ID copy, a letter of authority of two pages."""
    return {"identity_document": [sample_id_copy(31)],
            "authorisation": [sample_page("a4_text", 42), sample_page("certificate", 43)]}


def submit(terminal: Terminal, pages: dict[str, list[Any]]) -> str:
    request = usecases.SubmitRequest(FRONT, load_form("retirement_approval"), RETIREMENT_CASE, provenance=PROVENANCE,
                                     materials=pages, waivers=WAIVED, signature=SIGNATURE)
    accepted = usecases.submit_application(terminal, request, now=datetime(2025, 3, 18, 2, 0, tzinfo=UTC))
    assert accepted.view.state is SubmissionState.AWAITING_APPROVAL
    return accepted.view.id


def raw_trail(terminal: Terminal) -> str:
    with terminal.db.engine.connect() as conn:
        return repr(conn.exec_driver_sql("SELECT * FROM audit_log").fetchall())


def test_the_case_has_every_field_with_its_origin_the_waiver_the_materials_and_the_tier(
        terminal: Terminal, pages: dict[str, list[Any]]) -> None:
    sid = submit(terminal, pages)
    case = queries.case_file(terminal, REVIEWER, sid)

    form = load_form("retirement_approval")
    assert [s.title for s in case.sections] == [s.title for s in form.sections]
    assert [f.label for s in case.sections for f in s.fields] == [f.label for f in form.fields()]
    origins = {f.key: (f.origin.kind, f.origin.label) for s in case.sections for f in s.fields}
    assert origins["id_number"] == (OriginKind.CARD, "社保卡")  # unlocked with the name, left as read
    assert origins["name"] == (OriginKind.CORRECTED, "已更正：社保卡内姓名为异体字“囯”，按居民身份证更正为“国”")
    assert case.field("name").origin.document == "社保卡"
    assert origins["sex"] == (OriginKind.DERIVED, "由身份号码推算")
    assert origins["agent_name"] == origins["agent_id_number"] == (OriginKind.ID_READER, "身份证阅读器")
    assert origins["phone"] == (OriginKind.TYPED, "手工录入")
    assert origins["special_occupation"] == (OriginKind.EMPTY, "")
    assert case.field("retirement_type").value == "正常退休"  # a choice by its label
    assert case.field("agent_relation").value == "子女"
    assert case.field("id_number").value == RETIREE_ID[:3] + "*" * 13 + RETIREE_ID[-2:]
    assert case.field("id_number").id_number and case.field("agent_id_number").id_number
    assert case.masked_id_number == case.field("id_number").value
    for number in (RETIREE_ID, AGENT_ID, RETIREE_ID[:17], AGENT_ID[:17]):
        assert number not in repr(case)

    assert [(c.fields, c.clerk_id) for c in case.corrections] == [(("姓名",), "1001")]
    assert (case.review_tier, case.review_tier_label, case.review_reasons) == ("review_approval", "复核＋审批", ())
    shown = {m.key: (m.required, m.pages, m.waiver) for m in case.materials}
    assert shown["identity_document"] == (True, 1, None)
    assert shown["authorisation"] == (True, 2, None)
    assert shown["agent_identity_document"] == (True, 0, WAIVED["agent_identity_document"])
    assert shown["special_occupation_proof"] == (False, 0, None)
    assert "_receipt" not in shown  # the counter's receipt is no material
    assert (case.state, case.clerk_id, case.item_name) == ("awaiting_approval", FRONT.id, form.name)


def test_a_raised_tier_says_why() -> None:
    form = load_form("overpaid_refund")
    view = SubmissionView(id="s1", item_code=form.code, state=SubmissionState.AWAITING_APPROVAL, applicant_name="甲",
                          applicant_id_number=RETIREE_ID, receipt_number=None, last_error=None,
                          created_at=datetime.now(UTC), accepted_at=None, payload={"refund_amount": "999999"},
                          form_version=form.version)
    case = build_case_file(view, form)
    assert (case.review_tier, case.review_tier_label) == ("review_approval", "复核＋审批")
    assert case.review_reasons == ("退费金额超过5000元，需复核", "退费金额超过50000元，需复核并审批")


def test_origins_from_older_provenance_other_readers_and_unknown_fields() -> None:
    form = load_form("retirement_approval")
    payload: dict[str, Any] = {**RETIREMENT_CASE, "old_field": AGENT_ID, "_provenance": {
        "from_device": {"id_number": "社保卡", "name": "社保卡", "agent_id_number": "电子社保卡",
                        "agent_name": "港澳台居民居住证"},
        "overrides": [{"fields": ["id_number", "name"], "reason": "卡面信息有误"}]}}  # no "changed": both count
    view = SubmissionView(id="s2", item_code=form.code, state=SubmissionState.QUEUED, applicant_name="王建国",
                          applicant_id_number=RETIREE_ID, receipt_number=None, last_error=None,
                          created_at=datetime.now(UTC), accepted_at=None, payload=payload, form_version=1)
    case = build_case_file(view, form)
    assert case.field("id_number").origin.kind is case.field("name").origin.kind is OriginKind.CORRECTED
    assert case.corrections[0].fields == ("公民身份号码", "姓名") and case.corrections[0].clerk_id is None
    assert case.field("agent_id_number").origin.label == "电子社保卡"
    assert case.field("agent_name").origin.label == "身份证阅读器（港澳台居民居住证）"
    assert case.labels_from_version == form.version  # made with version 1, labelled by the current one
    assert case.sections[-1].title == "其他字段" and case.field("old_field").value == AGENT_ID[:3] + "*" * 13 + "2X"
    assert AGENT_ID not in repr(case) and RETIREE_ID not in repr(case)


def test_scans_open_from_the_sealed_store_page_by_page_and_every_look_is_audited(
        terminal: Terminal, pages: dict[str, list[Any]]) -> None:
    sid = submit(terminal, pages)
    before = len(terminal.audit.find(terminal.db))
    scan = queries.case_scan(terminal, REVIEWER, sid, "authorisation")
    assert [p.jpeg for p in scan.pages] == [p.jpeg for p in pages["authorisation"]]  # as sealed, in order
    assert [(p.width_px, p.height_px) for p in scan.pages] == [(p.width_px, p.height_px)
                                                               for p in pages["authorisation"]]
    assert all(abs(a - b) < 0.01 for p, q in zip(scan.pages, pages["authorisation"], strict=True)
               for a, b in zip(p.size_mm, q.size_mm, strict=True))
    [copy] = queries.case_scan(terminal, REVIEWER, sid, "identity_document").pages
    assert copy.jpeg == pages["identity_document"][0].jpeg
    with pytest.raises(CaseNotFound):
        queries.case_scan(terminal, REVIEWER, sid, "agent_identity_document")  # waived: nothing to open
    with pytest.raises(CaseNotFound):
        queries.case_file(terminal, REVIEWER, "no-such-case")

    assert queries.full_id_number(terminal, REVIEWER, sid, "agent_id_number") == AGENT_ID
    assert queries.full_id_number(terminal, FRONT, sid, "id_number") == RETIREE_ID
    with pytest.raises(CaseNotFound):
        queries.full_id_number(terminal, REVIEWER, sid, "bank_account")  # only ID numbers are revealed

    entries = terminal.audit.find(terminal.db)[before:]
    assert [(e.action, e.clerk_id, e.subject) for e in entries] == [
        ("view_scan", REVIEWER.id, sid), ("view_scan", REVIEWER.id, sid),
        ("show_id_number", REVIEWER.id, sid), ("show_id_number", FRONT.id, sid)]
    assert entries[0].detail == {"material": "authorisation", "pages": 2}
    assert entries[1].detail == {"material": "identity_document", "pages": 1}
    assert entries[2].detail == {"field": "agent_id_number", "item_code": "retirement_approval"}
    retiree, agent = terminal.audit.person_key(RETIREE_ID), terminal.audit.person_key(AGENT_ID)
    assert [e.person_key for e in entries] == [retiree, retiree, agent, retiree]
    text = raw_trail(terminal)
    for secret in (RETIREE_ID, AGENT_ID, RETIREE_ID[:17], AGENT_ID[:17], RETIREE_ID[:15]):
        assert secret not in text
    assert queries.case_file(terminal, REVIEWER, sid) is not None
    assert terminal.audit.find(terminal.db)[-1].action == "view_case"


READS = {
    "case_file": lambda t, c, sid: queries.case_file(t, c, sid),
    "case_scan": lambda t, c, sid: queries.case_scan(t, c, sid, "authorisation"),
    "full_id_number": lambda t, c, sid: queries.full_id_number(t, c, sid, "id_number"),
}
#: every business post reads cases and may show a number (audited); the auditor reads the trail, not the
#: cases, and the administrator never sees personal data (Art. 26)
MAY_READ = {Role.FRONT_DESK, Role.REVIEW, Role.APPROVAL, Role.SUPERVISOR}
MATRIX = [(role, read) for role in Role for read in READS]


@pytest.mark.parametrize(("role", "read"), MATRIX, ids=[f"{r.value}-{n}" for r, n in MATRIX])
def test_who_may_read_a_case(terminal: Terminal, pages: dict[str, list[Any]], role: Role, read: str) -> None:
    sid = submit(terminal, {"identity_document": pages["identity_document"],
                            "authorisation": pages["authorisation"][:1]})
    add_clerk(terminal.db, "3001", "当事柜员", "actor-pass-1", roles=frozenset({role}))
    actor = usecases.sign_in(terminal, "3001", "actor-pass-1")
    before = [e.action for e in terminal.audit.find(terminal.db)]
    if role in MAY_READ:
        assert READS[read](terminal, actor, sid)
        assert len(terminal.audit.find(terminal.db)) == len(before) + 1
    else:
        with pytest.raises(PermissionDenied) as refused:
            READS[read](terminal, actor, sid)
        assert refused.value.user_message.startswith("柜员 3001 无权")
        assert [e.action for e in terminal.audit.find(terminal.db)] == before  # nothing was read


def test_a_purged_case_says_it_was_purged(terminal: Terminal, pages: dict[str, list[Any]]) -> None:
    sid = submit(terminal, pages)
    with terminal.db.sessions.begin() as s:  # what the retention purge leaves behind (tested in local_db)
        s.execute(text("UPDATE submission SET purged_at = :at, payload = '{}' WHERE id = :id"),
                  {"at": datetime(2027, 1, 6, 2, 0), "id": sid})
    for read in (lambda: queries.case_file(terminal, REVIEWER, sid),
                 lambda: queries.case_scan(terminal, REVIEWER, sid, "authorisation"),
                 lambda: queries.full_id_number(terminal, REVIEWER, sid, "id_number")):
        with pytest.raises(CaseNotFound) as refused:
            read()
        assert "2027-01-06" in refused.value.user_message and "保存期限" in refused.value.user_message
