"""Drafts: a half-filled form (an applicant who must fetch a paper) kept to finish later; nothing is sent."""

from __future__ import annotations

from collections.abc import Mapping

from app.permissions import Permission, require
from app.terminal import Terminal
from forms.definitions import FormDef
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import ClerkInfo
from local_db.submissions import SubmissionView
from local_db.submissions import delete_draft as local_delete_draft
from local_db.submissions import save_draft as local_save_draft


def save_draft(terminal: Terminal, clerk: ClerkInfo, form: FormDef, values: Mapping[str, str],
               draft_id: str | None = None) -> SubmissionView:
    """Keep the filled-in values (not the scans) as a draft, replacing ``draft_id`` when it continues one.

    The clerk must hold the 受理 role (``PermissionDenied``).
    """
    require(clerk, Permission.SAVE_DRAFT)
    payload = {k: v.strip() for k, v in values.items() if v.strip()}
    number_field = form.identity_field("id_number")
    number_key = number_field.key if number_field is not None else "id_number"
    return local_save_draft(terminal.db, item_code=form.code, form_version=form.version,
                            terminal_id=terminal.settings.terminal_id, clerk_id=clerk.id, payload=payload,
                            draft_id=draft_id,
                            audit=lambda s, saved: terminal.audit.record_in(s, AuditEvent(
                                AuditAction.SAVE_DRAFT, clerk.id, saved.id, payload.get(number_key),
                                {"item_code": saved.item_code, "form_version": saved.form_version})))


def delete_draft(terminal: Terminal, clerk: ClerkInfo, draft_id: str) -> bool:
    """Delete a draft the applicant will not come back for; whether there was one. Recorded with the deletion.

    The clerk must hold the 受理 role (``PermissionDenied``).
    """
    require(clerk, Permission.SAVE_DRAFT)
    return local_delete_draft(terminal.db, draft_id, audit=lambda s, draft: terminal.audit.record_in(s, AuditEvent(
        AuditAction.DELETE_DRAFT, clerk.id, draft.id, draft.applicant_id_number,
        {"item_code": draft.item_code, "drafted_by": draft.clerk_id})))
