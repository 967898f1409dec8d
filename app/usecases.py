"""What a clerk can do, as plain functions the window, the CLI and tests share."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.terminal import Terminal
from core.errors import ValidationError
from forms.definitions import FormDef
from forms.validate import derive_from_id, validate_form
from local_db.clerks import ClerkInfo, verify_clerk
from local_db.submissions import (
    ApplicantData,
    SubmissionView,
    create_submission,
)


class FormInvalid(ValidationError):
    """Raised with every problem at once, so the window can mark them all."""

    def __init__(self, problems: dict[str, str]) -> None:
        first_key = next(iter(problems))
        super().__init__(first_key, problems[first_key], hint="请按红色提示修改后再提交。")
        self.problems = problems


def sign_in(terminal: Terminal, clerk_id: str, password: str) -> ClerkInfo:
    return verify_clerk(terminal.db, clerk_id, password)


def submit_application(terminal: Terminal, clerk: ClerkInfo, form: FormDef, values: dict[str, str],
                       *, provenance: dict[str, Any] | None = None, today: date | None = None) -> SubmissionView:
    """Check the form, save it with its outbox row, and nudge the sender.

    Fields derived from the ID number are recomputed here rather than trusted
    from the widget, so what is stored always agrees with the number.
    """
    clean = {k: v.strip() for k, v in values.items()}
    clean.update(derive_from_id(clean))
    problems = validate_form(form, clean, today=today)
    if problems:
        raise FormInvalid(problems)
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
    )
    terminal.send_now()
    return view

