"""What a clerk can do, as plain functions the window, the CLI and tests share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from app.terminal import Terminal
from core.errors import ValidationError
from forms.definitions import FormDef
from forms.validate import derive_fields, validate_form
from local_db.clerks import ClerkInfo, verify_clerk
from local_db.submissions import (
    ApplicantData,
    AttachmentData,
    SubmissionView,
    create_submission,
)

if TYPE_CHECKING:
    from devices.scan.pipeline import ScannedPage


class FormInvalid(ValidationError):
    """Raised with every problem at once, so the window can mark them all."""

    def __init__(self, problems: dict[str, str]) -> None:
        first_key = next(iter(problems))
        super().__init__(first_key, problems[first_key], hint="请按红色提示修改后再提交。")
        self.problems = problems


def sign_in(terminal: Terminal, clerk_id: str, password: str) -> ClerkInfo:
    return verify_clerk(terminal.db, clerk_id, password)


def submit_application(terminal: Terminal, clerk: ClerkInfo, form: FormDef, values: dict[str, str],
                       *, provenance: dict[str, Any] | None = None, today: date | None = None,
                       materials: Mapping[str, Sequence[ScannedPage]] | None = None) -> SubmissionView:
    """Check the form, seal its scanned materials, save it with its outbox row, and nudge the sender.

    Fields derived from the ID number are recomputed here rather than trusted
    from the widget, so what is stored always agrees with the number. Each
    material's pages become one encrypted PDF before the database transaction,
    which then records them with the submission or not at all.
    """
    clean = {k: v.strip() for k, v in values.items()}
    clean.update(derive_fields(form, clean, today=today))
    problems = validate_form(form, clean, today=today)
    if problems:
        raise FormInvalid(problems)
    unknown = set(materials or {}) - {m.key for m in form.materials}
    if unknown:
        raise ValidationError("materials", f"本事项不要求该材料：{'、'.join(sorted(unknown))}")
    attachments: list[AttachmentData] = []
    if materials:
        from app.scans import seal_material

        attachments = [seal_material(terminal, key, pages) for key, pages in materials.items() if pages]
    birth = clean.get("birth_date")
    view = create_submission(
        terminal.db,
        item_code=form.code,
        form_version=form.version,
        terminal_id=terminal.settings.terminal_id,
        clerk_id=clerk.id,
        applicant=ApplicantData(
            id_number=clean["id_number"].upper(),
            name=clean.get("name", ""),
            sex=clean.get("sex") or None,
            birth_date=date.fromisoformat(birth) if birth else None,
            phone=clean.get("phone") or None,
        ),
        # where values came from (card, ID reader) and every override with its reason travel with it
        payload={**clean, "_provenance": provenance} if provenance else clean,
        attachments=attachments,
    )
    terminal.send_now()
    return view

