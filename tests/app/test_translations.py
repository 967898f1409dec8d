"""English through Qt's translation files: complete, current, and actually used by the window."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from app.ui.qt_app import install_qt_translator, install_translator
from app.ui.signin import SignInDialog

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "sicounter_en.ts"


def _sources(ts: Path) -> set[tuple[str, str]]:
    tree = ET.parse(ts)
    return {(ctx.findtext("name") or "", msg.findtext("source") or "")
            for ctx in tree.iter("context") for msg in ctx.iter("message")}


def test_every_string_is_translated() -> None:
    unfinished = []
    for msg in ET.parse(TS).iter("message"):
        translation = msg.find("translation")
        if translation is None or translation.get("type") or not (translation.text or "").strip():
            unfinished.append(msg.findtext("source"))
    assert unfinished == []


def test_translation_file_matches_the_code(tmp_path: Path) -> None:
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in (ROOT / "app" / "ui").glob("*.py"))
    subprocess.run([str(lupdate), *sources, "-ts", str(fresh)], check=True, capture_output=True, timeout=120)
    assert _sources(fresh) == _sources(TS), "run pyside6-lupdate and translate the new strings"


def test_window_speaks_english_when_asked(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translator = install_translator(app, "en_GB")
    assert translator is not None
    try:
        terminal = make_terminal("http://127.0.0.1:9")
        from app.ui.ops import OpRunner
        dialog = SignInDialog(terminal, OpRunner())
        qtbot.addWidget(dialog)
        assert dialog.button.text() == "Sign in"
        assert dialog.windowTitle().startswith("Clerk sign-in")
    finally:
        app.removeTranslator(translator)
    for chinese_by_default in ("zh_CN", "C", "POSIX", "de_DE"):
        assert install_translator(app, chinese_by_default) is None


def test_qt_own_buttons_speak_chinese(qtbot: QtBot) -> None:
    """Standard buttons (OK/Cancel in every dialog, the print dialog) come from Qt's translations."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert install_qt_translator(app, "en_GB") is None
    translator = install_qt_translator(app, "zh_CN")
    assert translator is not None
    try:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        assert box.button(QDialogButtonBox.StandardButton.Ok).text() == "确定"
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    finally:
        app.removeTranslator(translator)
