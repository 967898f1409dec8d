"""The status bar says everything whole at 1366x768, at 100, 150 and 200 % text (issue 19 leftover).

A real window hears what makes its status bar longest, through the handlers the devices and the sync
engine reach (card reader's service gone, ID reader failed, camera ready with its resolution, central
system unreachable with its hint, cases pending, awaiting review and returned); then every status text
is measured: what it shows fits the width it was given and lies left of 立即同步, and its tooltip and
accessible name carry the full words. Only the error is elided, with the whole of it in its tooltip.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from app.device_registry import CARD_READER, ID_READER, DeviceEvent, DeviceState
from app.queries import SyncStatus
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application
from app.ui.status_widgets import StatusText
from app.ui.theme import Look, apply_look, current_look
from core.errors import CardError, CentralUnreachable, DeviceDisconnected
from devices.camera.connection import Mode
from devices.camera.watch import CameraEvent
from local_db.clerks import ClerkInfo, Role
from sync.events import Offline

from .test_small_screen import rect_in

EVERY_POST = ClerkInfo("1001", "测试柜员", frozenset({Role.FRONT_DESK, Role.REVIEW, Role.SUPERVISOR, Role.AUDITOR}))


@pytest.fixture
def window(qtbot: QtBot, make_terminal) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    app = make_application()
    shown = MainWindow(make_terminal("http://127.0.0.1:9"), EVERY_POST, OpRunner())
    qtbot.addWidget(shown)
    shown.resize(1366, 768)
    shown.show()
    qtbot.waitExposed(shown)
    qtbot.waitUntil(lambda: shown.ops.pending() == 0)  # the window's own first reading of the counts is in
    yield shown
    apply_look(app, Look())


def longest_status(window: MainWindow) -> None:
    window._on_device_event(DeviceEvent(device=CARD_READER, state=DeviceState.LOST, kind="service_down",
                                        error=DeviceDisconnected("pcscd stopped")))
    window._on_device_event(DeviceEvent(device=ID_READER, state=DeviceState.FAILED, error=CardError("checksum")))
    window._on_device_event(CameraEvent("opened", still_mode=Mode(4208, 3120)))
    window._on_sender_event(Offline(pending=12, error=CentralUnreachable("connection refused")))
    window._show_status(SyncStatus(pending=12, awaiting_review=3, returned=2,
                                   last_sync=datetime(2026, 12, 6, 23, 30, 1).astimezone(), last_error=None))


def settle(qtbot: QtBot, scale: int | None = None, window: MainWindow | None = None) -> None:
    if window is not None and scale is not None:
        window.a11y.set_scale(scale)
        assert current_look() == Look(scale)
    qtbot.wait(50)
    QApplication.processEvents()


def status_texts(window: MainWindow) -> list[StatusText]:
    texts = window.status_strip.texts
    assert set(window.device_indicators.values()) <= set(texts)
    assert {window.conn_label, window.pending_label, window.sync_label, window.home_visit.age_label} <= set(texts)
    return texts


def assert_whole(window: MainWindow, where: str) -> None:
    """Each status text shows whole within the bar, left of 立即同步; its full words are in its tooltip."""
    assert (window.width(), window.height()) == (1366, 768), f"{where}: the window grew to {window.size()}"
    bar = window.statusBar()
    send = bar.findChild(QPushButton, "sendNowButton")
    limit = rect_in(send, bar).left()
    for text in status_texts(window):
        shown = text.text()
        needed = text.fontMetrics().horizontalAdvance(shown)
        assert text.isVisible(), f"{where}: {text.objectName()} hidden"
        assert text.contentsRect().width() >= needed, \
            f"{where}: {text.objectName()} {shown!r} needs {needed} px, has {text.contentsRect().width()}"
        assert rect_in(text, bar).right() < limit, f"{where}: {text.objectName()} {shown!r} runs under 立即同步"
        assert text.full_text() in text.toolTip() and text.accessibleName() == text.full_text()
    error = window.error_label
    assert error.full_text() == CentralUnreachable.hint and error.toolTip() == CentralUnreachable.hint
    assert rect_in(error, bar).right() < limit


@pytest.mark.parametrize("scale", [100, 150, 200])
def test_the_longest_status_fits_1366_wide(qtbot: QtBot, window: MainWindow, scale: int) -> None:
    longest_status(window)
    settle(qtbot, scale, window)
    assert_whole(window, f"1366x768 at {scale} %")
    # the devices shorten together, so they read alike
    assert len({indicator.level for indicator in window.device_indicators.values()}) == 1
    # the bar asks for no more than its shortest forms: it never pushes the window wider
    assert window.status_strip.minimumSizeHint().width() <= window.status_strip.width()


def test_at_200_percent_the_texts_take_their_shortest_forms_and_keep_their_meaning(
        qtbot: QtBot, window: MainWindow) -> None:
    longest_status(window)
    settle(qtbot, 200, window)
    indicators = window.device_indicators
    assert indicators[CARD_READER].text() == "社保卡✕"
    assert indicators[CARD_READER].full_text() == "● 社保卡读卡器：已断开（读卡服务未运行）"
    assert indicators[ID_READER].text() == "身份证!"
    assert window.sync_label.text() == "23:30" and "最近同步：12-06 23:30:01" in window.sync_label.toolTip()
    assert window.pending_label.full_text() == "待发送：12　待复核：3　已退回：2"


def test_a_wide_window_shows_the_full_words_again(qtbot: QtBot, window: MainWindow) -> None:
    longest_status(window)
    settle(qtbot, 200, window)
    assert window.conn_label.text() != window.conn_label.full_text()
    settle(qtbot, 100, window)
    window.resize(2400, 768)
    qtbot.waitUntil(lambda: all(text.text() == text.full_text() for text in status_texts(window)), timeout=5000)
    assert window.error_label.text() == CentralUnreachable.hint  # room enough: not elided either
