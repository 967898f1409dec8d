"""The signature pad (issue 19): a pen's tablet events with pressure, a finger's touch events and a mouse draw
strokes; an empty pad or a dot is refused in Chinese; the signature becomes a non-empty 600x200 PNG; the
dialog opens on the screen it is given. Events are synthesised the way Qt delivers them to the widget.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ui.signature_dialog import SignatureDialog
from app.ui.signature_pad import CANVAS, SignaturePad, SignaturePanel, StrokePoint, strokes_png

PEN = QPointingDevice("test pen", 9001, QInputDevice.DeviceType.Stylus, QPointingDevice.PointerType.Pen,
                      QInputDevice.Capability.Position | QInputDevice.Capability.Pressure, 1, 3)


def _pad(qtbot: QtBot) -> SignaturePad:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(CANVAS.width(), CANVAS.height())  # one widget pixel per canvas unit
    pad.show()
    return pad


def _tablet(pad: SignaturePad, kind: QEvent.Type, x: float, y: float, pressure: float) -> None:
    buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.TabletRelease else Qt.MouseButton.LeftButton
    event = QTabletEvent(kind, PEN, QPointF(x, y), QPointF(pad.mapToGlobal(QPoint(int(x), int(y)))), pressure,
                         0.0, 0.0, 0.0, 0.0, 0.0, Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton, buttons)
    QApplication.sendEvent(pad, event)


def _ink_pixels(png: bytes) -> int:
    image = QImage.fromData(png)
    colours = (QColor.fromRgba(image.pixel(x, y)) for y in range(0, image.height(), 2)
               for x in range(0, image.width(), 2))
    return sum(1 for c in colours if c.alpha() > 128 and c.lightness() < 128)


def test_a_pen_draws_a_stroke_whose_width_follows_its_pressure(qtbot: QtBot) -> None:
    pad = _pad(qtbot)
    _tablet(pad, QEvent.Type.TabletPress, 40, 60, 0.95)
    for x in range(60, 420, 20):
        _tablet(pad, QEvent.Type.TabletMove, x, 60 + (x % 80), 0.95)
    _tablet(pad, QEvent.Type.TabletRelease, 420, 100, 0.95)
    heavy = [list(s) for s in pad.strokes]
    assert len(heavy) == 1 and len(heavy[0]) > 10 and all(p.pressure == 0.95 for p in heavy[0])
    assert pad.problem() is None
    light = [[StrokePoint(p.x, p.y, 0.05) for p in heavy[0]]]
    # the same path under a light touch leaves clearly less ink than under a firm one
    assert _ink_pixels(strokes_png(light)) * 1.5 < _ink_pixels(strokes_png(heavy))


def test_a_finger_on_a_touch_screen_draws(qtbot: QtBot) -> None:
    pad = _pad(qtbot)
    touch = QTest.createTouchDevice()
    QTest.touchEvent(pad, touch).press(0, QPoint(50, 50), pad).commit()
    for x in range(70, 400, 15):
        QTest.touchEvent(pad, touch).move(0, QPoint(x, 50 + x // 5), pad).commit()
    QTest.touchEvent(pad, touch).release(0, QPoint(400, 130), pad).commit()
    assert len(pad.strokes) == 1 and len(pad.strokes[0]) > 20
    assert (pad.strokes[0][0].x, pad.strokes[0][0].y) == (50, 50)
    assert pad.problem() is None


def test_a_mouse_draws_and_clear_starts_again(qtbot: QtBot) -> None:
    pad = _pad(qtbot)
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(30, 150))
    for x in range(40, 500, 25):
        QTest.mouseMove(pad, QPoint(x, 150 - x // 6))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(500, 70))
    assert pad.strokes and pad.problem() is None
    pad.clear()
    assert pad.is_empty() and pad.problem() is not None


def test_an_empty_pad_is_refused_with_a_chinese_hint(qtbot: QtBot) -> None:
    panel = SignaturePanel("申请人", "李秀英")
    qtbot.addWidget(panel)
    with qtbot.assertNotEmitted(panel.signed):
        assert panel.confirm() is False
    assert "还没有签字" in panel.hint.text()


def test_a_dot_is_not_a_signature(qtbot: QtBot) -> None:
    pad = _pad(qtbot)
    _tablet(pad, QEvent.Type.TabletPress, 300, 100, 0.8)
    _tablet(pad, QEvent.Type.TabletMove, 303, 101, 0.8)
    _tablet(pad, QEvent.Type.TabletRelease, 304, 101, 0.8)
    assert not pad.is_empty()
    problem = pad.problem()
    assert problem is not None and "签字过短" in problem and "清除" in problem


def test_the_signature_becomes_a_non_empty_png_of_the_pad_size(qtbot: QtBot) -> None:
    panel = SignaturePanel("代办人", "王小明")
    qtbot.addWidget(panel)
    panel.resize(900, 500)
    panel.show()
    pad = panel.pad
    box = pad.rect()
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, box.center() - QPoint(150, 0))
    for dx in range(-140, 160, 10):
        QTest.mouseMove(pad, box.center() + QPoint(dx, (dx % 40) - 20))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, box.center() + QPoint(150, 0))
    with qtbot.waitSignal(panel.signed) as signed:
        assert panel.confirm() is True
    png = signed.args[0]
    assert isinstance(png, bytes) and png.startswith(b"\x89PNG")
    image = QImage.fromData(png)
    assert (image.width(), image.height()) == (CANVAS.width(), CANVAS.height())
    assert round(image.dotsPerMeterX() * 0.0254) == 300
    assert QColor.fromRgba(image.pixel(0, 0)).alpha() == 0  # transparent ground
    assert _ink_pixels(png) > 100


def test_the_dialog_opens_on_the_screen_it_is_given(qtbot: QtBot) -> None:
    screen = QApplication.screens()[-1]
    dialog = SignatureDialog("申请人", "李秀英", screen=screen)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.screen() is screen
    assert screen.availableGeometry().contains(dialog.geometry().center())
    assert dialog.panel.prompt.text() == "请核对屏幕上的信息并签字"
    assert "申请人" in dialog.panel.who.text() and "李秀英" in dialog.panel.who.text()
