"""Submissions: saving one with its outbox row, and reading them back for the UI."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from core.errors import StorageError
from local_db.database import Database
from local_db.models import Applicant, Attachment, OutboxEntry, OutboxState, Submission, SubmissionState


@dataclass(frozen=True)
class ApplicantData:
    id_number: str
    name: str
    sex: str | None = None
    birth_date: date | None = None
    phone: str | None = None


@dataclass(frozen=True)
class AttachmentData:
    """A sealed blob (already in the blob store) and which required material it is."""

    material_key: str
    sha256: str
    size: int
    pages: int = 1
    media_type: str = "application/pdf"


@dataclass(frozen=True)
class SubmissionView:
    """A read-only snapshot for the UI and the CLI (no session attached)."""

    id: str
    item_code: str
    state: SubmissionState
    applicant_name: str | None
    applicant_id_number: str | None
    receipt_number: str | None
    last_error: str | None
    created_at: datetime
    accepted_at: datetime | None
    payload: dict[str, Any]
    attachments: tuple[AttachmentData, ...] = ()
    #: the number on the counter's receipt (受理回执)
    counter_receipt_no: str | None = None


def _view(sub: Submission) -> SubmissionView:
    return SubmissionView(
        id=sub.id,
        item_code=sub.item_code,
        state=SubmissionState(sub.state),
        applicant_name=sub.applicant.name if sub.applicant else None,
        applicant_id_number=sub.applicant.id_number if sub.applicant else None,
        receipt_number=sub.receipt_number,
        last_error=sub.last_error,
        created_at=sub.created_at,
        accepted_at=sub.accepted_at,
        payload=dict(sub.payload),
        attachments=tuple(AttachmentData(a.material_key, a.sha256, a.size, a.pages, a.media_type)
                          for a in sub.attachments),
        counter_receipt_no=sub.counter_receipt_no,
    )


def create_submission(
    db: Database,
    *,
    item_code: str,
    form_version: int,
    terminal_id: str,
    clerk_id: str,
    applicant: ApplicantData,
    payload: dict[str, Any],
    submission_id: str | None = None,
    attachments: Sequence[AttachmentData] = (),
    counter_receipt_no: str | None = None,
) -> SubmissionView:
    """Save the submission, its applicant, its attachments and its outbox row in one transaction.

    Either all are on disk when this returns or none is: the sender can never
    find an outbox row without its submission, nor a queued submission that
    nobody will send, nor a submission missing the evidence it was saved with.
    The attachments' blobs are written to the blob store before this is called.
    """
    try:
        return _create(db, item_code, form_version, terminal_id, clerk_id, applicant, payload, submission_id,
                       attachments, counter_receipt_no)
    except SQLAlchemyError as exc:
        raise StorageError(f"saving submission failed: {type(exc).__name__}",
                           user_message="本地保存失败，本笔业务未保存。",
                           hint="请重试；如仍失败，请联系系统管理员。") from exc


def _create(db: Database, item_code: str, form_version: int, terminal_id: str, clerk_id: str,
            applicant: ApplicantData, payload: dict[str, Any], submission_id: str | None,
            attachments: Sequence[AttachmentData], counter_receipt_no: str | None) -> SubmissionView:
    with db.sessions.begin() as s:
        person = s.scalar(select(Applicant).where(Applicant.id_number == applicant.id_number))
        if person is None:
            person = Applicant(id_number=applicant.id_number, name=applicant.name)
            s.add(person)
        person.name = applicant.name
        person.sex = applicant.sex or person.sex
        person.birth_date = applicant.birth_date or person.birth_date
        person.phone = applicant.phone or person.phone
        sub = Submission(
            id=submission_id or str(uuid.uuid4()),
            item_code=item_code,
            form_version=form_version,
            version=1,
            terminal_id=terminal_id,
            clerk_id=clerk_id,
            applicant=person,
            payload=payload,
            state=SubmissionState.QUEUED.value,
            counter_receipt_no=counter_receipt_no,
        )
        s.add(sub)
        for item in attachments:
            sub.attachments.append(Attachment(material_key=item.material_key, media_type=item.media_type,
                                              sha256=item.sha256, size=item.size, pages=item.pages))
        s.flush()
        s.add(OutboxEntry(submission_id=sub.id, state=OutboxState.PENDING.value))
        s.flush()
        return _view(sub)


def get_submission(db: Database, submission_id: str) -> SubmissionView | None:
    with db.sessions() as s:
        sub = s.get(Submission, submission_id)
        return _view(sub) if sub else None


def list_submissions(
    db: Database, *, states: set[SubmissionState] | None = None, limit: int = 200
) -> list[SubmissionView]:
    with db.sessions() as s:
        q = (select(Submission).options(selectinload(Submission.attachments), selectinload(Submission.applicant))
             .order_by(Submission.created_at.desc()).limit(limit))
        if states:
            q = q.where(Submission.state.in_([st.value for st in states]))
        return [_view(sub) for sub in s.scalars(q)]


def pending_count(db: Database) -> int:
    """Submissions saved here that the central system has not yet acknowledged."""
    with db.sessions() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(OutboxEntry)
                .where(OutboxEntry.state != OutboxState.DONE.value)
            )
            or 0
        )
