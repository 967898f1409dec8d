"""Cases awaiting review (待复核) at the central system, signed on another terminal of the office or here.

A terminal with no second clerk sends a case as 待复核 (``review.awaiting_review``); it is stored with a
receipt number but as ``awaiting_review``, not accepted for processing. Terminals of the same office (see
``terminal_offices``) list and fetch such cases and sign their missing steps; the central system checks
the step order, that the signer is not the submitter and did not sign another step (``forms.review``),
and records who signed, where and when (and logs it). The last signature makes the case ``accepted``,
with a status event for the terminal that took it, which learns it through its feed. A reviewer may also
return the case (退回) with a reason: it becomes ``returned`` as if the central system had returned it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.errors import NotFound, ReviewRefused
from central.models import ReviewRow, ReviewSignatureRow, SubmissionRow, TerminalOfficeRow, TerminalRow
from central.store import STATUS_ACCEPTED, STATUS_RETURNED, CentralStore, SubmissionRecord
from central.tiers import STATUS_AWAITING_REVIEW, ReviewPolicy
from forms.review import Signer, next_step, sign_refusal

log = logging.getLogger(__name__)

#: signatures are listed in signing order: 复核 before 审批
STEP_ORDER = {"review": 0, "approval": 1}
#: the signer's "terminal" when a reviewer of the central system itself signs (``central review sign``)
CENTRAL_SIGNER = "central"


@dataclass(frozen=True)
class ReviewCase:
    """A case awaiting review (or just decided), with its review as the central system holds it."""

    record: SubmissionRecord
    tier: str
    reasons: list[str]
    #: step, clerk_id, terminal_id, signed_at; in signing order
    signatures: list[dict[str, str]]

    @property
    def next_step(self) -> str | None:
        return next_step(self.tier, [Signer(s["step"], s["clerk_id"]) for s in self.signatures])


class ReviewDesk:
    """Listing, fetching, signing and returning cases awaiting review, over the central store."""

    def __init__(self, store: CentralStore, policy: ReviewPolicy) -> None:
        self._store = store
        self.policy = policy

    # -- the office ------------------------------------------------------------------------------
    @staticmethod
    def _office(session: Session, terminal_id: str) -> str:
        row = session.get(TerminalOfficeRow, terminal_id)
        return row.office if row is not None else ""

    def _office_terminals(self, session: Session, terminal_id: str) -> list[str]:
        office = self._office(session, terminal_id)
        offices = {row.terminal_id: row.office for row in session.scalars(select(TerminalOfficeRow))}
        return [t for t in session.scalars(select(TerminalRow.terminal_id)) if offices.get(t, "") == office]

    def set_office(self, terminal_id: str, office: str) -> None:
        """Put a registered terminal in ``office`` ('' : the unnamed one)."""
        with self._store.writing() as session:
            if session.get(TerminalRow, terminal_id) is None:
                raise NotFound(f"no terminal {terminal_id}")
            row = session.get(TerminalOfficeRow, terminal_id)
            if row is None:
                session.add(TerminalOfficeRow(terminal_id=terminal_id, office=office.strip()))
            else:
                row.office = office.strip()

    # -- reading -----------------------------------------------------------------------------------
    def _case(self, session: Session, row: SubmissionRow) -> ReviewCase:
        review = session.get(ReviewRow, row.id)
        signatures = sorted(session.scalars(select(ReviewSignatureRow).where(
            ReviewSignatureRow.submission_id == row.id)), key=lambda g: (STEP_ORDER.get(g.step, 9), g.recorded_at))
        return ReviewCase(SubmissionRecord.from_row(row), review.tier if review else "none",
                          json.loads(review.reasons) if review else [],
                          [{"step": g.step, "clerk_id": g.clerk_id, "terminal_id": g.terminal_id,
                            "signed_at": g.signed_at} for g in signatures])

    def awaiting(self, terminal_id: str | None = None) -> list[ReviewCase]:
        """Cases awaiting review, oldest first; with ``terminal_id``, those of its office only."""
        with self._store.reading() as session:
            query = select(SubmissionRow).where(SubmissionRow.status == STATUS_AWAITING_REVIEW)
            if terminal_id is not None:
                query = query.where(SubmissionRow.terminal_id.in_(self._office_terminals(session, terminal_id)))
            rows = session.scalars(query.order_by(SubmissionRow.received_at, SubmissionRow.receipt_number)).all()
            return [self._case(session, row) for row in rows]

    def case(self, submission_id: str, terminal_id: str | None = None) -> ReviewCase:
        """One case awaiting review; ``NotFound`` if there is none such (or it is another office's)."""
        with self._store.reading() as session:
            return self._case(session, self._awaiting_row(session, submission_id, terminal_id))

    def _awaiting_row(self, session: Session, submission_id: str, terminal_id: str | None,
                      *, lock: bool = False) -> SubmissionRow:
        row = session.get(SubmissionRow, submission_id, with_for_update=lock)
        if (row is None or row.status != STATUS_AWAITING_REVIEW or
                (terminal_id is not None and row.terminal_id not in self._office_terminals(session, terminal_id))):
            raise NotFound(f"no case {submission_id} awaiting review for this terminal", submission_id=submission_id)
        return row

    def review_of(self, submission_id: str) -> dict[str, Any]:
        """A stored submission's review (tier, reasons, signatures), whatever its status."""
        with self._store.reading() as session:
            row = session.get(SubmissionRow, submission_id)
            if row is None:
                raise NotFound(f"no submission {submission_id}", submission_id=submission_id)
            case = self._case(session, row)
        return {"tier": case.tier, "reasons": case.reasons, "signatures": case.signatures}

    def applicant(self, case: ReviewCase) -> tuple[str | None, str | None]:
        return self.policy.applicant(case.record.item_code, case.record.payload)

    # -- deciding ----------------------------------------------------------------------------------
    def sign(self, submission_id: str, step: str, clerk_id: str, signer_terminal: str, signed_at: str, *,
             office_of: str | None = None) -> ReviewCase:
        """``clerk_id`` (whose password and role ``signer_terminal`` checked) signs ``step``.

        ``ReviewRefused`` (Chinese reason) unless it is the case's next step and the clerk neither took the
        case nor signed another step; the same signature again is answered as it stands (a lost answer).
        The last step accepts the case, with a status event for its terminal.
        """
        with self._store.writing() as session:
            existing = session.get(ReviewSignatureRow, (submission_id, step))
            if existing is not None and existing.clerk_id == clerk_id:
                row = session.get(SubmissionRow, submission_id)
                if row is not None and (office_of is None
                                        or row.terminal_id in self._office_terminals(session, office_of)):
                    return self._case(session, row)
            row = self._awaiting_row(session, submission_id, office_of, lock=True)
            case = self._case(session, row)
            signed = [Signer(s["step"], s["clerk_id"]) for s in case.signatures]
            refusal = sign_refusal(case.tier, row.clerk_id, signed, step, clerk_id)
            if refusal is not None:
                log.warning("signature on %s refused: %s by clerk %s on %s", submission_id, step, clerk_id,
                            signer_terminal)
                raise ReviewRefused(refusal, submission_id=submission_id)
            session.add(ReviewSignatureRow(submission_id=submission_id, step=step, clerk_id=clerk_id,
                                           terminal_id=signer_terminal, signed_at=signed_at,
                                           recorded_at=self._store.now().isoformat(timespec="milliseconds")))
            if next_step(case.tier, [*signed, Signer(step, clerk_id)]) is None:
                row.status = STATUS_ACCEPTED
                session.flush()
                self._store.record_event(session, row)
            session.flush()
            log.info("submission %s: %s signed by clerk %s on %s%s", submission_id, step, clerk_id,
                     signer_terminal, "; accepted" if row.status == STATUS_ACCEPTED else "")
            return self._case(session, row)

    def return_case(self, submission_id: str, clerk_id: str, signer_terminal: str, reason: str, *,
                    office_of: str | None = None) -> ReviewCase:
        """A reviewer returns the case (退回) with a reason; the submitter cannot return their own."""
        reason = reason.strip()
        if not reason:
            raise ReviewRefused("退回须说明原因。", submission_id=submission_id)
        with self._store.writing() as session:
            row = self._awaiting_row(session, submission_id, office_of, lock=True)
            if row.clerk_id == clerk_id:
                raise ReviewRefused("不能退回本人受理的业务。", submission_id=submission_id)
            row.status = STATUS_RETURNED
            row.reason = reason
            session.flush()
            self._store.record_event(session, row)
            log.info("submission %s returned in review by clerk %s on %s", submission_id, clerk_id, signer_terminal)
            return self._case(session, row)


def case_summary(desk: ReviewDesk, case: ReviewCase) -> dict[str, Any]:
    """The fields of ``protocol.models.ReviewSummaryOut`` for ``case``."""
    record = case.record
    name, masked = desk.applicant(case)
    return {
        "submission_id": record.id, "case_id": record.case_id, "case_version": record.case_version,
        "item_code": record.item_code, "form_version": record.version, "terminal_id": record.terminal_id,
        "clerk_id": record.clerk_id, "receipt_number": record.receipt_number,
        "counter_receipt_no": record.counter_receipt_no, "received_at": record.received_at,
        "status": record.status, "tier": case.tier, "reasons": case.reasons, "signatures": case.signatures,
        "next_step": case.next_step, "applicant_name": name, "applicant_id_masked": masked,
    }
