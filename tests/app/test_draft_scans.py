"""Drafts keep their scans (issue 16 sessions, issue 18 item 3): sealed like a submission's, replaced when
retaken, carried when kept, and handed to the submission made from the draft; real SQLite, real blob store.
"""

from __future__ import annotations

from typing import Any

from app import usecases
from app.usecases import SubmitRequest
from local_db.submissions import delete_draft, get_submission
from tests.app.samples import SIGNATURE

from .conftest import CLERK
from .samples import REGISTRATION, WAIVER
from .test_sessions import page_image


def test_a_draft_keeps_replaces_and_hands_on_its_scans(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    assert terminal.blobs is not None
    form = terminal.reference.form("personal_registration")
    values = {"id_number": REGISTRATION["id_number"], "name": REGISTRATION["name"]}

    first = usecases.save_draft(terminal, CLERK, form, values, materials={"identity_document": [page_image(200)]})
    assert [(a.material_key, a.pages) for a in first.attachments] == [("identity_document", 1)]
    sealed = first.attachments[0].sha256
    assert terminal.blobs.get(sealed).startswith(b"%PDF")

    # saved again with nothing retaken: the sealed pages are carried, not sealed again
    again = usecases.save_draft(terminal, CLERK, form, values, first.id, materials={}, carried=first.attachments)
    assert again.id == first.id and [a.sha256 for a in again.attachments] == [sealed]
    # a caller that says nothing about scans (the CLI) leaves them as they are
    plain = usecases.save_draft(terminal, CLERK, form, {**values, "phone": "13800138000"}, first.id)
    assert [a.sha256 for a in plain.attachments] == [sealed]
    # retaken: the new pages replace the carried ones of that material
    retaken = usecases.save_draft(terminal, CLERK, form, values, first.id,
                                  materials={"identity_document": [page_image(120), page_image(90)]},
                                  carried=first.attachments)
    assert [(a.material_key, a.pages) for a in retaken.attachments] == [("identity_document", 2)]
    assert retaken.attachments[0].sha256 != sealed

    # submitting the draft moves the references to the submission; the draft and its rows go
    accepted = usecases.submit_application(terminal, SubmitRequest(
        clerk=CLERK, form=form, values=REGISTRATION, carried=retaken.attachments, draft_id=first.id,
        waivers={m.key: WAIVER for m in form.materials if m.key != "identity_document"}, signature=SIGNATURE))
    assert get_submission(terminal.db, first.id) is None
    saved = get_submission(terminal.db, accepted.view.id)
    assert saved is not None
    assert [(a.material_key, a.sha256) for a in saved.attachments] == [
        ("identity_document", retaken.attachments[0].sha256), ("_signature", saved.attachments[-1].sha256)]


def test_a_draft_with_scans_can_be_deleted(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    form = terminal.reference.form("personal_registration")
    draft = usecases.save_draft(terminal, CLERK, form, {"name": "李秀英"},
                                materials={"identity_document": [page_image(200)]})
    delete_draft(terminal.db, draft.id)
    assert get_submission(terminal.db, draft.id) is None


def test_pages_of_a_material_the_form_does_not_have_are_not_kept(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    form = terminal.reference.form("personal_registration")
    draft = usecases.save_draft(terminal, CLERK, form, {"name": "李秀英"},
                                materials={"not_a_material": [page_image(200)]})
    assert draft.attachments == ()
