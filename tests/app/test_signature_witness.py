"""An applicant who cannot sign and came without an agent (issue 19's signature, where it is silent): a witness
signs for them, the case keeps why and who, the receipt, its reprint and the case view say so, the central
system receives it with the case; with an agent named the agent signs and no witness is taken. In the real
window: 申请人无法签字… in the signature window, the reason and the witness on the clerk's window, then the
witness signs and the case is submitted with both. Real terminal, real Qt, a real central process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from app import usecases
from app.receipt_render import receipt_image_with_signature_box, receipt_pdf
from app.terminal import Terminal
from app.ui.main_window import MainWindow
from app.ui.witness_dialog import WitnessDialog
from app.usecases.receipts import saved_receipt
from core.errors import ValidationError
from forms.definitions import load_form
from forms.signature import WITNESS_KEY, Witness
from local_db.submissions import get_submission, list_submissions

from .conftest import CLERK
from .samples import REGISTRATION, RETIREE_ID, WAIVER
from .test_acceptance import text_of
from .test_signature_form import _draw, _filled
from .test_signature_submit import _ink_in, a_signature, shown_case

WITNESS = Witness("赵敏", "不识字")
NOTE = f"申请人{REGISTRATION['name']}因不识字无法签字，由见证人赵敏见证并代为签字"


def _request(signature: bytes | None, witness: Witness | None, **values: str) -> usecases.SubmitRequest:
    form = load_form("personal_registration")
    waivers = {m.key: WAIVER for m in form.materials}
    return usecases.SubmitRequest(CLERK, form, {**REGISTRATION, **values}, waivers=waivers, signature=signature,
                                  witness=witness)


def test_a_witness_signs_for_an_applicant_who_cannot_and_the_receipt_says_so(
        qapp: QApplication, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    accepted = usecases.submit_application(terminal, _request(a_signature(), WITNESS))
    saved = get_submission(terminal.db, accepted.view.id)
    assert saved is not None and saved.payload[WITNESS_KEY] == {"name": "赵敏", "reason": "不识字"}
    assert accepted.receipt.signer_label == "见证人" and accepted.receipt.signer_note == NOTE
    image, box = receipt_image_with_signature_box(accepted.receipt)
    assert box is not None and _ink_in(image, box) > 150
    text = "".join(text_of(receipt_pdf(accepted.receipt)).split())
    assert "见证人签名" in text and NOTE in text
    again = saved_receipt(terminal, CLERK, accepted.view.id)  # 补打回执 says what the first print said
    assert again.signer_label == "见证人" and again.signer_note == NOTE
    assert NOTE in "".join(text_of(receipt_pdf(again)).split())


def test_an_applicant_who_signs_has_no_witness_line(qapp: QApplication, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    accepted = usecases.submit_application(terminal, _request(a_signature(), None))
    assert accepted.receipt.signer_label == "申请人" and accepted.receipt.signer_note is None
    assert "见证" not in text_of(receipt_pdf(accepted.receipt))


@pytest.mark.parametrize(("witness", "values", "signature", "words"), [
    (WITNESS, {"agent_name": "王小明", "agent_id_number": RETIREE_ID, "agent_relation": "child"}, True, "代办人"),
    (Witness("赵敏", ""), {}, True, "原因"),
    (Witness(REGISTRATION["name"], "不识字"), {}, True, "本人"),
    (WITNESS, {}, False, "见证人签字"),
])
def test_a_witness_the_rules_refuse_saves_nothing(
        make_terminal: Any, witness: Witness, values: dict[str, str], signature: bool, words: str) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    with pytest.raises(ValidationError) as refused:
        usecases.submit_application(terminal, _request(a_signature() if signature else None, witness, **values))
    assert words in refused.value.user_message
    assert list_submissions(terminal.db) == []


def test_the_case_view_shows_who_signed_for_whom(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    accepted = usecases.submit_application(terminal, _request(a_signature(), WITNESS))
    view, ops = shown_case(qtbot, terminal, accepted.view.id)
    assert view.signature_box.title() == "见证人签名"
    notes = [w.text() for w in view.signature_box.findChildren(QLabel, "caseSignatureNote")]
    assert notes == [NOTE]
    ops.wait()


def test_the_witness_reaches_the_central_system_with_the_case(
        start_central: Any, make_terminal: Any, central_db: Path) -> None:
    server = start_central()
    terminal = make_terminal(server.base_url, start_sender=False)
    assert terminal.sender is not None
    accepted = usecases.submit_application(terminal, _request(a_signature(), WITNESS))
    assert terminal.sender.sync_once().error is None
    out = subprocess.run([sys.executable, "-m", "app", "central", "list-submissions", "--db", str(central_db),
                          "--json", "--include-payload"], capture_output=True, text=True, check=True, timeout=60)
    [record] = [r for r in json.loads(out.stdout) if r["id"] == accepted.view.id]
    assert record["payload"][WITNESS_KEY] == {"name": "赵敏", "reason": "不识字"}


def _open_signature_window(qtbot: QtBot, make_terminal: Callable[..., Terminal]) -> tuple[Any, MainWindow]:
    page = _filled(qtbot, make_terminal)
    window = page.window()
    assert isinstance(window, MainWindow)
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.signature.dialog is not None and page.signature.dialog.isVisible(), timeout=5000)
    return page, window


def test_in_the_window_the_witness_is_named_then_signs_and_the_case_is_submitted(
        qtbot: QtBot, make_terminal: Callable[..., Terminal]) -> None:
    page, window = _open_signature_window(qtbot, make_terminal)
    dialog = page.signature.dialog
    assert dialog is not None and dialog.panel.unable_button.isVisible()
    _draw(dialog.panel.pad)  # the applicant tried: what was drawn is not the witness's
    dialog.panel.unable_button.click()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None
                    and isinstance(QApplication.activeModalWidget(), WitnessDialog), timeout=5000)
    asked = QApplication.activeModalWidget()
    assert isinstance(asked, WitnessDialog)
    assert not asked.confirm() and "原因" in asked.problem.text()  # nothing given: refused, says why
    asked.reason.setCurrentText("不识字")
    asked.name.setText(REGISTRATION["name"])
    assert not asked.confirm() and "本人" in asked.problem.text()
    asked.name.setText("赵敏")
    assert asked.confirm()
    assert "见证人" in dialog.panel.who.text() and "赵敏" in dialog.panel.who.text()
    assert dialog.panel.note.text() == NOTE and not dialog.panel.unable_button.isVisible()
    assert dialog.panel.pad.is_empty()  # the applicant's attempt was cleared
    _draw(dialog.panel.pad)
    dialog.panel.confirm_button.click()  # the witness's 确认 submits
    qtbot.waitUntil(lambda: window.result.submission_id is not None, timeout=15000)
    saved = get_submission(window.terminal.db, window.result.submission_id or "")
    assert saved is not None and saved.payload[WITNESS_KEY] == {"name": "赵敏", "reason": "不识字"}


def test_a_cancelled_signature_window_forgets_the_witness(
        qtbot: QtBot, make_terminal: Callable[..., Terminal]) -> None:
    page, _window = _open_signature_window(qtbot, make_terminal)
    dialog = page.signature.dialog
    assert dialog is not None
    witness = page.signature.ask_witness()
    witness.reason.setCurrentText("视力残疾")
    witness.name.setText("赵敏")
    assert witness.confirm()
    dialog.panel.cancel_button.click()
    qtbot.waitUntil(lambda: page.signature.dialog is None, timeout=5000)
    page.signature.ask()  # asked again: the applicant signs unless a witness is named again
    qtbot.waitUntil(lambda: page.signature.dialog is not None and page.signature.dialog.isVisible(), timeout=5000)
    again = page.signature.dialog
    assert again is not None and "申请人" in again.panel.who.text() and again.panel.unable_button.isVisible()
    _draw(again.panel.pad)
    again.panel.confirm_button.click()
    qtbot.waitUntil(lambda: page.signature.png is not None, timeout=5000)
    assert page.signature.witness is None and page.signature.signer_label == "申请人"


def test_with_an_agent_named_the_window_offers_no_witness(
        qtbot: QtBot, make_terminal: Callable[..., Terminal]) -> None:
    page = _filled(qtbot, make_terminal)
    page.view.set_value("agent_name", "王小明")
    page.signature.ask()
    qtbot.waitUntil(lambda: page.signature.dialog is not None and page.signature.dialog.isVisible(), timeout=5000)
    dialog = page.signature.dialog
    assert dialog is not None and "代办人" in dialog.panel.who.text()
    assert not dialog.panel.unable_button.isVisible()
    dialog.panel.cancel_button.click()


def test_a_value_changed_after_the_witness_signed_drops_both(
        qtbot: QtBot, make_terminal: Callable[..., Terminal]) -> None:
    page = _filled(qtbot, make_terminal)
    page.signature.take(a_signature(), WITNESS)
    assert page.signature.signer_label == "见证人"
    page.view.set_value("phone", "13900139000")
    assert page.signature.png is None and page.signature.witness is None
    assert "提交时请申请人签字" in page.submit_hint.text()
