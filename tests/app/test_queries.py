"""The read side: records filtered and paged (no cap), counts by state, sync status, one case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app import queries
from app.queries import RecordFilter, SubmissionState
from app.terminal import Terminal
from forms.idnumber import check_character
from local_db import syncstate
from local_db.clerks import Role, add_clerk
from local_db.submissions import ApplicantData, AttachmentData, create_submission, save_draft

from .conftest import CLERK


def applicant(n: int) -> ApplicantData:
    body = f"61020219700101{n:03d}"
    return ApplicantData(body + check_character(body), f"申请人{n:03d}")


@pytest.fixture
def terminal(make_terminal: Any) -> Terminal:
    made: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    return made


def test_records_are_paged_without_a_cap_and_filtered(terminal: Terminal) -> None:
    add_clerk(terminal.db, "1002", "另一柜员", "other-pass", roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
    ids = [create_submission(terminal.db, item_code="personal_registration", form_version=3,
                             terminal_id="T", clerk_id="1002" if n % 10 == 0 else CLERK.id, applicant=applicant(n),
                             payload={"n": n}, counter_receipt_no=f"T-20250926-{n:04d}").id
           for n in range(205)]
    draft = save_draft(terminal.db, item_code="personal_registration", form_version=3, terminal_id="T",
                       clerk_id=CLERK.id, payload={"name": "草稿"})

    everything = queries.records(terminal, CLERK, page_size=1000)
    assert everything.total == 206 and len(everything.records) == 206  # no hard cap of 200
    first = queries.records(terminal, CLERK)
    assert (len(first.records), first.total, first.pages) == (200, 206, 2)
    second = queries.records(terminal, CLERK, page=1)
    assert [r.id for r in first.records + second.records] == [r.id for r in everything.records]
    assert queries.records(terminal, CLERK, page=5).records == ()

    queued = queries.records(terminal, CLERK, RecordFilter(states=frozenset({SubmissionState.QUEUED})), page_size=10)
    assert queued.total == 205 and all(r.state is SubmissionState.QUEUED for r in queued.records)
    drafts = queries.records(terminal, CLERK, RecordFilter(states=frozenset({SubmissionState.DRAFT})))
    assert [r.id for r in drafts.records] == [draft.id]
    by_clerk = queries.records(terminal, CLERK, RecordFilter(clerk_id="1002"))
    assert by_clerk.total == 21 and {r.clerk_id for r in by_clerk.records} == {"1002"}
    by_name = queries.records(terminal, CLERK, RecordFilter(text="申请人07"))  # 070-079
    assert sorted(r.applicant_name or "" for r in by_name.records) == [f"申请人{n:03d}" for n in range(70, 80)]
    by_number = queries.records(terminal, CLERK, RecordFilter(text=applicant(42).id_number.lower()))
    assert [r.id for r in by_number.records] == [ids[42]]
    by_receipt = queries.records(terminal, CLERK, RecordFilter(text="0926-0199"))
    assert [r.id for r in by_receipt.records] == [ids[199]]
    assert queries.records(terminal, CLERK, RecordFilter(text="100%")).total == 0  # wildcards are literal
    now = datetime.now(UTC)
    assert queries.records(terminal, CLERK, RecordFilter(since=now - timedelta(hours=1))).total == 206
    assert queries.records(terminal, CLERK, RecordFilter(until=now - timedelta(hours=1))).total == 0
    with pytest.raises(ValueError):
        queries.records(terminal, CLERK, page=-1)


def test_counts_sync_status_and_one_case_with_its_materials(terminal: Terminal) -> None:
    assert queries.sync_status(terminal) == queries.SyncStatus(0, 0, 0, None, None)
    assert terminal.blobs is not None
    ref = terminal.blobs.put(b"%PDF-1.4 scan")
    made = create_submission(terminal.db, item_code="personal_registration", form_version=3, terminal_id="T",
                             clerk_id=CLERK.id, applicant=applicant(1), payload={},
                             attachments=[AttachmentData("identity_document", ref.sha256, ref.size, pages=2)])
    create_submission(terminal.db, item_code="retirement_approval", form_version=1, terminal_id="T",
                      clerk_id=CLERK.id, applicant=applicant(2), payload={}, state=SubmissionState.AWAITING_APPROVAL)
    syncstate.set_values(terminal.db, {syncstate.LAST_SYNC: "2025-09-26T01:30:00+00:00",
                                       syncstate.LAST_ERROR: "未连接中心系统"})
    assert queries.counts_by_state(terminal) == {SubmissionState.QUEUED: 1, SubmissionState.AWAITING_APPROVAL: 1}
    assert queries.sync_status(terminal) == queries.SyncStatus(
        pending=1, awaiting_review=1, returned=0, last_sync=datetime(2025, 9, 26, 1, 30, tzinfo=UTC),
        last_error="未连接中心系统")
    one = queries.submission(terminal, CLERK, made.id, audited=False)
    assert one is not None and one.attachments == (AttachmentData("identity_document", ref.sha256, ref.size, 2),)
    assert queries.submission(terminal, CLERK, "no-such-id", audited=False) is None
