"""Reviewing, on this terminal, cases another terminal of the office sent to the central system as 待复核.

A one-clerk terminal sends its case awaiting review to the central system (``approval.send_for_review``);
a clerk here lists those cases, opens one whole (fields, where each value came from, waivers, the
materials' scans) and signs its next step, or returns it with a reason. The password is checked here
(the sign-in's lockout and trail), and so are the role the step needs and that the signer did not take
the case nor sign its other step; the central system checks the latter again, and records who signed.
Every opening of a case or a scan is on this terminal's trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.permissions import Permission, PermissionDenied, allowed, require
from app.terminal import Terminal
from app.usecases.approval import STEP_PERMISSIONS, verify_signer
from core.errors import ConfigError, StateError
from forms.review import STEP_LABELS, Signer, sign_refusal
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import ClerkInfo
from protocol.models import ReviewCaseOut, ReviewReturnIn, ReviewSignIn, ReviewSummaryOut
from sync.client import CentralClient

__all__ = ["RemoteCase", "RemoteMaterial", "list_remote_reviews", "open_remote_review", "remote_material",
           "return_remote_review", "sign_remote_review"]


@dataclass(frozen=True)
class RemoteSignature:
    step: str
    clerk_id: str
    terminal_id: str
    signed_at: str


@dataclass(frozen=True)
class RemoteMaterial:
    material_key: str
    sha256: str
    size: int
    media_type: str
    pages: int


@dataclass(frozen=True)
class RemoteCase:
    """A case awaiting review at the central system (as listed; ``values`` and ``materials`` when opened)."""

    submission_id: str
    item_code: str
    form_version: int
    terminal_id: str
    clerk_id: str
    receipt_number: str
    counter_receipt_no: str | None
    received_at: str
    status: str
    tier: str
    reasons: tuple[str, ...]
    signatures: tuple[RemoteSignature, ...]
    next_step: str | None
    applicant_name: str | None
    applicant_id_masked: str | None
    #: every field, with ``_provenance`` and ``_waivers`` (personal data: only when opened)
    values: dict[str, Any] = field(default_factory=dict)
    materials: tuple[RemoteMaterial, ...] = ()


def _case(out: ReviewSummaryOut) -> RemoteCase:
    values: dict[str, Any] = {}
    materials: tuple[RemoteMaterial, ...] = ()
    if isinstance(out, ReviewCaseOut):
        values = dict(out.payload)
        materials = tuple(RemoteMaterial(a.material_key, a.sha256, a.size, a.media_type, a.pages)
                          for a in out.attachments)
    return RemoteCase(out.submission_id, out.item_code, out.form_version, out.terminal_id, out.clerk_id,
                      out.receipt_number, out.counter_receipt_no, out.received_at, out.status, out.tier,
                      tuple(out.reasons), tuple(RemoteSignature(g.step, g.clerk_id, g.terminal_id, g.signed_at)
                                                for g in out.signatures),
                      out.next_step, out.applicant_name, out.applicant_id_masked, values, materials)


def _client(terminal: Terminal) -> CentralClient:
    if terminal.client is None:
        raise ConfigError("no central client", user_message="本终端未连接中心系统，无法办理他机送审的业务。",
                          hint="请联系系统管理员登记本终端。")
    return terminal.client


def _reviewer(clerk: ClerkInfo) -> None:
    """Only clerks who can sign a step (复核 or 审批) see other terminals' cases."""
    if not (allowed(clerk, Permission.APPROVE) or allowed(clerk, Permission.FINAL_APPROVE)):
        raise PermissionDenied(clerk, Permission.APPROVE)


def _id_number(terminal: Terminal, case: RemoteCase) -> str | None:
    """The applicant's ID number (for the trail's person key), from the form's identity field."""
    try:
        id_field = terminal.reference.form(case.item_code).identity_field("id_number")
    except ConfigError:  # a form this terminal does not know: the trail keeps the case without a person key
        return None
    value = case.values.get(id_field.key) if id_field is not None else None
    return value if isinstance(value, str) else None


def list_remote_reviews(terminal: Terminal, clerk: ClerkInfo) -> list[RemoteCase]:
    """The office's cases awaiting review at the central system (names and masked numbers only)."""
    _reviewer(clerk)
    return [_case(out) for out in _client(terminal).reviews().cases]


def open_remote_review(terminal: Terminal, clerk: ClerkInfo, submission_id: str) -> RemoteCase:
    """One case whole, for checking before signing; the opening is on the trail."""
    _reviewer(clerk)
    case = _case(_client(terminal).review_case(submission_id))
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.VIEW_CASE, clerk.id, submission_id,
                                                  _id_number(terminal, case),
                                                  {"item_code": case.item_code, "remote": True,
                                                   "terminal": case.terminal_id}))
    return case


def remote_material(terminal: Terminal, clerk: ClerkInfo, case: RemoteCase, sha256: str) -> bytes:
    """A material's scan of an opened case, fetched from the central system; the opening is on the trail."""
    _reviewer(clerk)
    data = _client(terminal).review_blob(case.submission_id, sha256)
    key = next((m.material_key for m in case.materials if m.sha256 == sha256), "")
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.VIEW_SCAN, clerk.id, case.submission_id,
                                                  _id_number(terminal, case), {"material": key, "remote": True}))
    return data


def sign_remote_review(terminal: Terminal, signer_id: str, password: str, submission_id: str, step: str, *,
                       now: datetime | None = None) -> RemoteCase:
    """A clerk of this terminal signs ``step`` of a case awaiting review at the central system.

    Checked here as on the case's own terminal: the password (lockout, trail), the step's permission, that
    ``step`` is the one due, and that the signer neither took the case nor signed its other step; then
    checked again and recorded by the central system. The answer is the case as it stands after (status
    ``accepted`` once every step is signed).
    """
    signer = verify_signer(terminal, signer_id, password, submission_id, now=now)
    require(signer, STEP_PERMISSIONS.get(step, Permission.APPROVE))
    client = _client(terminal)
    case = _case(client.review_case(submission_id))
    signed = [Signer(g.step, g.clerk_id) for g in case.signatures]
    refusal = sign_refusal(case.tier, case.clerk_id, signed, step, signer.id)
    if refusal is not None:
        raise StateError(f"{signer.id} may not sign {step} of {submission_id}", user_message=refusal)
    at = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    signature = ReviewSignIn.model_validate({"step": step, "clerk_id": signer.id, "signed_at": at})
    after = _case(client.sign_review(submission_id, signature))
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.APPROVE, signer.id, submission_id,
                                                  _id_number(terminal, case),
                                                  {"item_code": case.item_code, "submitted_by": case.clerk_id,
                                                   "step": step, "tier": case.tier, "remote": True,
                                                   "terminal": case.terminal_id, "status": after.status}))
    return after


def return_remote_review(terminal: Terminal, clerk_id: str, password: str, submission_id: str, reason: str, *,
                         now: datetime | None = None) -> RemoteCase:
    """A reviewer of this terminal returns a case awaiting review (退回) with a reason, signing with their password."""
    clerk = verify_signer(terminal, clerk_id, password, submission_id, now=now)
    _reviewer(clerk)
    if not reason.strip():
        raise StateError("no reason", user_message="退回须说明原因。")
    client = _client(terminal)
    case = _case(client.review_case(submission_id))
    if case.clerk_id == clerk.id:
        raise StateError("own case", user_message="不能退回本人受理的业务。")
    after = _case(client.return_review(submission_id, ReviewReturnIn(clerk_id=clerk.id, reason=reason.strip())))
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.RETURN, clerk.id, submission_id,
                                                  _id_number(terminal, case),
                                                  {"item_code": case.item_code, "remote": True,
                                                   "terminal": case.terminal_id}))
    return after


def step_label(step: str | None) -> str:
    return STEP_LABELS.get(step or "", "—")
