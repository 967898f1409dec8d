"""An ID copy's side whose outline the detector did not trust is checked by the clerk before it is composed.

The real capture dialog, fed imported photos from the scene generator (and, for automatic capture, the
simulated camera): an untrusted side opens the edge editor on its still, starting from the outline the
detector suggested; Enter goes on with the clerk's corners, Esc drops only that side, and a trusted side
goes straight through. The untrusted cards are searched for, starting from the seed found when this was
written, so that a change to the detector makes the search move on rather than the tests pass vacuously.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.scans import card_from_corners, find_card, id_copy, import_image, scan_options
from app.terminal import Terminal
from app.ui.capture_dialog import CaptureDialog
from app.ui.corner_editor import CornerEditor
from devices.scan.detect import Detection, FrameProblem, detect_document
from devices.scan.geometry import corner_error
from devices.sim.docscene import Scene, render_scene

from .test_edge_editor import open_dialog as open_capture

SIZE = (1632, 1224)
#: cards the detector finds and trusts (the automatic-capture tests lay the same ones)
TRUSTED_FRONT, TRUSTED_BACK = 41, 42


def untrusted_card(kind: str, seeds: Iterable[int], *, wrong: bool = False) -> Scene:
    """A card whose outline the detector finds but does not trust; ``wrong``: one it also found wrongly."""
    for seed in seeds:
        scene = render_scene(seed, size=SIZE, kind=kind)
        found = detect_document(scene.image)
        if found.quad is not None and found.problem is None and not found.confident and (
                not wrong or corner_error(found.quad, scene.corners) > 0.05):
            return scene
    pytest.fail(f"no untrusted {kind} among the seeds searched")


def trusted_card(seed: int, kind: str) -> Scene:
    scene = render_scene(seed, size=SIZE, kind=kind)
    assert detect_document(scene.image).confident, f"{kind} {seed} is no longer trusted: pick another"
    return scene


def open_dialog(qtbot: QtBot, terminal: Terminal) -> CaptureDialog:
    dialog = open_capture(qtbot, terminal, "identity_document")
    assert dialog.id_copy_check.isChecked()
    return dialog


def lay(qtbot: QtBot, dialog: CaptureDialog, scene: Scene, path: Path) -> Path:
    """Import the side's photo; wait until it is kept, composed, or waiting in the editor for the clerk."""
    cv2.imwrite(str(path), scene.image)
    dialog.import_file(path)
    qtbot.waitUntil(lambda: dialog.busy() == 0, timeout=30000)
    return path


def opened_editor(qtbot: QtBot, dialog: CaptureDialog) -> CornerEditor:
    editor = dialog.edge_editor
    assert isinstance(editor, CornerEditor) and editor.isVisible()
    qtbot.waitExposed(editor)
    assert editor.reason.isVisible() and "边缘识别不确定" in editor.reason.text()
    assert editor.windowTitle() == "核对证件边缘"
    assert dialog.page_list.count() == 0
    return editor


def test_an_untrusted_front_is_composed_along_the_corners_the_clerk_confirmed(  # type: ignore[no-untyped-def]
        qtbot: QtBot, make_terminal, tmp_path: Path) -> None:
    front = untrusted_card("id_front", (31, *range(1, 200)), wrong=True)
    suggested = detect_document(front.image).quad
    assert suggested is not None
    dialog = open_dialog(qtbot, make_terminal("http://127.0.0.1:9"))
    attached: list[int] = []
    dialog.attached.connect(lambda _key, pages: attached.append(len(pages)))
    front_path = lay(qtbot, dialog, front, tmp_path / "front.png")

    editor = opened_editor(qtbot, dialog)
    assert "人像面边缘识别不确定" in editor.reason.text() and "人像面边缘识别不确定" in dialog.status.text()
    assert float(np.abs(editor.canvas.corners() - suggested).max()) < 1.0  # from the detector's suggestion
    assert dialog._front is None  # not kept before the clerk has confirmed it
    for index, corner in enumerate(front.corners):  # the clerk puts the corners on the card's own
        editor.canvas.move_corner(index, corner)
    corners = editor.canvas.corners()
    QTest.keyClick(editor.canvas, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.edge_editor is None, timeout=5000)
    assert dialog.busy() == 0 and dialog.page_list.count() == 0
    assert "已拍人像面。请翻面，放国徽面" in dialog.status.text()  # the flow goes on as for a trusted front

    back = trusted_card(TRUSTED_BACK, "id_back")
    back_path = lay(qtbot, dialog, back, tmp_path / "back.png")
    qtbot.waitUntil(lambda: dialog.page_list.count() == 1, timeout=30000)
    assert dialog.edge_editor is None  # a trusted back goes straight through
    assert "已合成身份证复印件" in dialog.status.text() and attached == [1]
    page = dialog.pages()[0]
    options = scan_options(dialog.terminal)
    back_side = find_card(import_image(back_path))
    clerks = id_copy(card_from_corners(import_image(front_path), corners), back_side, options)
    detectors = id_copy(card_from_corners(import_image(front_path), suggested), back_side, options)
    assert np.array_equal(page.image, clerks.image)
    assert not np.array_equal(page.image, detectors.image)
    dialog.reject()


def test_escape_on_an_untrusted_back_keeps_the_front_and_composes_nothing(  # type: ignore[no-untyped-def]
        qtbot: QtBot, make_terminal, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, make_terminal("http://127.0.0.1:9"))
    attached: list[int] = []
    dialog.attached.connect(lambda _key, pages: attached.append(len(pages)))
    front_path = lay(qtbot, dialog, trusted_card(TRUSTED_FRONT, "id_front"), tmp_path / "front.png")
    assert dialog.edge_editor is None  # a trusted front goes straight through, as before
    kept = dialog._front
    assert kept is not None and kept.confident and "请翻面，放国徽面" in dialog.status.text()

    lay(qtbot, dialog, untrusted_card("id_back", (3, *range(1, 200))), tmp_path / "untrusted-back.png")
    editor = opened_editor(qtbot, dialog)
    assert "国徽面边缘识别不确定" in editor.reason.text()
    editor.canvas.move_corner(0, np.array([5.0, 5.0], dtype=np.float32))
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.edge_editor is None, timeout=5000)
    assert dialog._front is kept and dialog.busy() == 0
    assert dialog.page_list.count() == 0 and attached == []
    assert "国徽面未采用" in dialog.status.text() and "人像面仍保留" in dialog.status.text()
    assert dialog.done_button.isEnabled()

    # the back laid again (trusted this time) is composed with the front kept
    back_path = lay(qtbot, dialog, trusted_card(TRUSTED_BACK, "id_back"), tmp_path / "back.png")
    qtbot.waitUntil(lambda: dialog.page_list.count() == 1, timeout=30000)
    assert dialog.edge_editor is None and attached == [1]
    expected = id_copy(find_card(import_image(front_path)), find_card(import_image(back_path)),
                       scan_options(dialog.terminal))
    assert np.array_equal(dialog.pages()[0].image, expected.image)
    dialog.reject()


def test_escape_on_an_untrusted_front_keeps_nothing(  # type: ignore[no-untyped-def]
        qtbot: QtBot, make_terminal, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, make_terminal("http://127.0.0.1:9"))
    lay(qtbot, dialog, untrusted_card("id_front", (31, *range(1, 200))), tmp_path / "front.png")
    editor = opened_editor(qtbot, dialog)
    QTest.mouseClick(editor.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.edge_editor is None, timeout=5000)
    assert dialog._front is None and dialog.busy() == 0 and dialog.page_list.count() == 0
    assert "人像面未采用。请重新放人像面" in dialog.status.text()
    # the next card laid is a front again, not a back
    lay(qtbot, dialog, trusted_card(TRUSTED_FRONT, "id_front"), tmp_path / "again.png")
    assert dialog._front is not None and dialog.page_list.count() == 0
    # closing the dialog (the session ends) with a side being checked closes the editor too, as cancelled
    lay(qtbot, dialog, untrusted_card("id_back", (3, *range(1, 200))), tmp_path / "back.png")
    editor = opened_editor(qtbot, dialog)
    dialog.reject()
    assert dialog.edge_editor is None and not editor.isVisible() and dialog.page_list.count() == 0


def test_corners_that_enclose_no_card_are_set_again_not_kept(  # type: ignore[no-untyped-def]
        qtbot: QtBot, make_terminal, tmp_path: Path) -> None:
    """Checked when the clerk confirms them: a front along a sliver would otherwise fail only with the back."""
    dialog = open_dialog(qtbot, make_terminal("http://127.0.0.1:9"))
    lay(qtbot, dialog, untrusted_card("id_front", (31, *range(1, 200))), tmp_path / "front.png")
    editor = opened_editor(qtbot, dialog)
    sliver = np.array([[100, 100], [1500, 110], [1500, 118], [100, 108]], dtype=np.float32)
    editor.canvas.set_corners(sliver)
    QTest.keyClick(editor.canvas, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.edge_editor is not None and dialog.edge_editor is not editor, timeout=5000)
    again = dialog.edge_editor
    assert isinstance(again, CornerEditor) and "四个角点" in again.reason.text()
    assert np.allclose(again.canvas.corners(), sliver)  # from where the clerk left them
    assert dialog._front is None and dialog.busy() == 0
    again.reject()
    qtbot.waitUntil(lambda: dialog.edge_editor is None, timeout=5000)
    assert dialog._front is None
    dialog.reject()


def test_nothing_is_taken_by_itself_while_a_card_side_is_being_checked(  # type: ignore[no-untyped-def]
        qtbot: QtBot, make_terminal, tmp_path: Path) -> None:
    """The back laid under the camera while the clerk checks the front's corners waits for the editor to close,
    then is taken by itself and composed with the front the clerk confirmed."""
    from devices.sim.camera import SimulatedCameraBackend

    from .test_auto_capture import MODES, SETTLED, wait_frames
    from .test_auto_capture import open_dialog as open_live

    camera = SimulatedCameraBackend(modes=MODES, frame_delay=1 / 60)
    camera.camera().place(None)
    dialog = open_live(qtbot, make_terminal("http://127.0.0.1:9", camera_backend=camera), id_copy=True)
    lay(qtbot, dialog, untrusted_card("id_front", (31, *range(1, 200))), tmp_path / "front.png")
    editor = opened_editor(qtbot, dialog)
    camera.camera().place(trusted_card(TRUSTED_BACK, "id_back").image)  # trusted, lying still
    wait_frames(qtbot, dialog, 2 * SETTLED)
    assert dialog.auto_captures == 0 and dialog._front is None
    QTest.keyClick(editor.canvas, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.page_list.count() == 1 and dialog.busy() == 0, timeout=30000)
    assert dialog.auto_captures == 1 and dialog.edge_editor is None
    dialog.reject()


def test_the_preview_does_not_promise_an_id_copy_the_whole_frame(  # type: ignore[no-untyped-def]
        qtbot: QtBot, make_terminal) -> None:
    """With no outline in view, a page is taken whole; an ID copy is not (a card side needs its outline), so
    the hint tells the clerk how to lay the card instead."""
    dialog = open_dialog(qtbot, make_terminal("http://127.0.0.1:9"))
    nothing = Detection(None, FrameProblem.NO_DOCUMENT, 0.0)
    hint = dialog._hint_for(nothing)
    assert "证件" in hint and "整幅" not in hint
    dialog.id_copy_check.setChecked(False)  # a page of the same material, taken as a page
    assert "保留整幅画面" in dialog._hint_for(nothing)
    dialog.reject()
