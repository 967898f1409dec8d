"""Abuse suite (issue 17, item 3 for images): the capture dialog's "从文件导入" with a decompression bomb.

The file chooser is Qt's (``QFileDialog.getOpenFileNames``), the only thing replaced: it hands the dialog a
76 KB-class PNG that declares 20000×20000 pixels. The dialog must say why in Chinese (through
``app/ui/errors.py`` like every other error), decode nothing (the window's peak memory does not grow by the
1.2 GB one colour decode would take), and stay usable: a real photo imported next becomes a page.
"""

from __future__ import annotations

import resource
from pathlib import Path

import cv2
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from .test_capture_window import open_window
from .test_e2e_registration import open_registration

#: the most the window's peak RSS may grow while refusing the bomb (a decode would add 1200 MB)
GROWTH_BOUND = 300 * 1024 * 1024


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def test_import_from_file_refuses_a_png_bomb_in_chinese_and_stays_usable(  # type: ignore[no-untyped-def]
        qtbot: QtBot, make_terminal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from devices.sim.docscene import render_scene
    from tests.devices.test_abuse_images import png_bomb

    bomb = tmp_path / "扫描件.png"
    bomb.write_bytes(png_bomb(20000))
    photo = tmp_path / "photo.jpg"
    assert cv2.imwrite(str(photo), render_scene(3, size=(1632, 1224), kind="a4_table").image)
    chosen: list[Path] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_args, **_kw: ([str(p) for p in chosen], ""))

    terminal = make_terminal("http://127.0.0.1:9")  # no camera: importing is the only way in
    window = open_window(qtbot, terminal)
    open_registration(qtbot, window)
    assert window.form_page is not None
    qtbot.mouseClick(window.form_page.materials.buttons["identity_document"], Qt.MouseButton.LeftButton)
    dialog = window.capture_dialog
    assert dialog is not None
    dialog.id_copy_check.setChecked(False)

    before = _peak_rss()
    chosen[:] = [bomb]
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.busy() == 0 and "图片像素过多" in dialog.status.text(), timeout=20000)
    text = dialog.status.text()
    assert "扫描件.png" in text and "1 亿像素" in text
    assert _peak_rss() - before < GROWTH_BOUND
    assert dialog.page_list.count() == 0 and dialog.import_button.isEnabled()

    chosen[:] = [photo]
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.busy() == 0 and dialog.page_list.count() == 1, timeout=20000)
