"""Submissions: saving one with its outbox row, and reading them back for the UI."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from core.errors import StateError, StorageError
from local_db.database import Database
from local_db.models import Applicant, Attachment, OutboxEntry, OutboxState, Submission, SubmissionState, utcnow
from local_db.outbox import LOCAL_ONLY_MATERIALS, enqueue
from protocol.body import AttachmentRef, ReviewRef, SignatureRef, submission_body


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
class SignatureData:
    """One signed review step (复核 ``review`` / 审批 ``approval``): who, when, on which terminal."""

    step: str
    clerk_id: str
    signed_at: datetime
    terminal_id: str


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
    case_id: str | None = None
    case_version: int = 1
    #: why the central system returned it (its note, on approval)
    status_reason: str | None = None
    clerk_id: str | None = None
    approved_by: str | None = None
    form_version: int = 1
    #: when the case was closed (by the central system, or this version by its correction)
    closed_at: datetime | None = None
    #: when its personal data and scans were purged after the retention period (``local_db.retention``)
    purged_at: datetime | None = None

    @property
    def purged(self) -> bool:
        """Its personal content is gone: only numbers, item, dates and state remain."""
        return self.purged_at is not None
    #: the review tier computed when it was submitted (None: before tiers were stored), and why raised
    review_tier: str | None = None
    review_reasons: tuple[str, ...] = ()
    signatures: tuple[SignatureData, ...] = ()
    #: the central system refused to take it (its outbox row failed): it needs a person
    send_failed: bool = False
    #: the legal due date counted at acceptance; provisional (预计) when counted without the year's schedule
    due_date: date | None = None
    due_provisional: bool = False
    time_limit_days: int | None = None
    waiver_count: int = 0
    #: when the central system's answer (returned or closed) came
    answered_at: datetime | None = None
    #: taken at the applicant's home (上门服务), not at a window (issue 19)
    home_visit: bool = False


#: writes the audit trail's entries for a change inside the change's own transaction (``local_db.audit``
#: ``AuditTrail.record_in``): the session, and the submission as it will be committed
AuditHook = Callable[[Session, SubmissionView], object]


def _audited(s: Session, sub: Submission, audit: AuditHook | None) -> SubmissionView:
    s.flush()
    view = _view(sub)
    if audit is not None:
        audit(s, view)
    return view


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
                          for a in sub.attachments if a.purged_at is None),  # a purged scan is gone
        counter_receipt_no=sub.counter_receipt_no,
        case_id=sub.case_id,
        case_version=sub.case_version,
        status_reason=sub.status_reason,
        clerk_id=sub.clerk_id,
        approved_by=sub.approved_by,
        form_version=sub.form_version,
        closed_at=sub.closed_at,
        purged_at=sub.purged_at,
        review_tier=sub.review_tier,
        review_reasons=tuple(sub.review_reasons or ()),
        signatures=tuple(SignatureData(g.step, g.clerk_id, g.signed_at, g.terminal_id) for g in sub.signatures),
        send_failed=sub.outbox is not None and sub.outbox.state == OutboxState.FAILED.value,
        due_date=sub.due_date,
        due_provisional=bool(sub.due_provisional),
        time_limit_days=sub.time_limit_days,
        waiver_count=sub.waiver_count or 0,
        answered_at=sub.answered_at,
        home_visit=bool(sub.home_visit),
    )


@dataclass(frozen=True)
class DueData:
    """The due date a submission is held to: counted from ``time_limit_days`` working days at acceptance,
    ``provisional`` when the year's holiday schedule was not yet published (``forms.rules.deadlines``)."""

    due_date: date | None
    provisional: bool
    time_limit_days: int | None


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
    state: SubmissionState = SubmissionState.QUEUED,
    corrects: str | None = None,
    replaces_draft: str | None = None,
    audit: AuditHook | None = None,
    review_tier: str | None = None,
    review_reasons: Sequence[str] = (),
    due: DueData | None = None,
    waiver_count: int = 0,
    created_at: datetime | None = None,
    home_visit: bool = False,
) -> SubmissionView:
    """Save the submission, its applicant, its attachments and (when queued) its outbox row in one transaction.

    Either all are on disk when this returns or none is: the sender can never
    find an outbox row without its submission, nor a queued submission that
    nobody will send, nor a submission missing the evidence it was saved with.
    The attachments' blobs are written to the blob store before this is called.
    A submission that awaits a second clerk's approval (Art. 37) gets its outbox
    row only when approved. ``corrects`` names a returned submission this one
    corrects: the new one is the next version of its case, and the returned one
    is closed in the same transaction (so a case is corrected once). ``audit`` writes the audit
    trail's entries in this transaction too: the submission and its entries are saved together or not.
    ``review_tier`` and ``review_reasons`` are the tier computed from the values, kept with the case;
    ``due`` the legal due date it is held to, ``waiver_count`` how many required materials were waived;
    ``created_at`` the time of acceptance printed on the receipt (default now), from which the due date counts;
    ``home_visit`` that it was taken at the applicant's home (上门服务), sent with it.
    """
    if state not in (SubmissionState.QUEUED, SubmissionState.AWAITING_APPROVAL):
        raise ValueError(f"a new submission is queued or awaits approval, not {state}")
    try:
        return _create(db, item_code, form_version, terminal_id, clerk_id, applicant, payload, submission_id,
                       attachments, counter_receipt_no, state, corrects, replaces_draft, audit, review_tier,
                       review_reasons, due, waiver_count, created_at, home_visit)
    except SQLAlchemyError as exc:
        raise StorageError(f"saving submission failed: {type(exc).__name__}",
                           user_message="本地保存失败，本笔业务未保存。",
                           hint="请重试；如仍失败，请联系系统管理员。") from exc


def _create(db: Database, item_code: str, form_version: int, terminal_id: str, clerk_id: str,
            applicant: ApplicantData, payload: dict[str, Any], submission_id: str | None,
            attachments: Sequence[AttachmentData], counter_receipt_no: str | None, state: SubmissionState,
            corrects: str | None, replaces_draft: str | None, audit: AuditHook | None, review_tier: str | None,
            review_reasons: Sequence[str], due: DueData | None, waiver_count: int,
            created_at: datetime | None, home_visit: bool = False) -> SubmissionView:
    with db.sessions.begin() as s:
        if replaces_draft is not None:  # the draft becomes this submission: gone in the same transaction
            draft = s.get(Submission, replaces_draft)
            if draft is not None and draft.state == SubmissionState.DRAFT.value:
                _drop_attachments(s, draft)
                s.delete(draft)
        case_id, case_version = None, 1
        if corrects is not None:
            previous = s.get(Submission, corrects)
            if previous is None or previous.state != SubmissionState.RETURNED.value:
                raise StateError(f"submission {corrects} is not returned",
                                 user_message="只有被退回的业务才能更正后重新提交，该笔业务可能已被更正。")
            case_id, case_version = previous.case_id or previous.id, previous.case_version + 1
            previous.state = SubmissionState.CLOSED.value
            previous.closed_at = utcnow()
        person = s.scalar(select(Applicant).where(Applicant.id_number == applicant.id_number))
        if person is None:
            person = Applicant(id_number=applicant.id_number, name=applicant.name)
            s.add(person)
        person.name = applicant.name
        person.sex = applicant.sex or person.sex
        person.birth_date = applicant.birth_date or person.birth_date
        person.phone = applicant.phone or person.phone
        new_id = submission_id or str(uuid.uuid4())
        sub = Submission(
            id=new_id,
            case_id=case_id or new_id,
            case_version=case_version,
            item_code=item_code,
            form_version=form_version,
            version=1,
            terminal_id=terminal_id,
            clerk_id=clerk_id,
            applicant=person,
            payload=payload,
            state=state.value,
            counter_receipt_no=counter_receipt_no,
            review_tier=review_tier,
            review_reasons=list(review_reasons) if review_reasons else None,
            due_date=due.due_date if due else None,
            due_provisional=due.provisional if due else False,
            time_limit_days=due.time_limit_days if due else None,
            waiver_count=waiver_count,
            created_at=created_at or utcnow(),
            home_visit=home_visit,
        )
        s.add(sub)
        for item in attachments:
            sub.attachments.append(Attachment(material_key=item.material_key, media_type=item.media_type,
                                              sha256=item.sha256, size=item.size, pages=item.pages))
        s.flush()
        if state is SubmissionState.QUEUED:
            _queue(s, sub)
        return _audited(s, sub, audit)


def save_draft(db: Database, *, item_code: str, form_version: int, terminal_id: str, clerk_id: str,
               payload: dict[str, Any], draft_id: str | None = None,
               attachments: Sequence[AttachmentData] | None = None,
               audit: AuditHook | None = None, home_visit: bool | None = None) -> SubmissionView:
    """Keep what the clerk typed so far (no checks, no receipt, nothing sent), to finish later.

    Saving again updates the same draft; a draft that was submitted meanwhile is not touched.
    ``attachments`` (sealed in the blob store before this is called) replace the draft's own, so a
    draft keeps the scans taken so far; None leaves them as they are. ``audit`` writes the audit
    trail's entries in the same transaction. ``home_visit`` marks it as begun at the applicant's home
    (None: as it was).
    """
    with db.sessions.begin() as s:
        draft = s.get(Submission, draft_id) if draft_id else None
        if draft is not None and draft.state != SubmissionState.DRAFT.value:
            raise StateError(f"submission {draft_id} is no longer a draft",
                             user_message="该草稿已提交，不能再暂存。")
        if draft is None:
            new_id = draft_id or str(uuid.uuid4())
            draft = Submission(id=new_id, case_id=new_id, case_version=1, item_code=item_code,
                               form_version=form_version, version=1, terminal_id=terminal_id, clerk_id=clerk_id,
                               payload=payload, state=SubmissionState.DRAFT.value)
            s.add(draft)
        draft.payload = payload
        draft.purged_at = None  # saved again after a purge: it holds content again
        draft.form_version = form_version
        draft.clerk_id = clerk_id
        if home_visit is not None:
            draft.home_visit = home_visit
        if attachments is not None:
            _drop_attachments(s, draft)
            for item in attachments:
                draft.attachments.append(Attachment(material_key=item.material_key, media_type=item.media_type,
                                                    sha256=item.sha256, size=item.size, pages=item.pages))
        number = str(payload.get("id_number", "")).strip().upper()
        draft.applicant = s.scalar(select(Applicant).where(Applicant.id_number == number)) if number else None
        return _audited(s, draft, audit)


def _drop_attachments(s: Session, draft: Submission) -> None:
    """A draft's attachment rows go (their sealed blobs stay: a submission made from it refers to them)."""
    for attachment in list(draft.attachments):
        draft.attachments.remove(attachment)
        s.delete(attachment)
    s.flush()


def delete_draft(db: Database, draft_id: str, audit: AuditHook | None = None) -> bool:
    """Delete a draft (nothing else); whether there was one. ``audit`` records it in the same transaction."""
    with db.sessions.begin() as s:
        draft = s.get(Submission, draft_id)
        if draft is None or draft.state != SubmissionState.DRAFT.value:
            return False
        if audit is not None:
            audit(s, _view(draft))
        _drop_attachments(s, draft)
        s.delete(draft)
        return True


def _queue(s: Session, sub: Submission, *, awaiting_review: bool = False) -> None:
    """Queue a submission for sending: its outbox row, with the request body fixed now from its columns.

    ``awaiting_review``: it goes as 待复核, to be signed at the central system or on another terminal.
    """
    s.flush()  # attachments get their ids, so their order in the body is the order they were added
    attachments = [AttachmentRef(a.material_key, a.sha256, a.size, a.media_type, a.pages)
                   for a in sorted(sub.attachments, key=lambda a: a.id or 0)
                   if a.material_key not in LOCAL_ONLY_MATERIALS]
    enqueue(s, sub.id, submission_body(
        submission_id=sub.id, item_code=sub.item_code, form_version=sub.form_version, terminal_id=sub.terminal_id,
        clerk_id=sub.clerk_id, created_at=sub.created_at, payload=sub.payload, case_id=sub.case_id or sub.id,
        case_version=sub.case_version, attachments=attachments, counter_receipt_no=sub.counter_receipt_no,
        review=_review(sub, awaiting_review), home_visit=bool(sub.home_visit)))


def _review(sub: Submission, awaiting_review: bool) -> ReviewRef | None:
    """The body's ``review``: none for a case without a tier (its body stays as before tiers)."""
    tier = sub.review_tier or ("review" if sub.approved_by else "none")
    if tier == "none" and not sub.signatures:
        return None
    signatures = [SignatureRef(g.step, g.clerk_id, g.terminal_id, g.signed_at)
                  for g in sorted(sub.signatures, key=lambda g: (g.signed_at, g.step != "review"))]
    return ReviewRef(tier, tuple(sub.review_reasons or ()), tuple(signatures), awaiting_review)


def get_submission(db: Database, submission_id: str) -> SubmissionView | None:
    with db.sessions() as s:
        sub = s.get(Submission, submission_id)
        return _view(sub) if sub else None


def list_submissions(
    db: Database, *, states: set[SubmissionState] | None = None, limit: int = 200
) -> list[SubmissionView]:
    with db.sessions() as s:
        q = (select(Submission).options(selectinload(Submission.attachments), selectinload(Submission.applicant),
                                        selectinload(Submission.signatures), selectinload(Submission.outbox))
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


@dataclass(frozen=True)
class SubmissionQuery:
    """Which submissions to read: every criterion given must hold (None: not filtered on it)."""

    states: frozenset[SubmissionState] | None = None
    #: part of the applicant's name or of a receipt number (the counter's or the central system's),
    #: or an applicant's full ID number
    text: str | None = None
    #: received on or after / before this moment
    since: datetime | None = None
    until: datetime | None = None
    clerk_id: str | None = None
    #: part of the applicant's name
    name: str | None = None
    #: the applicant's ID number, whole or its first or last characters (the caller sets a minimum length)
    id_number: str | None = None
    #: part of a receipt number, the counter's or the central system's
    receipt_no: str | None = None
    #: this item of the catalogue
    item_code: str | None = None


def _like(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its wildcards taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def find_submissions(db: Database, query: SubmissionQuery, *, offset: int = 0,
                     limit: int | None = None) -> tuple[list[SubmissionView], int]:
    """One page of the submissions matching ``query``, newest first, and how many match in all.

    Every criterion is SQL (the database file is encrypted whole, so a LIKE over ID numbers reads
    nothing that is not already inside it); the count and the page are two statements over the same
    conditions.
    """
    conditions: list[ColumnElement[bool]] = []
    if query.states:
        conditions.append(Submission.state.in_([st.value for st in query.states]))
    if query.clerk_id:
        conditions.append(Submission.clerk_id == query.clerk_id)
    if query.item_code:
        conditions.append(Submission.item_code == query.item_code)
    if query.since is not None:
        conditions.append(Submission.created_at >= query.since)
    if query.until is not None:
        conditions.append(Submission.created_at < query.until)
    text = (query.text or "").strip()
    if text:
        pattern = _like(text)
        conditions.append(or_(
            Submission.applicant.has(or_(Applicant.name.like(pattern, escape="\\"),
                                         Applicant.id_number == text.upper())),
            Submission.counter_receipt_no.like(pattern, escape="\\"),
            Submission.receipt_number.like(pattern, escape="\\"),
        ))
    name = (query.name or "").strip()
    if name:
        conditions.append(Submission.applicant.has(Applicant.name.like(_like(name), escape="\\")))
    number = (query.id_number or "").strip().upper()
    if number:  # the whole number, or its first or last characters (what a clerk reads off a card or receipt)
        escaped = _like(number)[1:-1]
        conditions.append(Submission.applicant.has(or_(Applicant.id_number.like(escaped + "%", escape="\\"),
                                                       Applicant.id_number.like("%" + escaped, escape="\\"))))
    receipt = (query.receipt_no or "").strip()
    if receipt:
        conditions.append(or_(Submission.counter_receipt_no.like(_like(receipt), escape="\\"),
                              Submission.receipt_number.like(_like(receipt), escape="\\")))
    with db.sessions() as s:
        total = int(s.scalar(select(func.count()).select_from(Submission).where(*conditions)) or 0)
        q = (select(Submission).where(*conditions)
             .options(selectinload(Submission.attachments), selectinload(Submission.applicant),
                      selectinload(Submission.signatures), selectinload(Submission.outbox))
             .order_by(Submission.created_at.desc()).offset(offset))
        if limit is not None:
            q = q.limit(limit)
        return [_view(sub) for sub in s.scalars(q)], total
