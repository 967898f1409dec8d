"""Drafts: a half-filled form (an applicant who must fetch a paper) kept to finish later; nothing is sent.

A draft keeps its scans: each material's pages are sealed (one encrypted PDF, as on submission) and
recorded with the draft, and a draft continued later carries them like a correction carries the
returned version's. That is what lets another clerk take over a locked window without the first
clerk's applicant having to be photographed again (issue 16, sessions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from app.home_visit import PLACE_KEY, home_visit
from app.permissions import Permission, require
from app.terminal import Terminal
from forms.definitions import FormDef
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import ClerkInfo
from local_db.submissions import AttachmentData, SubmissionView, get_submission
from local_db.submissions import delete_draft as local_delete_draft
from local_db.submissions import save_draft as local_save_draft

if TYPE_CHECKING:
    from devices.scan.pipeline import ScannedPage


def save_draft(terminal: Terminal, clerk: ClerkInfo, form: FormDef, values: Mapping[str, str],
               draft_id: str | None = None, *, materials: Mapping[str, Sequence[ScannedPage]] | None = None,
               carried: Sequence[AttachmentData] = (), waivers: Mapping[str, str] | None = None,
               reason: str | None = None) -> SubmissionView:
    """Keep the filled-in values, the scans and the waivers as a draft, replacing ``draft_id`` when it continues one.

    ``materials`` are pages taken now (sealed here), ``carried`` the draft's earlier sealed ones the
    clerk kept; with neither given (None and empty) the draft's attachments stay as they were.
    ``reason`` says why it was kept when the clerk did not ask (``switch``: parked for another clerk).
    A draft begun in home-visit mode (上门服务) is marked so and stays so when continued at the office: the case
    was begun at the applicant's home, where its scans were taken (``app.home_visit``).
    The clerk must hold the 受理 role (``PermissionDenied``).
    """
    require(clerk, Permission.SAVE_DRAFT)
    mode = home_visit(terminal)
    payload: dict[str, object] = {k: v.strip() for k, v in values.items() if v.strip()}
    kept_waivers = {k: r.strip() for k, r in (waivers or {}).items() if r.strip()}
    if kept_waivers:
        payload["_waivers"] = kept_waivers
    earlier = get_submission(terminal.db, draft_id) if draft_id else None
    place = earlier.payload.get(PLACE_KEY) if earlier is not None and earlier.home_visit else mode.place
    if (mode.on or (earlier is not None and earlier.home_visit)) and isinstance(place, str) and place:
        payload[PLACE_KEY] = place
    known = {m.key for m in form.materials}
    attachments: list[AttachmentData] | None = None
    if materials is not None or carried:
        attached = {key: pages for key, pages in (materials or {}).items() if pages and key in known}
        attachments = []
        if attached:
            from app.scans import seal_material  # the PDF machinery loads with the first scan

            attachments = [seal_material(terminal, key, pages) for key, pages in attached.items()]
        attachments += [a for a in carried if a.material_key in known and a.material_key not in attached]
    number_field = form.identity_field("id_number")
    number_key = number_field.key if number_field is not None else "id_number"
    number = payload.get(number_key)
    facts: dict[str, str | int | None] = {"pages": sum(a.pages for a in attachments or [])}
    if reason:
        facts["reason"] = reason
    return local_save_draft(terminal.db, item_code=form.code, form_version=form.version,
                            terminal_id=terminal.settings.terminal_id, clerk_id=clerk.id, payload=payload,
                            draft_id=draft_id, attachments=attachments, home_visit=True if mode.on else None,
                            audit=lambda s, saved: terminal.audit.record_in(s, AuditEvent(
                                AuditAction.SAVE_DRAFT, clerk.id, saved.id, number if isinstance(number, str)
                                else None, {"item_code": saved.item_code, "form_version": saved.form_version,
                                            **facts})))


def delete_draft(terminal: Terminal, clerk: ClerkInfo, draft_id: str) -> bool:
    """Delete a draft the applicant will not come back for; whether there was one. Recorded with the deletion.

    The clerk must hold the 受理 role (``PermissionDenied``).
    """
    require(clerk, Permission.SAVE_DRAFT)
    return local_delete_draft(terminal.db, draft_id, audit=lambda s, draft: terminal.audit.record_in(s, AuditEvent(
        AuditAction.DELETE_DRAFT, clerk.id, draft.id, draft.applicant_id_number,
        {"item_code": draft.item_code, "drafted_by": draft.clerk_id})))
