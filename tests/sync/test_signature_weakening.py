"""Dropping the signature from a definition is a weakening (issue 19): a signed reference update that no longer
asks for the applicant's signature waits for an administrator, like a lowered review tier; asking for one
takes effect at once. Real central server process, real terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app import usecases
from app.terminal import Terminal
from forms.definitions import load_form, weakenings
from local_db.clerks import add_clerk
from tests.sync.test_reference_trust import ADMIN, edit_form, pull, reference

__all__ = ["reference"]  # the fixture, used by name

DROPPED = "取消了申请人（代办人）签字"


def test_weakenings_name_a_dropped_signature_and_not_an_added_one() -> None:
    signed = load_form("personal_registration")
    unsigned = signed.model_copy(update={"signature": "none", "version": signed.version + 1})
    assert weakenings(signed, unsigned) == [DROPPED]
    assert weakenings(unsigned, signed) == []


def test_a_definition_that_drops_the_signature_waits_for_an_administrator(
        start_central: Any, make_terminal: Any, reference: Path) -> None:
    server = start_central(extra_args=("--reference-dir", str(reference)))
    terminal: Terminal = make_terminal(server.base_url, start_sender=False)
    add_clerk(terminal.db, ADMIN.id, ADMIN.name, "admin-pass-1", roles=ADMIN.roles)
    pull(terminal)
    edit_form(reference, "personal_registration",
              lambda form: form.update(version=form["version"] + 1, signature="none"))
    assert pull(terminal) == ["forms"]
    terminal.reference.forget()
    assert terminal.reference.form("personal_registration").needs_signature  # still asked for
    [pending] = usecases.pending_reference(terminal, ADMIN)
    assert pending.key == "personal_registration" and pending.weakenings == (DROPPED,)
    usecases.confirm_reference(terminal, ADMIN, "personal_registration")
    terminal.reference.forget()
    assert not terminal.reference.form("personal_registration").needs_signature


def test_a_definition_that_starts_asking_for_a_signature_takes_effect_at_once(
        start_central: Any, make_terminal: Any, reference: Path) -> None:
    server = start_central(extra_args=("--reference-dir", str(reference)))
    terminal: Terminal = make_terminal(server.base_url, start_sender=False)
    assert not terminal.reference.form("employer_registration").needs_signature
    edit_form(reference, "employer_registration",
              lambda form: form.update(version=form["version"] + 1, signature="required"))
    pull(terminal)
    terminal.reference.forget()
    assert terminal.reference.form("employer_registration").needs_signature
    assert all(p.key != "employer_registration" for p in usecases.pending_reference(terminal, ADMIN))
