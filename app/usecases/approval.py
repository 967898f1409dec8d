"""Tiered review (分级审核, 条例第三十七条; 个人权益记录管理办法第七条): the signatures a case needs before it is sent.

A case's tier (computed from its values when it was submitted, ``forms.definitions.ReviewDef``) says which
steps must be signed: 复核 (``review``, by a clerk with ``Permission.APPROVE``) and, for the highest tier,
then 审批 (``approval``, ``Permission.FINAL_APPROVE``). Each signer re-enters their password (the sign-in's
check, lockout and trail), is not the clerk who took the case, and signs one step of it only. A terminal
without a second clerk sends the case to the central system as 待复核 instead (``send_for_review``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.permissions import Permission, allowed, require
from app.terminal import Terminal
from core.errors import AuthenticationError, StateError
from forms.review import STEP_LABELS, Signer, next_step
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import ClerkInfo, verify_clerk
from local_db.review import case_tier, refused_for_review, sign_submission
from local_db.review import reopen_review as reopen_case
from local_db.review import send_for_review as send_case
from local_db.submissions import SubmissionView, get_submission

__all__ = ["STEP_PERMISSIONS", "approve", "pending_step", "refused_for_review", "reopen_review", "send_for_review",
           "verify_signer"]

#: the permission each review step needs
STEP_PERMISSIONS: dict[str, Permission] = {"review": Permission.APPROVE, "approval": Permission.FINAL_APPROVE}


def pending_step(view: SubmissionView) -> str | None:
    """The step a waiting case needs signed next (``review`` / ``approval``), None when none is left."""
    return next_step(case_tier(view), [Signer(g.step, g.clerk_id) for g in view.signatures])


def verify_signer(terminal: Terminal, clerk_id: str, password: str, subject: str, *,
                  now: datetime | None = None) -> ClerkInfo:
    """The clerk whose password this is, checked as a sign-in (lockout; a wrong one is on the trail)."""
    settings = terminal.settings
    try:
        return verify_clerk(terminal.db, clerk_id, password, now=now, max_failures=settings.signin_max_failures,
                            lockout=timedelta(minutes=settings.signin_lockout_minutes),
                            unknown=terminal.unknown_signins)
    except AuthenticationError:
        terminal.audit.record(terminal.db, AuditEvent(AuditAction.SIGN_IN_FAILED, clerk_id.strip(), subject,
                                                      detail={"for": "approve"}))
        raise


def approve(terminal: Terminal, approver_id: str, password: str, submission_id: str, *,
            step: str | None = None, now: datetime | None = None) -> SubmissionView:
    """A clerk signs the case's next step with their own password; the last step queues it for sending.

    ``step``: the step the window showed the signer (``StateError`` if another is due meanwhile, so nobody
    signs 审批 believing they sign 复核). The signer must hold that step's permission
    (``PermissionDenied``), must not have taken the case nor signed its other step (``StateError``). A
    wrong password counts towards the signer's lockout like a failed sign-in; the signature is on the
    trail with the change itself.
    """
    approver = verify_signer(terminal, approver_id, password, submission_id, now=now)
    view = get_submission(terminal.db, submission_id)
    due = pending_step(view) if view is not None else None
    signing = due or step or "review"
    if step is not None and due is not None and step != due:
        raise StateError(f"{submission_id}: {step} shown, {due} due", user_message=(
            f"该笔业务现在应签“{STEP_LABELS[due]}”，不是“{STEP_LABELS.get(step, step)}”（可能已有他人签字）。"),
            hint="请关闭窗口后重新打开该笔业务。")
    require(approver, STEP_PERMISSIONS.get(signing, Permission.APPROVE))
    signed = sign_submission(terminal.db, submission_id, signing, approver.id, terminal.settings.terminal_id,
                             now=now, audit=lambda s, saved: terminal.audit.record_in(s, AuditEvent(
                                 AuditAction.APPROVE, approver.id, saved.id, saved.applicant_id_number,
                                 {"item_code": saved.item_code, "submitted_by": saved.clerk_id, "step": signing,
                                  "tier": saved.review_tier, "queued": saved.state.value == "queued"})))
    if pending_step(signed) is None:
        terminal.send_now()
    return signed


def send_for_review(terminal: Terminal, clerk: ClerkInfo, submission_id: str) -> SubmissionView:
    """Send a waiting case to the central system as 待复核, to be signed there or on another terminal.

    The clerk who took it may send it while they still hold the 受理 post (a one-clerk terminal is never
    stuck), as may any clerk who could sign it here (``PermissionDenied`` otherwise). It goes with the
    signatures it has and the next sync.
    """
    view = get_submission(terminal.db, submission_id)
    step = pending_step(view) if view is not None else None
    if not (view is not None and view.clerk_id == clerk.id and allowed(clerk, Permission.SUBMIT)):
        require(clerk, STEP_PERMISSIONS.get(step or "review", Permission.APPROVE))
    sent = send_case(terminal.db, submission_id, audit=lambda s, saved: terminal.audit.record_in(s, AuditEvent(
        AuditAction.SEND_FOR_REVIEW, clerk.id, saved.id, saved.applicant_id_number,
        {"item_code": saved.item_code, "tier": saved.review_tier, "signed": [g.step for g in saved.signatures]})))
    terminal.send_now()
    return sent


def reopen_review(terminal: Terminal, clerk: ClerkInfo, submission_id: str) -> SubmissionView:
    """A case the central system refused for missing signatures waits for them again (its tier recomputed
    with this terminal's current definition, and never lowered); then it is signed here or sent elsewhere.

    For the clerk who took it (while they hold the 受理 post) or a reviewer (``PermissionDenied`` otherwise).
    This is how a body queued by an earlier release, whose form now needs 审批 too, gets its second signature.
    """
    view = get_submission(terminal.db, submission_id)
    if not (view is not None and view.clerk_id == clerk.id and allowed(clerk, Permission.SUBMIT)):
        require(clerk, Permission.APPROVE)
    tier, reasons = "none", list[str]()
    if view is not None:
        form = terminal.reference.form(view.item_code)
        values = {k: v for k, v in view.payload.items() if isinstance(v, str)}
        tier, reasons = form.review_tier(values), form.review.reasons(values)
    return reopen_case(terminal.db, submission_id, tier, reasons, audit=lambda s, saved: terminal.audit.record_in(
        s, AuditEvent(AuditAction.REOPEN_REVIEW, clerk.id, saved.id, saved.applicant_id_number,
                      {"item_code": saved.item_code, "tier": saved.review_tier})))
