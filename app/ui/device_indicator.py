"""One status-bar indicator for any device: its label and the state its last event left it in.

The words and tone depend on the ``DeviceState`` alone, so every device reads the same way and a new
device needs no widget of its own; a spec's ``note`` may add a few words (the camera's resolution).
On a narrow bar it shortens (``StatusText``): the spec's short label and the state, then the short
label and a symbol for the state (so high contrast, which has no colours, still tells them apart).
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QWidget

from app.device_registry import DeviceEvent, DeviceSpec, DeviceState
from app.ui.status_widgets import StatusText

# the default devices' texts from app/device_registry.py, marked here for lupdate (it reads app/ui only);
# a device registered elsewhere shows its Chinese text until its words are added here and translated
DEVICE_TEXTS = (
    QT_TRANSLATE_NOOP("devices", "社保卡读卡器"),
    QT_TRANSLATE_NOOP("devices", "身份证读卡器"),
    QT_TRANSLATE_NOOP("devices", "高拍仪"),
    QT_TRANSLATE_NOOP("devices", "社保卡"),
    QT_TRANSLATE_NOOP("devices", "身份证"),
    QT_TRANSLATE_NOOP("devices", "社保卡已拔出。已填写的内容保留在表单中。"),
    QT_TRANSLATE_NOOP("devices", "读卡服务未运行"),
    QT_TRANSLATE_NOOP("devices", "{mp:.0f} 百万像素"),
)


def device_text(text: str) -> str:
    """A device spec's Chinese text (label, notice, note), translated."""
    return QCoreApplication.translate("devices", text)


def _retone(widget: QWidget, tone: str) -> None:
    widget.setProperty("tone", tone)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


# the state as one symbol, for the shortest form
_SYMBOLS = {DeviceState.ABSENT: "○", DeviceState.READY: "✓", DeviceState.BUSY: "…", DeviceState.READ: "✓",
            DeviceState.FAILED: "!", DeviceState.LOST: "✕"}


class DeviceIndicator(StatusText):
    """``● 社保卡读卡器：就绪``: a device's label, its state in words, and a tone (ok, busy, warn, error).

    Shorter: ``● 社保卡：就绪``, then ``社保卡✓``; the tooltip keeps the full words.
    """

    def __init__(self, spec: DeviceSpec, watching: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.spec = spec
        self.setObjectName(f"deviceStatus_{spec.key}")
        self.setProperty("deviceStatus", True)
        self.label = device_text(spec.label)
        self.short_label = device_text(spec.short_label or spec.label)
        # the state shown (None until the device reported)
        self.state: DeviceState | None = None
        self._lost = False  # after a loss, "absent" goes on meaning "disconnected"
        text = self.tr("{label}：查找中…") if watching else self.tr("{label}：未启用")
        self._set((text.format(label=self.label), text.format(label=self.short_label),
                   self.short_label + ("…" if watching else "－")), "idle")

    def _words(self, state: DeviceState) -> tuple[str, str]:
        if state is DeviceState.ABSENT:
            return self.tr("未连接"), "warn"
        if state is DeviceState.READY:
            return self.tr("就绪"), "ok"
        if state is DeviceState.BUSY:
            return self.tr("正在读卡…"), "busy"
        if state is DeviceState.READ:
            return self.tr("已读卡"), "ok"
        if state is DeviceState.FAILED:
            return self.tr("读卡失败"), "error"
        return self.tr("已断开"), "error"

    def show_event(self, event: DeviceEvent) -> None:
        state = event.state
        if state is DeviceState.ABSENT and self._lost:
            return  # still the loss the clerk was told about, not a new absence
        self._lost = state is DeviceState.LOST
        self.state = state
        words, tone = self._words(state)
        short = self.tr("● {label}：{state}").format(label=self.short_label, state=words)
        note = self.spec.note(event)
        if note is not None:
            words = self.tr("{state}（{note}）").format(state=words, note=device_text(note.text).format(**note.values))
        self._set((self.tr("● {label}：{state}").format(label=self.label, state=words), short,
                   self.short_label + _SYMBOLS[state]), tone)

    def _set(self, forms: tuple[str, str, str], tone: str) -> None:
        self.set_forms(*forms)
        _retone(self, tone)
