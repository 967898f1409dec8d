"""The applicant's signature with the submission (issue 19): required where the definition says so, sealed in
the same transaction as the case (no plaintext PNG anywhere in the data directory), printed on the receipt
and its reprint, shown in the case view, and delivered to a real central server process like a scan.
Real terminal (file keyring, SQLCipher database, blob store), real Qt rendering.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app import usecases
from app.receipt_render import receipt_image_with_signature_box, receipt_pdf
from app.signature import SIGNATURE_KEY
from app.ui.case_view import CaseView
from app.ui.operations import OpContext
from app.ui.ops import OpRunner
from app.ui.signature_pad import StrokePoint, strokes_png
from app.usecases.receipts import saved_receipt
from core.errors import ValidationError
from forms.definitions import load_form
from local_db.submissions import get_submission, list_submissions

from .conftest import CLERK
from .samples import REGISTRATION, RETIREE_ID, WAIVER
from .test_acceptance import text_of

AGENT = {"agent_name": "王小明", "agent_id_number": RETIREE_ID, "agent_relation": "child"}


def a_signature() -> bytes:
    """A two-stroke signature as the pad renders it (a zigzag and an underline)."""
    zigzag = [StrokePoint(40 + i * 12, 60 + (i % 2) * 70, 0.7) for i in range(40)]
    line = [StrokePoint(60 + i * 20, 170, 0.4) for i in range(24)]
    return strokes_png([zigzag, line])


def _request(signature: bytes | None, **values: str) -> usecases.SubmitRequest:
    form = load_form("personal_registration")
    waivers = {m.key: WAIVER for m in form.materials}
    return usecases.SubmitRequest(CLERK, form, {**REGISTRATION, **values}, waivers=waivers, signature=signature)


def test_the_personal_items_require_a_signature_and_the_employer_item_does_not() -> None:
    needs = {code: load_form(code).needs_signature for code in (
        "personal_registration", "personal_change", "retirement_approval", "death_benefit", "overpaid_refund",
        "pension_transfer_provincial", "benefit_suspension", "employer_registration")}
    assert [code for code, needed in needs.items() if not needed] == ["benefit_suspension", "employer_registration"]


def test_submit_without_a_required_signature_is_refused_and_nothing_is_saved(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    with pytest.raises(ValidationError) as caught:
        usecases.submit_application(terminal, _request(None))
    assert caught.value.field == "signature" and caught.value.user_message == "缺少申请人签字。"
    assert "申请人签字" in caught.value.hint
    with pytest.raises(ValidationError) as by_agent:
        usecases.submit_application(terminal, _request(None, **AGENT))
    assert by_agent.value.user_message == "缺少代办人签字。"
    assert list_submissions(terminal.db) == []


def test_a_signature_that_is_not_a_png_is_refused(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    with pytest.raises(ValidationError, match="签字图像无效"):
        usecases.submit_application(terminal, _request(b"GIF89a not a signature"))
    assert list_submissions(terminal.db) == []


def test_a_signed_submission_is_accepted_with_its_signature_sealed(
        qapp: QApplication, make_terminal: Any, data_dir: Path) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    png = a_signature()
    accepted = usecases.submit_application(terminal, _request(png), render_receipt=receipt_pdf)
    saved = get_submission(terminal.db, accepted.view.id)
    assert saved is not None
    [signature] = [a for a in saved.attachments if a.material_key == SIGNATURE_KEY]
    assert signature.media_type == "image/png" and signature.pages == 1
    assert terminal.blobs is not None and terminal.blobs.get(signature.sha256) == png
    # the signature is not a material of the form: the receipt lists none for it
    assert all(m.name != SIGNATURE_KEY for m in accepted.receipt.materials)
    terminal.close()
    middle = png[len(png) // 2: len(png) // 2 + 64]  # compressed image data, found only if stored in the clear
    leaks = [str(p) for p in data_dir.rglob("*") if p.is_file() and (middle in p.read_bytes()
                                                                       or b"\x89PNG\r\n\x1a\n" in p.read_bytes())]
    assert leaks == []


def _ink_in(image: Any, box: Any) -> int:
    inner = box.adjusted(6, 6, -6, -6)
    return sum(1 for y in range(int(inner.top()), int(inner.bottom()), 2)
               for x in range(int(inner.left()), int(inner.right()), 2)
               if QColor(image.pixel(x, y)).lightness() < 160)


def test_the_receipt_prints_the_signature_in_its_box(qapp: QApplication, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    accepted = usecases.submit_application(terminal, _request(a_signature(), **AGENT))
    image, box = receipt_image_with_signature_box(accepted.receipt)
    assert box is not None and _ink_in(image, box) > 150
    assert "代办人签名" in text_of(receipt_pdf(accepted.receipt))
    # a receipt without a signature has no box
    plain = load_form("employer_registration")
    assert not plain.needs_signature
    _, none = receipt_image_with_signature_box(accepted.receipt.__class__(
        **{**accepted.receipt.__dict__, "signature_png": None}))
    assert none is None


def test_a_reprint_carries_the_same_signature(qapp: QApplication, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    png = a_signature()
    accepted = usecases.submit_application(terminal, _request(png))
    again = saved_receipt(terminal, CLERK, accepted.view.id)
    assert again.signature_png == png and again.signer_label == "申请人"
    image, box = receipt_image_with_signature_box(again)
    assert box is not None and _ink_in(image, box) > 150
    assert "申请人签名" in text_of(receipt_pdf(again))


def shown_case(qtbot: QtBot, terminal: Any, submission_id: str) -> tuple[CaseView, OpRunner]:
    """The case view of a signed case, once its signature is shown."""
    ops = OpRunner()
    view = CaseView(OpContext(terminal, ops), CLERK, submission_id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.case is not None and view.signature_box.isVisible(), timeout=10000)
    return view, ops


def test_the_case_view_shows_the_signature(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    accepted = usecases.submit_application(terminal, _request(a_signature()))
    view, ops = shown_case(qtbot, terminal, accepted.view.id)
    assert view.signature_box.title() == "申请人签名"
    assert all(m.key != SIGNATURE_KEY for m in view.case.materials)  # type: ignore[union-attr]
    ops.wait()


def _central_submissions(db: Path) -> list[dict[str, Any]]:
    out = subprocess.run([sys.executable, "-m", "app", "central", "list-submissions", "--db", str(db), "--json"],
                         capture_output=True, text=True, check=True, timeout=60)
    data = json.loads(out.stdout)
    assert isinstance(data, list)
    return data


def test_the_signature_reaches_the_central_system_like_a_scan(
        start_central: Any, make_terminal: Any, central_db: Path) -> None:
    server = start_central()
    terminal = make_terminal(server.base_url, start_sender=False)
    assert terminal.sender is not None
    png = a_signature()
    accepted = usecases.submit_application(terminal, _request(png))
    result = terminal.sender.sync_once()
    assert result.error is None
    [record] = [r for r in _central_submissions(central_db) if r["id"] == accepted.view.id]
    [attachment] = [a for a in record["attachments"] if a["material_key"] == SIGNATURE_KEY]
    assert attachment["media_type"] == "image/png" and attachment["size"] == len(png)
    stored = [p for p in central_db.parent.rglob("*") if p.is_file() and p.read_bytes() == png]
    assert stored, "the central system keeps the signature's bytes"
