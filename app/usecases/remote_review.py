"""Reviewing, on this terminal, cases another terminal of the office sent to the central system as 待复核.

A one-clerk terminal sends its case awaiting review to the central system (``approval.send_for_review``);
a clerk here lists those cases, opens one whole (fields, where each value came from, waivers, the
materials' scans) and signs its next step, or returns it with a reason. The password is checked here
(the sign-in's lockout and trail), and so are the role the step needs and that the signer did not take
the case nor sign its other step; the central system checks the latter again, and records who signed.
Every opening of a case or a scan is on this terminal's trail.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from app.casefile import CaseFile, CaseNotFound, build_case_file, id_number_of
from app.permissions import Permission, PermissionDenied, allowed, require
from app.queries import MAX_SCAN_BYTES, MAX_SCAN_PAGES, CaseScan, ScanPage
from app.terminal import Terminal
from app.usecases.approval import STEP_PERMISSIONS, verify_signer
from core.errors import ConfigError, StateError
from forms.definitions import TIER_LABELS, FormDef
from forms.review import STEP_LABELS, Signer, sign_refusal
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import ClerkInfo
from local_db.models import SubmissionState
from local_db.submissions import AttachmentData, SignatureData, SubmissionView
from protocol.models import ReviewCaseOut, ReviewReturnIn, ReviewSignIn, ReviewSummaryOut
from sync.client import CentralClient

__all__ = ["RemoteCase", "RemoteCases", "RemoteMaterial", "list_remote_reviews", "open_remote_review",
           "remote_case_file", "remote_material", "return_remote_review", "sign_remote_review"]


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
    #: the case's version (2 and up: corrected and resubmitted after a return)
    case_version: int = 1


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
                      out.next_step, out.applicant_name, out.applicant_id_masked, values, materials,
                      out.case_version)


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
    size = next((m.size for m in case.materials if m.sha256 == sha256), None)
    data = _client(terminal).review_blob(case.submission_id, sha256, size)
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


# -- the whole case as the case view reads it (``app.queries.CaseSource``) ---------------------------------

#: the central system's status of a case, as this terminal's states name it (the case view's header)
_STATES = {"awaiting_review": SubmissionState.AWAITING_APPROVAL, "accepted": SubmissionState.ACCEPTED,
           "returned": SubmissionState.RETURNED, "closed": SubmissionState.CLOSED}


def _form(terminal: Terminal, item_code: str) -> FormDef | None:
    try:
        return terminal.reference.form(item_code)
    except ConfigError:
        return None


def _stamp(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return datetime.now(UTC)
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _submission(terminal: Terminal, case: RemoteCase) -> SubmissionView:
    """The opened case in the shape of a stored submission, so it is arranged exactly as a local one."""
    signatures = tuple(SignatureData(g.step, g.clerk_id, _stamp(g.signed_at), g.terminal_id) for g in case.signatures)
    return SubmissionView(
        id=case.submission_id, item_code=case.item_code,
        state=_STATES.get(case.status, SubmissionState.AWAITING_APPROVAL),
        applicant_name=case.applicant_name, applicant_id_number=_id_number(terminal, case),
        receipt_number=case.receipt_number, last_error=None, created_at=_stamp(case.received_at), accepted_at=None,
        payload=dict(case.values),
        attachments=tuple(AttachmentData(m.material_key, m.sha256, m.size, m.pages, m.media_type)
                          for m in case.materials),
        counter_receipt_no=case.counter_receipt_no, case_version=case.case_version, clerk_id=case.clerk_id,
        approved_by=next((g.clerk_id for g in case.signatures if g.step == "review"), None),
        form_version=case.form_version, review_tier=case.tier, review_reasons=case.reasons, signatures=signatures)


def remote_case_file(terminal: Terminal, case: RemoteCase) -> CaseFile:
    """An opened remote case arranged for reading (``app.casefile``): fields with where each value came from,
    waivers, materials; ID numbers masked. The tier and its reasons are the central system's, which decide
    what must be signed, even where this terminal's definition of the form would say otherwise."""
    arranged = build_case_file(_submission(terminal, case), _form(terminal, case.item_code))
    return replace(arranged, review_tier=case.tier, review_tier_label=TIER_LABELS.get(case.tier, case.tier),
                   review_reasons=case.reasons)


class RemoteCases:
    """The case view's source for a case awaiting review at the central system (``app.queries.CaseSource``).

    Each read goes through the use cases above (the reviewer's role checked, the opening of the case and of
    each scan on this terminal's trail). The case as last opened is kept, for its scans and for the signing
    part of the dialog (the step due, the signatures so far), so that showing it costs one audited opening.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._opened: dict[str, RemoteCase] = {}

    def opened(self, submission_id: str) -> RemoteCase | None:
        """The case as this source last opened it (None before)."""
        with self._lock:
            return self._opened.get(submission_id)

    def _open(self, terminal: Terminal, clerk: ClerkInfo, submission_id: str) -> RemoteCase:
        case = open_remote_review(terminal, clerk, submission_id)
        with self._lock:
            self._opened[submission_id] = case
        return case

    def case_file(self, terminal: Terminal, clerk: ClerkInfo, submission_id: str) -> CaseFile:
        return remote_case_file(terminal, self._open(terminal, clerk, submission_id))

    def case_scan(self, terminal: Terminal, clerk: ClerkInfo, submission_id: str, material_key: str) -> CaseScan:
        """A material's scan fetched from the central system (the view audited), split into its pages."""
        from devices.scan.pdfread import ScanUnreadable, read_pages

        case = self.opened(submission_id) or self._open(terminal, clerk, submission_id)
        material = next((m for m in case.materials if m.material_key == material_key), None)
        if material is None:
            raise CaseNotFound(f"remote case {submission_id!r} has no material {material_key!r}",
                               user_message="该业务没有此材料的扫描件。", hint="该材料可能已免于提交。")
        if material.size > MAX_SCAN_BYTES:
            raise ScanUnreadable(f"scan of {material.size} bytes is above {MAX_SCAN_BYTES}",
                                 user_message="该扫描件过大，无法在本窗口显示。")
        pages = read_pages(remote_material(terminal, clerk, case, material.sha256), max_pages=MAX_SCAN_PAGES)
        return CaseScan(submission_id, material_key,
                        tuple(ScanPage(p.jpeg, p.width_px, p.height_px, p.size_mm) for p in pages))

    def full_id_number(self, terminal: Terminal, clerk: ClerkInfo, submission_id: str, field_key: str) -> str:
        """A full ID number of the remote case, as for a local one: ``SHOW_ID_NUMBER`` and on the trail."""
        require(clerk, Permission.SHOW_ID_NUMBER)
        _reviewer(clerk)
        case = self.opened(submission_id) or _case(_client(terminal).review_case(submission_id))
        number = id_number_of(_submission(terminal, case), _form(terminal, case.item_code), field_key)
        if number is None:
            raise CaseNotFound(f"remote case {submission_id!r} has no ID number in {field_key!r}",
                               user_message="该业务此项没有证件号码。")
        terminal.audit.record(terminal.db, AuditEvent(AuditAction.SHOW_ID_NUMBER, clerk.id, submission_id, number,
                                                      {"field": field_key, "item_code": case.item_code,
                                                       "remote": True}))
        return number
