"""The capture dialog in the real window, fed by the simulated document camera through the real watcher.

Pages are taken, rotated, reordered and deleted; the preview keeps running while a still is processed;
an unplugged camera is said and comes back by itself; two documents in view are refused; and the pages
end up as one encrypted PDF per material attached to the submission in the local database.
"""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import pypdf
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.terminal import Terminal
from app.ui.capture_dialog import CaptureDialog
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from devices.camera.connection import Mode
from devices.sim.camera import SimulatedCameraBackend
from local_db.submissions import get_submission

from .conftest import CLERK
from .test_e2e_registration import fill_registration, open_registration

#: a small camera keeps the tests quick; the pipeline is the same at 8 MP (see bench/docscan.py)
MODES = (Mode(1632, 1224), Mode(1280, 720), Mode(1024, 768), Mode(640, 480))


@pytest.fixture
def camera() -> SimulatedCameraBackend:
    backend = SimulatedCameraBackend(modes=MODES, frame_delay=1 / 60)
    backend.camera().place_document(7, "a4_text")
    return backend


def open_window(qtbot: QtBot, terminal: Terminal) -> MainWindow:
    ops = OpRunner()
    window = MainWindow(terminal, CLERK, ops)
    qtbot.addWidget(window)
    window.show()
    return window


def open_capture(qtbot: QtBot, window: MainWindow, material: str = "identity_document") -> CaptureDialog:
    open_registration(qtbot, window)
    assert window.form_page is not None
    qtbot.mouseClick(window.form_page.materials.buttons[material], Qt.MouseButton.LeftButton)
    dialog = window.capture_dialog
    assert dialog is not None
    # pages taken by hand here (automatic capture: test_auto_capture.py); an ID copy does not close by itself
    dialog.auto_check.setChecked(False)
    dialog.auto_close = False
    qtbot.waitUntil(lambda: dialog.preview.frames_shown >= 3, timeout=15000)
    return dialog


def take(qtbot: QtBot, dialog: CaptureDialog) -> None:
    before = dialog.page_list.count()
    qtbot.waitUntil(dialog.capture_button.isEnabled, timeout=10000)
    qtbot.mouseClick(dialog.capture_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.busy() == 0 and dialog.page_list.count() == before + 1, timeout=20000)


def test_pages_are_taken_arranged_and_attached(qtbot: QtBot, make_terminal, camera) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9", camera_backend=camera)
    window = open_window(qtbot, terminal)
    dialog = open_capture(qtbot, window)
    assert dialog.id_copy_check.isChecked()  # the identity document is copied the counter's way by default
    dialog.id_copy_check.setChecked(False)  # here: pages of other documents

    # the preview keeps running while a still is taken and processed on a worker
    frames_at_click = dialog.preview.frames_shown
    qtbot.mouseClick(dialog.capture_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.page_list.count() == 1 and dialog.busy() == 0, timeout=20000)
    assert dialog.preview.frames_shown > frames_at_click + 2
    first = dialog.pages()[0]
    assert first.height_px > first.width_px  # an A4 page, portrait
    assert "已拍第 1 页" in dialog.status.text()

    camera.camera().place_document(8, "certificate")
    take(qtbot, dialog)
    second = dialog.pages()[1]

    # rotate the second page a quarter turn: its sides swap
    dialog.page_list.setCurrentRow(1)
    qtbot.mouseClick(dialog.right_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.busy() == 0 and dialog.pages()[1] is not second, timeout=10000)
    assert (dialog.pages()[1].width_px, dialog.pages()[1].height_px) == (second.height_px, second.width_px)

    # move it to the front, then delete the (old) first page
    qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)
    assert dialog.pages()[1] is first
    assert dialog.page_list.item(0).text() == "第 1 页"
    dialog.page_list.setCurrentRow(1)
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert dialog.page_list.count() == 1 and dialog.pages()[0] is not first

    take(qtbot, dialog)
    qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    page = window.form_page
    assert page is not None and len(page.materials.pages["identity_document"]) == 2
    assert window.capture_dialog is None
    assert "已拍 2 页" in page.materials._counts["identity_document"].text()

    # submit: the material becomes one sealed two-page PDF attached to the submission
    fill_registration(qtbot, window)
    qtbot.waitUntil(page.submit_button.isEnabled, timeout=5000)
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result.submission_id is not None, timeout=20000)
    assert "居民身份证或社会保障卡 2 页" in window.result.detail.text()
    view = get_submission(terminal.db, window.result.submission_id or "")
    assert view is not None
    # the material, and the counter's receipt drawn when it was accepted (sealed the same way)
    assert [(a.material_key, a.pages) for a in view.attachments] == [("identity_document", 2), ("_signature", 1),
                                                                         ("_receipt", 1)]
    assert terminal.blobs is not None
    pdf = pikepdf.open(io.BytesIO(terminal.blobs.get(view.attachments[0].sha256)))
    assert len(pdf.pages) == 2
    width_pt, height_pt = (float(v) for v in pdf.pages[1].mediabox[2:])
    assert abs(width_pt - 595.28) < 2 and abs(height_pt - 841.89) < 2  # A4
    receipt = pypdf.PdfReader(io.BytesIO(terminal.blobs.get(view.attachments[2].sha256)))
    text = receipt.pages[0].extract_text().replace("\n", "")
    assert view.counter_receipt_no is not None and view.counter_receipt_no in text
    assert "居民身份证或社会保障卡" in text and "2 页" in text


def test_id_copy_puts_both_sides_at_true_size_on_one_page(qtbot: QtBot, make_terminal, camera) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9", camera_backend=camera)
    window = open_window(qtbot, terminal)
    # sides whose outlines the detector trusts (an untrusted one is checked by hand first: test_id_copy_edges.py)
    camera.camera().place_document(41, "id_front")
    dialog = open_capture(qtbot, window)
    assert dialog.id_copy_check.isChecked()
    qtbot.waitUntil(dialog.capture_button.isEnabled, timeout=10000)
    qtbot.mouseClick(dialog.capture_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.busy() == 0 and "国徽面" in dialog.status.text(), timeout=20000)
    assert dialog.page_list.count() == 0  # the front waits for the back
    camera.camera().place_document(32, "id_back")
    take(qtbot, dialog)
    assert dialog.edge_editor is None  # trusted sides go straight through
    page = dialog.pages()[0]
    assert page.size_mm == (210, 297)
    # two card-sized blocks of non-white pixels, each 85.6 mm wide at the page's dpi
    grey = page.image if page.image.ndim == 2 else cv2.cvtColor(page.image, cv2.COLOR_BGR2GRAY)
    rows = np.where((grey < 235).sum(axis=1) > page.width_px * 0.2)[0]
    halves = [r for r in (rows[rows < page.height_px // 2], rows[rows >= page.height_px // 2]) if len(r)]
    assert len(halves) == 2
    for block_rows in halves:
        cols = np.where((grey[block_rows[0]:block_rows[-1] + 1] < 235).sum(axis=0) > 0)[0]
        width_mm = (cols[-1] - cols[0] + 1) / page.dpi * 25.4
        assert abs(width_mm - 85.6) < 2.5, width_mm


def test_no_scan_is_stored_in_the_clear(qtbot: QtBot, make_terminal, camera, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9", camera_backend=camera)
    window = open_window(qtbot, terminal)
    dialog = open_capture(qtbot, window)
    dialog.id_copy_check.setChecked(False)
    take(qtbot, dialog)
    jpeg = dialog.pages()[0].jpeg
    qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    page = window.form_page
    assert page is not None
    fill_registration(qtbot, window)
    qtbot.waitUntil(page.submit_button.isEnabled, timeout=5000)
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result.submission_id is not None, timeout=20000)
    blobs = list((data_dir / "blobs").rglob("*.blob"))
    assert len(blobs) == 3  # the page, the signature and the receipt
    probe = jpeg[200:264]  # any run of the page's JPEG bytes would betray a plaintext copy
    for path in data_dir.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            assert probe not in raw and b"%PDF" not in raw, path


def test_unplugged_camera_is_said_and_comes_back(qtbot: QtBot, make_terminal, camera) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9", camera_backend=camera)
    window = open_window(qtbot, terminal)
    dialog = open_capture(qtbot, window)
    camera.unplug()
    qtbot.waitUntil(lambda: "高拍仪已断开" in dialog.status.text(), timeout=10000)
    assert not dialog.capture_button.isEnabled()
    assert "已断开" in window.device_indicators["camera"].full_text()
    camera.plug()
    qtbot.waitUntil(dialog.capture_button.isEnabled, timeout=15000)
    assert "就绪" in window.device_indicators["camera"].full_text()
    dialog.id_copy_check.setChecked(False)
    take(qtbot, dialog)


def test_two_documents_are_refused_and_nothing_is_added(qtbot: QtBot, make_terminal, camera) -> None:  # type: ignore[no-untyped-def]
    from devices.sim.docscene import render_scene

    terminal = make_terminal("http://127.0.0.1:9", camera_backend=camera)
    window = open_window(qtbot, terminal)
    dialog = open_capture(qtbot, window)
    dialog.id_copy_check.setChecked(False)
    camera.camera().place(render_scene(13, size=(MODES[0].width, MODES[0].height), documents=2,
                                       kind="a4_text").image)
    qtbot.waitUntil(dialog.capture_button.isEnabled, timeout=10000)
    qtbot.mouseClick(dialog.capture_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.busy() == 0 and "多份材料" in dialog.status.text(), timeout=20000)
    assert dialog.page_list.count() == 0


def test_a_photo_from_disk_goes_through_the_same_pipeline(qtbot: QtBot, make_terminal, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from devices.sim.docscene import render_scene

    terminal = make_terminal("http://127.0.0.1:9")  # no camera at all
    window = open_window(qtbot, terminal)
    open_registration(qtbot, window)
    assert window.form_page is not None
    qtbot.mouseClick(window.form_page.materials.buttons["identity_document"], Qt.MouseButton.LeftButton)
    dialog = window.capture_dialog
    assert dialog is not None and not dialog.capture_button.isEnabled()
    dialog.id_copy_check.setChecked(False)
    photo = tmp_path / "photo.jpg"
    cv2.imwrite(str(photo), render_scene(3, size=(1632, 1224), kind="a4_table").image)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a picture")
    dialog.import_file(broken)
    qtbot.waitUntil(lambda: dialog.busy() == 0 and "无法读取" in dialog.status.text(), timeout=10000)
    dialog.import_file(photo)
    qtbot.waitUntil(lambda: dialog.busy() == 0 and dialog.page_list.count() == 1, timeout=20000)
    page = dialog.pages()[0]
    assert isinstance(page.image, np.ndarray) and page.height_px > page.width_px


def test_pages_can_be_assigned_to_another_material(qtbot: QtBot, make_terminal, camera) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9", camera_backend=camera)
    window = open_window(qtbot, terminal)
    dialog = open_capture(qtbot, window)
    dialog.id_copy_check.setChecked(False)
    take(qtbot, dialog)
    dialog.material_combo.setCurrentIndex(dialog.material_combo.findData("authorisation"))
    assert not dialog.id_copy_check.isChecked()  # a letter is photographed as pages
    qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    page = window.form_page
    assert page is not None
    assert page.materials.attached().keys() == {"authorisation"}
    assert len(page.materials.pages["authorisation"]) == 1


def test_authorisation_is_required_only_with_an_agent(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    from .test_e2e_registration import type_text

    terminal = make_terminal("http://127.0.0.1:9")
    window = open_window(qtbot, terminal)
    open_registration(qtbot, window)
    page = window.form_page
    assert page is not None
    counts = page.materials._counts
    assert counts["authorisation"].text() == "无需提供"
    assert counts["agent_identity_document"].text() == "无需提供"
    type_text(qtbot, page.view.widget("agent_name"), "李四")  # type: ignore[arg-type]
    assert counts["agent_identity_document"].text() == "未拍摄"  # an agent acts: their ID copy (issue 19)
    page.view.set_value("agent_relation", "relative")  # the authorisation goes with the relation
    qtbot.waitUntil(lambda: counts["authorisation"].text() == "未拍摄", timeout=5000)
    page.view.set_value("agent_relation", "guardian")  # a guardian acts by law: no authorisation
    qtbot.waitUntil(lambda: counts["authorisation"].text() == "无需提供", timeout=5000)


def test_closing_the_window_with_the_dialog_open_lets_go_of_camera_and_terminal(  # type: ignore[no-untyped-def]
        qtbot: QtBot, make_terminal, camera) -> None:
    """A dialog destroyed with its window never finishes: the window detaches it first, so the camera
    thread and the terminal never call its mailbox or bridge again while Qt destroys them."""
    import shiboken6

    terminal = make_terminal("http://127.0.0.1:9", camera_backend=camera)
    service = terminal.camera
    assert service is not None
    for _ in range(4):
        # not registered with qtbot: the window is destroyed here, while the camera streams
        window = MainWindow(terminal, CLERK, OpRunner())
        window.show()
        dialog = open_capture(qtbot, window)
        mailbox, bridge = dialog.mailbox, dialog.state_bridge
        assert service.viewer is mailbox and terminal.events.listening(bridge)
        window.close()
        assert window.capture_dialog is None
        assert service.viewer is None
        assert not terminal.events.listening(bridge) and not terminal.events.listening(window.bridge)
        window.deleteLater()
        qtbot.waitUntil(lambda mailbox=mailbox: not shiboken6.isValid(mailbox), timeout=10000)  # type: ignore[misc]

    # a released viewer is never called again, and a dialog opened afterwards still gets frames
    old: list[str] = []
    new: list[str] = []
    service.set_viewer(lambda event: old.append(event.kind))
    qtbot.waitUntil(lambda: len(old) >= 2, timeout=10000)
    service.release_viewer(lambda event: None)  # not the current viewer: nothing changes
    assert service.viewer is not None
    service.set_viewer(None)
    calls = len(old)
    service.set_viewer(lambda event: new.append(event.kind))
    qtbot.waitUntil(lambda: len(new) >= 3, timeout=10000)
    service.set_viewer(None)
    assert len(old) == calls
    window = open_window(qtbot, terminal)
    open_capture(qtbot, window)
