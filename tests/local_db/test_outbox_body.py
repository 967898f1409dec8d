"""The outbox stores the request body it is given and hands it back as stored.

A row's body is fixed when the submission is queued: what goes on the wire at every resend is that
text, whoever built it (this release or an older one), so the server never sees "same id, other body"
because of us.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import update

from local_db import outbox
from local_db.clerks import Role, add_clerk
from local_db.database import Database, open_database
from local_db.models import OutboxEntry, Submission, SubmissionState
from local_db.review import sign_submission
from local_db.submissions import ApplicantData, AttachmentData, create_submission
from protocol.body import QueuedBody, submission_batch_body
from protocol.canonical import canonical_json

KEY = bytes(range(32))
SHA_A = "a" * 64
SHA_B = "b" * 64


def _db(tmp_path: Path) -> Database:
    db = open_database(tmp_path / "t.sqlite3", KEY)
    add_clerk(db, "1001", "王柜员", "secret-pass", roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
    add_clerk(db, "1002", "李柜员", "secret-pass", roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
    add_clerk(db, "1003", "赵柜员", "secret-pass", roles=frozenset({Role.APPROVAL}))
    return db


def test_the_body_keeps_the_shape_earlier_releases_sent(tmp_path: Path) -> None:
    """Built from the stored columns: the fields, their order of attachments, the local-only receipt
    left out, the counter receipt number, and the review (tier, reasons, both signatures in signing
    order), all in the one canonical text."""
    db = _db(tmp_path)
    view = create_submission(
        db, item_code="retirement_approval", form_version=4, terminal_id="T1", clerk_id="1001",
        applicant=ApplicantData(id_number="11010519491231002X", name="张三"),
        payload={"name": "张三", "id_number": "11010519491231002X", "amount": 1.5},
        attachments=[AttachmentData("identity_document", SHA_B, 20, pages=2),
                     AttachmentData("_receipt", "c" * 64, 30),
                     AttachmentData("application_form", SHA_A, 10, media_type="image/jpeg")],
        counter_receipt_no="T1-20261206-0001", state=SubmissionState.AWAITING_APPROVAL,
        review_tier="review_approval", review_reasons=["退休待遇核准，需复核并审批"])
    first, second = datetime(2026, 12, 6, 1, 0, tzinfo=UTC), datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
    sign_submission(db, view.id, "review", "1002", "T1", now=first)
    assert outbox.claim_batch(db, limit=10) == []  # half-signed: nothing to send yet
    sign_submission(db, view.id, "approval", "1003", "T2", now=second)
    with db.sessions() as s:
        stored = s.query(OutboxEntry).filter_by(submission_id=view.id).one()
        created_at = s.get(Submission, view.id).created_at  # type: ignore[union-attr]
        text = stored.body
    expected = {
        "id": view.id, "item_code": "retirement_approval", "version": 4, "terminal_id": "T1", "clerk_id": "1001",
        "created_at": created_at.isoformat(),
        "payload": {"name": "张三", "id_number": "11010519491231002X", "amount": 1.5},
        "case_id": view.id, "case_version": 1,
        "attachments": [
            {"material_key": "identity_document", "sha256": SHA_B, "size": 20, "media_type": "application/pdf",
             "pages": 2},
            {"material_key": "application_form", "sha256": SHA_A, "size": 10, "media_type": "image/jpeg",
             "pages": 1},
        ],
        "counter_receipt_no": "T1-20261206-0001",
        "review": {"tier": "review_approval", "reasons": ["退休待遇核准，需复核并审批"], "signatures": [
            {"step": "review", "clerk_id": "1002", "terminal_id": "T1", "signed_at": first.isoformat()},
            {"step": "approval", "clerk_id": "1003", "terminal_id": "T2", "signed_at": second.isoformat()}]},
    }
    assert text == canonical_json(expected)
    db.close()


def test_a_body_queued_by_an_older_release_goes_out_as_stored(tmp_path: Path) -> None:
    """Whatever text a row holds is what is claimed and put in the batch envelope, byte for byte
    (spacing, escapes and key order of an older serialiser included)."""
    db = _db(tmp_path)
    view = create_submission(
        db, item_code="personal_registration", form_version=1, terminal_id="T1", clerk_id="1001",
        applicant=ApplicantData(id_number="11010519491231002X", name="张三"), payload={"name": "张三"})
    older = ('{"id": "' + view.id + '", "payload": {"name": "\\u5f20\\u4e09"}, "item_code": '
             '"personal_registration", "version": 1, "terminal_id": "T1", "clerk_id": "1001", '
             '"created_at": "2024-01-02T03:04:05+00:00"}')
    with db.sessions.begin() as s:
        s.execute(update(OutboxEntry).where(OutboxEntry.submission_id == view.id).values(body=older))
    [item] = outbox.claim_batch(db, limit=10)
    assert item.body_text == older
    assert item.body["payload"] == {"name": "张三"}
    envelope = submission_batch_body([QueuedBody(item.submission_id, item.body_text)])
    assert envelope == ('{"submissions":[' + older + "]}").encode("utf-8")
    db.close()


def test_a_row_without_a_stored_body_gets_the_oldest_shape(tmp_path: Path) -> None:
    """Rows queued before bodies were stored: rebuilt from the columns those releases sent."""
    db = _db(tmp_path)
    view = create_submission(
        db, item_code="personal_registration", form_version=3, terminal_id="T1", clerk_id="1001",
        applicant=ApplicantData(id_number="11010519491231002X", name="张三"), payload={"name": "张三"})
    with db.sessions.begin() as s:
        s.execute(update(OutboxEntry).where(OutboxEntry.submission_id == view.id).values(body=None))
        created_at = s.get(Submission, view.id).created_at  # type: ignore[union-attr]
    [item] = outbox.claim_batch(db, limit=10)
    assert item.body_text == canonical_json({
        "id": view.id, "item_code": "personal_registration", "version": 1, "terminal_id": "T1",
        "clerk_id": "1001", "created_at": created_at.isoformat(), "payload": {"name": "张三"}})
    db.close()
