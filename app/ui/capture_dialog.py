"""The capture dialog: live preview with the document's outline, pages taken, arranged and attached.

Three threads keep the preview live: the camera's device thread grabs frames (and finds the outline
on each at preview size), the GUI thread only paints the newest one (``app/ui/preview.py``), and a
worker turns a captured 8 MP still into a page.

The page is taken by itself once a trusted outline lies still and sharp (``app/autocapture.py``),
with a ring filling on the preview meanwhile; an uncertain outline is said and never taken by
itself. The newest pages keep their stills until the dialog closes, so the clerk can drag a page's
edges onto it by hand (``app/ui/corner_editor.py``) instead of retaking it: a page kept whole because
its outline was not trusted, or one cut along a wrong outline. Pages go to the material as they are
taken, deleted or rearranged (``attached``), so there is nothing to confirm: closing the dialog keeps them.
An ID copy guides front then back and closes by itself shortly after the two sides are composed (the
clerk may stay to retake); a side whose outline was not trusted (taken by hand or imported) is composed
only after the clerk has checked its corners in the same editor.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.autocapture import Phase, StillnessWatch, look, sharpness
from app.camera import CameraEvent, CameraService
from app.scans import (
    CapturedPage,
    CaptureUnusable,
    CardSide,
    ColourMode,
    Detection,
    FrameProblem,
    ScannedPage,
    ScanOptions,
    card_from_corners,
    crop_page,
    find_card,
    id_copy,
    import_image,
    process_frame,
    rotate_page,
)
from app.terminal import Terminal
from app.ui.bridge import EventBridge
from app.ui.corner_editor import CornerEditor
from app.ui.errors import sentence
from app.ui.ops import OpRunner
from app.ui.preview import FrameMailbox, PreviewView, thumbnail, to_qimage
from forms.definitions import MaterialDef


@dataclass
class _Request:
    replace: int | None  # page id to replace (retake), or None to add


@dataclass(frozen=True)
class _Still:
    """A page's still, kept so that the clerk can cut the page again along corners set by hand."""

    frame: NDArray[np.uint8]
    #: where the edge editor starts: the outline the page was cut along, or the one the detector suggested
    corners: NDArray[np.float32] | None
    #: quarter turns clockwise the clerk gave the page by hand (旋转): a page cut again from the still keeps
    #: them, so that the clerk need not turn it again
    turns: int = 0


#: stills kept for setting edges by hand (an 8 MP still is 24 MB in memory): the newest pages
MAX_STILLS = 6

#: how long the dialog stays open after an ID copy is composed, so the clerk can choose to stay and retake
AUTO_CLOSE_MS = 2500


class CaptureDialog(QDialog):
    """Take pages of one material; the form page gets them back through ``attached`` as they change.

    ``clock`` gives each preview frame its time for the stillness countdown (tests pass a frame
    counter, so 0.7 s of stillness is a number of frames, not a wait).
    """

    #: (material key, its pages in order now): emitted whenever they change, no confirmation needed
    attached = Signal(str, list)

    def __init__(self, terminal: Terminal, ops: OpRunner, materials: Sequence[MaterialDef], material_key: str,
                 options: ScanOptions, pages: Sequence[ScannedPage] = (), parent: QWidget | None = None, *,
                 clock: Callable[[], float] = time.monotonic, close_after_ms: int | None = AUTO_CLOSE_MS) -> None:
        super().__init__(parent)
        self.setObjectName("captureDialog")
        self.setWindowTitle(self.tr("拍摄材料"))
        self.terminal = terminal
        self.camera: CameraService | None = terminal.camera
        self.ops = ops
        self.options = options
        self._ids = count(1)
        self._pages: dict[int, ScannedPage] = {}
        self._requests: dict[int, _Request] = {}
        self._busy = 0
        self._camera_ready = False
        self._lost = False
        self._detached = False
        self._clock = clock
        self.watch = StillnessWatch()
        self._last: Detection | None = None  # the newest preview frame's detection
        self._last_look: NDArray[np.float32] | None = None
        self._key = material_key  # the material the pages are attached to now
        self._uncertain: set[int] = set()  # pages kept whole because their outline was not trusted
        # their stills, the outlines the detector suggested and the clerk's turns, for setting the edges by hand
        self._stills: dict[int, _Still] = {}
        self._turning: set[int] = set()  # pages being turned on a worker
        self._turns_asked: dict[int, int] = {}  # quarter turns asked for while their page was being turned
        self.edge_editor: CornerEditor | None = None  # open while the clerk sets a page's edges
        # reopened to look at pages already taken: what lies under the camera was most likely taken already
        self._seen_before = bool(pages)
        self.auto_captures = 0
        self.close_timer = QTimer(self)
        self.close_timer.setSingleShot(True)
        self.close_timer.setInterval(close_after_ms or 0)
        self.auto_close = close_after_ms is not None  # None: an ID copy never closes the dialog by itself
        self.close_timer.timeout.connect(self.accept)

        self.preview = PreviewView()
        self.status = QLabel()
        self.status.setObjectName("captureStatus")
        self.status.setWordWrap(True)
        self.capture_button = QPushButton(self.tr("拍摄（空格）"))
        self.capture_button.setObjectName("captureButton")
        self.capture_button.setProperty("primary", True)
        self.capture_button.clicked.connect(lambda: self.capture_by_hand())
        self.retake_button = QPushButton(self.tr("重拍所选页"))
        self.retake_button.setObjectName("retakeButton")
        self.retake_button.clicked.connect(self.retake)
        self.import_button = QPushButton(self.tr("从文件导入…"))
        self.import_button.setObjectName("importButton")
        self.import_button.clicked.connect(self.import_files)
        self.adjust_button = QPushButton(self.tr("调整边缘（E）"))
        self.adjust_button.setObjectName("adjustEdgesButton")
        self.adjust_button.setToolTip(self.tr("拖动四个角点重新框出所选页的材料边缘并按此裁切（整幅保留或裁边不准时）"))
        self.adjust_button.clicked.connect(self.adjust_edges)
        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("modeCombo")
        for mode, label in ((ColourMode.COLOUR, self.tr("彩色")), (ColourMode.GREY, self.tr("灰度")),
                            (ColourMode.BW, self.tr("黑白"))):
            self.mode_combo.addItem(label, mode.value)
        self.mode_combo.setCurrentIndex(max(0, self.mode_combo.findData(options.mode.value)))
        self.mode_combo.currentIndexChanged.connect(self._mode_changed)
        self.id_copy_check = QCheckBox(self.tr("身份证正反面合成一页"))
        self.id_copy_check.setObjectName("idCopyCheck")
        self.id_copy_check.toggled.connect(self._id_copy_toggled)
        self.auto_check = QCheckBox(self.tr("放稳后自动拍摄"))
        self.auto_check.setObjectName("autoCaptureCheck")
        self.auto_check.setChecked(True)
        self.auto_check.setToolTip(self.tr("材料放平不动约 0.7 秒且画面清晰时自动拍摄；边缘识别不可靠时不会自动拍摄"))
        self.auto_check.toggled.connect(lambda _on: self.preview.set_progress(None))
        self._front: CardSide | None = None
        # two rows, so the dialog fits a 1366-pixel screen: how to shoot, then what to do
        options_row = QHBoxLayout()
        options_row.addWidget(QLabel(self.tr("色彩：")))
        options_row.addWidget(self.mode_combo)
        options_row.addSpacing(12)
        options_row.addWidget(self.id_copy_check)
        options_row.addSpacing(12)
        options_row.addWidget(self.auto_check)
        options_row.addStretch(1)
        shoot_row = QHBoxLayout()
        shoot_row.addStretch(1)
        shoot_row.addWidget(self.import_button)
        shoot_row.addWidget(self.retake_button)
        shoot_row.addWidget(self.adjust_button)
        shoot_row.addWidget(self.capture_button)
        left = QVBoxLayout()
        left.addWidget(self.preview, 1)
        left.addWidget(self.status)
        left.addLayout(options_row)
        left.addLayout(shoot_row)

        self.material_combo = QComboBox()
        self.material_combo.setObjectName("materialCombo")
        for material in materials:
            self.material_combo.addItem(material.name, material.key)
        self.material_combo.setCurrentIndex(max(0, self.material_combo.findData(material_key)))
        self._captures = {material.key: material.capture for material in materials}
        self.material_combo.currentIndexChanged.connect(self._material_changed)
        self.page_list = QListWidget()
        self.page_list.setObjectName("pageList")
        self.page_list.setViewMode(QListWidget.ViewMode.IconMode)
        self.page_list.setIconSize(QSize(132, 176))
        self.page_list.setGridSize(QSize(150, 214))
        self.page_list.setMovement(QListWidget.Movement.Snap)
        self.page_list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.page_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.page_list.setMinimumWidth(330)
        self.page_list.model().rowsMoved.connect(self._renumber)
        self.page_list.currentRowChanged.connect(lambda _row: self._update_buttons())
        tools = QHBoxLayout()
        self.left_button = self._tool(self.tr("↺ 左转"), "rotateLeftButton", lambda: self.rotate(-1))
        self.right_button = self._tool(self.tr("↻ 右转"), "rotateRightButton", lambda: self.rotate(1))
        self.up_button = self._tool(self.tr("前移"), "moveUpButton", lambda: self.move_page(-1))
        self.down_button = self._tool(self.tr("后移"), "moveDownButton", lambda: self.move_page(1))
        self.delete_button = self._tool(self.tr("删除"), "deleteButton", self.delete)
        for button in (self.left_button, self.right_button, self.up_button, self.down_button, self.delete_button):
            tools.addWidget(button)
        # pages are attached as they are taken: the dialog only needs closing (Esc does it too)
        self.done_button = QPushButton(self.tr("完成（Esc）"))
        self.done_button.setObjectName("doneButton")
        self.done_button.setProperty("primary", True)
        self.done_button.setToolTip(self.tr("拍好的页面已随拍随附加到申请，关闭窗口即可"))
        self.done_button.clicked.connect(self.accept)
        self.stay_button = QPushButton(self.tr("留在此处"))
        self.stay_button.setObjectName("stayButton")
        self.stay_button.setToolTip(self.tr("不自动关闭，以便重拍或补拍"))
        self.stay_button.clicked.connect(self.stay)
        self.stay_button.hide()
        finish = QHBoxLayout()
        finish.addStretch(1)
        finish.addWidget(self.stay_button)
        finish.addWidget(self.done_button)
        form = QFormLayout()
        form.addRow(self.tr("材料："), self.material_combo)
        right = QVBoxLayout()
        right.addLayout(form)
        self.pages_title = QLabel()
        self.pages_title.setObjectName("sectionTitle")
        right.addWidget(self.pages_title)
        right.addWidget(self.page_list, 1)
        right.addLayout(tools)
        right.addLayout(finish)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(16)
        layout.addLayout(left, 3)
        layout.addLayout(right, 1)
        self.resize(1240, 760)

        QShortcut(QKeySequence(Qt.Key.Key_Space), self).activated.connect(lambda: self.capture_by_hand())
        QShortcut(QKeySequence(Qt.Key.Key_E), self).activated.connect(self.adjust_edges)
        for page in pages:
            self._add_page(page, sync=False)
        self._renumber(sync=False)  # the list's title says "0" too, not nothing, before the first page
        self.mailbox = FrameMailbox(self)
        self.mailbox.arrived.connect(self._drain)
        self.state_bridge = EventBridge(self)
        self.state_bridge.arrived.connect(self._on_state)
        terminal.events.subscribe(self.state_bridge)  # replays whether the camera is open, lost or missing
        if self.camera is None:
            self.preview.clear_frame(self.tr("高拍仪未启用：可“从文件导入”已扫描的图片"))
        else:
            self.camera.set_viewer(self.mailbox)
        self._material_changed()
        self._update_buttons()

    # -- camera ---------------------------------------------------------------------------------
    def _tool(self, text: str, name: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    def _on_state(self, event: object) -> None:
        if not isinstance(event, CameraEvent):
            return
        if event.kind == "opened":
            self._camera_ready = True
            self._lost = False
            self._say(self._ready_message(), "ok")
        elif event.kind in ("lost", "not_found"):
            self._camera_ready = False
            if event.kind == "not_found" and self._lost:
                return  # still the camera that was unplugged: keep saying so
            self._lost = event.kind == "lost"
            text = (self.tr("高拍仪已断开，请检查连接线；重新接上后将自动恢复。") if self._lost
                    else self.tr("未检测到高拍仪，请接上高拍仪；也可“从文件导入”。"))
            self.preview.clear_frame(text)
            self._say(text, "error")
        self._update_buttons()

    def _drain(self) -> None:
        frame, answers = self.mailbox.take()
        if frame is not None and frame.frame is not None:
            self._camera_ready = True
            self.preview.show_frame(frame.frame, frame.analysis)
            self._last = frame.analysis if isinstance(frame.analysis, Detection) else None
            self._last_look = (look(frame.frame, self._last.quad)
                               if self._last is not None and self._last.quad is not None else None)
            self.preview.show_message(self._hint_for(frame.analysis) or self._watch_frame(frame.frame))
        for answer in answers:
            request = self._requests.pop(answer.request_id or -1, None)
            if request is None:
                continue
            if answer.kind == "captured" and answer.frame is not None:
                self._process(answer.frame, request.replace)
            else:
                self._busy -= 1
                self._say(sentence(answer.error) if answer.error else self.tr("拍摄失败，请重拍。"), "error")
        self._update_buttons()

    def _watch_frame(self, frame: NDArray[np.uint8]) -> str:
        """Count down while the document lies still and sharp; take it once. Returns the preview's hint."""
        detection = self._last
        if detection is None:
            self.preview.set_progress(None)
            return ""
        if detection.quad is not None and not detection.confident and detection.problem is None:
            self.watch.observe(detection.quad, False, 0.0, self._clock())
            self.preview.set_progress(None)
            return self.tr("未能可靠识别材料边缘：请摆正材料，或按空格手动拍摄（将保留整幅画面）")
        if not self.auto_check.isChecked() or not self._camera_ready or self.close_timer.isActive() \
                or self.edge_editor is not None:  # nothing is taken while the clerk sets a page's edges
            self.preview.set_progress(None)
            return ""
        if self.id_copy_check.isChecked() and self._busy:
            self.preview.set_progress(None)  # the front is still being read: the back waits for it
            return self.tr("正在处理…")
        quad = detection.quad
        if self._seen_before and quad is not None:
            self._seen_before = False
            self.watch.mark_taken(quad, self._last_look)  # taken before this dialog opened: not again
        sharp = sharpness(frame, quad) if detection.confident and quad is not None else 0.0
        seen = self.watch.observe(quad, detection.confident, sharp, self._clock(), self._last_look)
        if seen.phase is Phase.HOLDING:
            self.preview.set_progress(seen.progress)
            return self.tr("请保持材料不动，即将自动拍摄…")
        self.preview.set_progress(None)
        if seen.phase is Phase.FIRE:
            self.auto_captures += 1
            self.capture()
            return self.tr("正在拍摄…")
        if seen.phase is Phase.TAKEN:
            return self._next_hint()
        if seen.phase is Phase.MOVING and detection.confident and sharp < self.watch.sharp_at:
            return self.tr("画面不够清晰，请稍候对焦或放平材料")
        return ""

    def _next_hint(self) -> str:
        if self.id_copy_check.isChecked():
            if self._front is not None or self._busy:
                return self.tr("请翻面，放国徽面")
            return self.tr("已拍摄，可放下一张证件")
        return self.tr("已拍摄，请放下一页；拍完请按 Esc 关闭")

    def _hint_for(self, analysis: object) -> str:
        if not isinstance(analysis, Detection) or analysis.quad is not None:
            return ""
        if analysis.problem is FrameProblem.NO_DOCUMENT and self.id_copy_check.isChecked():  # never a whole frame
            return self.tr("未识别到证件边缘，请将证件平放在深色背景上、四角都在画面内")
        return {
            FrameProblem.TOO_DARK: self.tr("画面太暗，请打开补光灯"),
            FrameProblem.BLANK: self.tr("请放入材料"),
            FrameProblem.NO_DOCUMENT: self.tr("未能可靠识别材料边缘，拍摄将保留整幅画面"),
            FrameProblem.SEVERAL_DOCUMENTS: self.tr("画面中有多份材料，请一次只放一份"),
        }.get(analysis.problem, "") if analysis.problem else ""

    def capture_by_hand(self) -> None:
        """Space or the button: take the page now, trusted outline or not (an untrusted one keeps the whole frame)."""
        self.stay()
        last = self._last
        self.watch.mark_taken(last.quad if last is not None else None, self._last_look)  # not again by itself
        self.capture()

    def capture(self, replace: int | None = None) -> None:
        if self.camera is None or not self._camera_ready:
            return
        request_id = self.camera.capture()
        if request_id is None:
            return
        self._requests[request_id] = _Request(replace)
        self._busy += 1
        self._say(self.tr("正在拍摄并处理…预览不受影响，可继续摆放下一页。"), "ok")
        self._update_buttons()

    def retake(self) -> None:
        item = self.page_list.currentItem()
        if item is not None:
            self.stay()
            self.capture(replace=int(item.data(Qt.ItemDataRole.UserRole)))

    def import_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("选择图片"), "",
                                                self.tr("图片 (*.jpg *.jpeg *.png *.tif *.tiff *.bmp *.webp)"))
        for name in names:
            self.import_file(Path(name))

    def import_file(self, path: Path) -> None:
        """A photo or a flatbed scan from disk goes through the same steps as a camera still."""
        self._busy += 1
        self._update_buttons()

        # bounded read and a header check before any pixel is decoded (a small PNG can declare 400 MP)
        self.ops.run(lambda: import_image(path), lambda image: self._process(image, None), self._failed)

    def _process(self, frame: NDArray[np.uint8], replace: int | None) -> None:
        options = self._options()
        if self.id_copy_check.isChecked():
            self._process_card_side(frame, replace, options)
            return
        self.ops.run(lambda: process_frame(frame, options),
                     lambda result: self._processed(result, replace), self._failed)

    def _process_card_side(self, frame: NDArray[np.uint8], replace: int | None, options: ScanOptions) -> None:
        """First still: the front, kept; second: the back, and both become one A4 page.

        A side whose outline the detector did not trust is not used as found: the clerk checks its corners
        first (``_check_card``)."""
        front = self._front
        self.ops.run(lambda: find_card(frame), lambda side: self._card_found(side, front, replace, options),
                     self._failed)

    def _card_found(self, side: CardSide, front: CardSide | None, replace: int | None,
                    options: ScanOptions) -> None:
        """A side was found on a worker (counted busy until now): use it, or have the clerk check it first."""
        if self.edge_editor is not None:  # corners are being set (another side, or a page): one thing at a time
            self._busy -= 1
            self._say(self.tr("正在核对角点，刚拍的证件面未采用；核对完成后请重拍。"), "warn")
            self._update_buttons()
            return
        if not side.confident:
            self._busy -= 1  # the worker is done; the clerk's turn is not counted as processing
            self._check_card(side, front, replace, options)
            self._update_buttons()
            return
        self._use_card(side, front, replace, options)

    def _use_card(self, side: CardSide, front: CardSide | None, replace: int | None, options: ScanOptions) -> None:
        """A trusted side (counted busy): the front is kept; the back is composed with it on a worker."""
        if front is None:
            self._busy -= 1
            self._front = side
            self._say(self.tr("已拍人像面。请翻面，放国徽面（放稳后自动拍摄）。"), "ok")
            self.preview.show_message(self.tr("请翻面，放国徽面"))
            self._update_buttons()
            return
        self.ops.run(lambda: CapturedPage(id_copy(front, side, options), None),
                     lambda result: self._composed(result, replace), self._failed)

    def _check_card(self, side: CardSide, front: CardSide | None, replace: int | None, options: ScanOptions,
                    problem: str | None = None) -> None:
        """The detector was not sure of this side's outline: the clerk sets its corners, starting from the
        outline it suggested, before the side is used; cancelling drops only this side.

        Not a crop made silently along an outline that may be wrong (issue 19 item 8); nor a retake, since
        a card the detector cannot trust on this desk would most likely be found the same way again. The
        editor is window-modal without a nested event loop, and nothing is taken by itself while it is open.
        """
        face = self.tr("人像面") if front is None else self.tr("国徽面")
        reason = problem or self.tr("{face}边缘识别不确定，请核对四个角点后按回车确认（Esc 取消）").format(face=face)
        self.stay()  # an ID copy composed just before must not close the dialog under the editor
        editor = CornerEditor(side.frame, side.quad, self, title=self.tr("核对证件边缘"), reason=reason)
        self.edge_editor = editor
        editor.finished.connect(lambda result: self._card_checked(side, front, replace, options, editor, result))
        self._say(reason, "warn")
        editor.open()

    def _card_checked(self, side: CardSide, front: CardSide | None, replace: int | None, options: ScanOptions,
                      editor: CornerEditor, result: int) -> None:
        """The clerk confirmed the side's corners (it goes on as a trusted side would) or cancelled (dropped)."""
        self.edge_editor = None
        corners = editor.corners()
        editor.deleteLater()
        if result != QDialog.DialogCode.Accepted:
            if front is None:
                self._say(self.tr("人像面未采用。请重新放人像面（放稳后自动拍摄，或按空格拍摄）。"), "warn")
            else:
                self._say(self.tr("国徽面未采用，已拍的人像面仍保留。请重新放国徽面（放稳后自动拍摄，或按空格拍摄）。"),
                          "warn")
            self._update_buttons()
            return
        if not self.id_copy_check.isChecked() or self._front is not front:
            return  # the ID copy was started afresh meanwhile: this side belongs to no copy
        try:
            checked = card_from_corners(side.frame, corners)
        except CaptureUnusable as exc:  # a sliver, three corners in a line: set them again, from where they are
            self._check_card(CardSide(side.frame, corners, confident=False), front, replace, options,
                             problem=sentence(exc))
            return
        self._busy += 1
        self._use_card(checked, front, replace, options)

    def _composed(self, result: CapturedPage, replace: int | None) -> None:
        """Both sides are on one page: it is attached, and the dialog closes by itself shortly after."""
        self._front = None
        self._processed(result, replace)
        if self.auto_close and self.isVisible():
            self.close_timer.start()  # both sides are in: nothing left to do here
            self.stay_button.show()
            self._say(self.tr("已合成身份证复印件（正反面，原大）并附加到申请，稍后自动关闭；"
                              "如需重拍请点“留在此处”。"), "ok")
        else:
            self._say(self.tr("已合成身份证复印件（正反面，原大）并附加到申请。"), "ok")

    def _material_changed(self) -> None:
        """An identity document is copied the counter's way (both sides on one page) unless the clerk unticks it.

        Pages already taken go with the material chosen (the one left keeps what it had before).
        """
        key = str(self.material_combo.currentData())
        self.id_copy_check.setChecked(self._captures.get(key) == "id_copy")
        if key != self._key:
            self._key = key
            self._sync()

    def _id_copy_toggled(self, _on: bool) -> None:
        self._front = None
        self._say(self._ready_message(), "ok")

    def _ready_message(self) -> str:
        if self.id_copy_check.isChecked():
            return self.tr("请放身份证人像面（放稳后自动拍摄），再翻面放国徽面；两面将按原大合成在一页 A4 上。")
        return self.tr("请将材料平放在拍摄区内，绿色框为识别到的材料边缘。")

    def _processed(self, result: CapturedPage, replace: int | None) -> None:
        self._busy -= 1
        # the whole frame was kept (outline not trusted, or none): the page says so until retaken or cut by hand
        whole = result.uncertain or result.problem is FrameProblem.NO_DOCUMENT
        if replace is not None and replace in self._pages:
            page_id = replace
            self._pages[replace] = result.page
            (self._uncertain.add if whole else self._uncertain.discard)(replace)
            self._refresh_item(replace)
            self._sync()
        else:
            page_id = self._add_page(result.page, uncertain=whole)
        self._stills.pop(page_id, None)
        if result.frame is not None:
            self._stills[page_id] = _Still(result.frame, result.suggested)  # a new still: the scanner's way up
            while len(self._stills) > MAX_STILLS:  # the oldest can still be retaken, not re-cut
                self._stills.pop(next(iter(self._stills)))
        if whole:
            self._say(self.tr("未能可靠识别材料边缘，已保留整幅画面（页面已标注“整幅保留，请核对”）；"
                              "可按 E 拖动角点框出材料后裁切，或摆正后重拍。"), "warn")
        else:
            kb = len(result.page.jpeg) / 1000
            codes = "、".join(code.text for code in result.page.codes)
            text = self.tr("已拍第 {n} 页（{w:.0f}×{h:.0f} 毫米，{kb:.0f} KB）").format(
                n=self.page_list.count(), w=result.page.size_mm[0], h=result.page.size_mm[1], kb=kb)
            if codes:
                text += self.tr("；识别到条码：{codes}").format(codes=codes)
            self._say(text, "ok")
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        self._busy -= 1
        self._say(sentence(exc), "error")
        self._update_buttons()

    # -- pages ----------------------------------------------------------------------------------
    def _add_page(self, page: ScannedPage, *, uncertain: bool = False, sync: bool = True) -> int:
        page_id = next(self._ids)
        self._pages[page_id] = page
        if uncertain:
            self._uncertain.add(page_id)
        item = QListWidgetItem()
        item.setData(Qt.ItemDataRole.UserRole, page_id)
        self.page_list.addItem(item)
        self._refresh_item(page_id)
        self.page_list.setCurrentItem(item)
        self._renumber(sync=sync)
        return page_id

    def _item_for(self, page_id: int) -> QListWidgetItem | None:
        for row in range(self.page_list.count()):
            item = self.page_list.item(row)
            if int(item.data(Qt.ItemDataRole.UserRole)) == page_id:
                return item
        return None

    def _refresh_item(self, page_id: int) -> None:
        item = self._item_for(page_id)
        if item is None:
            return
        small = thumbnail(self._pages[page_id].image, self.page_list.iconSize())
        pixmap = QPixmap.fromImage(to_qimage(small))
        if page_id in self._uncertain:
            self._mark_uncertain(pixmap)
            item.setToolTip(self.tr("未能可靠识别材料边缘，已保留整幅画面，请核对或重拍"))
        else:
            item.setToolTip("")
        item.setIcon(QIcon(pixmap))
        self._renumber_item(item)

    def _mark_uncertain(self, pixmap: QPixmap) -> None:
        """An amber band across the thumbnail: this page is the whole frame, not a trusted crop."""
        painter = QPainter(pixmap)
        band = pixmap.rect().adjusted(0, pixmap.height() - 30, 0, 0)
        painter.fillRect(band, QColor(243, 156, 18, 230))
        painter.setPen(QColor("#1b1b1b"))
        font = painter.font()
        font.setPointSize(9)
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(band, Qt.AlignmentFlag.AlignCenter, self.tr("整幅保留，请核对"))
        painter.end()

    def _renumber_item(self, item: QListWidgetItem) -> None:
        row = self.page_list.row(item)
        if row >= 0:
            text = self.tr("第 {n} 页").format(n=row + 1)
            if int(item.data(Qt.ItemDataRole.UserRole)) in self._uncertain:
                text += self.tr("（整幅保留，请核对）")
            item.setText(text)

    def uncertain_rows(self) -> list[int]:
        """Rows of pages kept whole because their outline was not trusted (marked on the thumbnail)."""
        return [row for row in range(self.page_list.count())
                if int(self.page_list.item(row).data(Qt.ItemDataRole.UserRole)) in self._uncertain]

    def _renumber(self, *, sync: bool = True) -> None:
        for row in range(self.page_list.count()):
            self._renumber_item(self.page_list.item(row))
        self.pages_title.setText(self.tr("已拍页面（{n}）：可拖动调整顺序").format(n=self.page_list.count()))
        self._update_buttons()
        if sync:
            self._sync()

    def _sync(self) -> None:
        """The material has exactly these pages now (no separate confirmation)."""
        self.attached.emit(self._key, self.pages())

    def pages(self) -> list[ScannedPage]:
        """The pages in the order shown."""
        return [self._pages[int(self.page_list.item(row).data(Qt.ItemDataRole.UserRole))]
                for row in range(self.page_list.count())]

    def rotate(self, quarter_turns: int) -> None:
        """Turn the selected page. Turns asked for while the page is still being turned are added up and
        given together when that turn lands, so two quick clicks are two turns, not one."""
        item = self.page_list.currentItem()
        if item is None:
            return
        page_id = int(item.data(Qt.ItemDataRole.UserRole))
        self._turns_asked[page_id] = self._turns_asked.get(page_id, 0) + quarter_turns
        if page_id not in self._turning:
            self._turn(page_id)

    def _turn(self, page_id: int) -> None:
        """Turn the page by all the turns asked for so far, on a worker; then by any asked for meanwhile."""
        quarter_turns = self._turns_asked.pop(page_id, 0) % 4
        if quarter_turns == 0 or page_id not in self._pages:
            return
        page = self._pages[page_id]
        still = self._stills.get(page_id)  # the turns are counted from those of the page turned now
        limit = self.options.max_bytes
        self._turning.add(page_id)

        def turned(_rotated: ScannedPage) -> None:
            if still is not None and self._stills.get(page_id) is still:  # not retaken or cut again meanwhile
                self._stills[page_id] = _Still(still.frame, still.corners, (still.turns + quarter_turns) % 4)

        def settled() -> None:
            self._turning.discard(page_id)
            self._turn(page_id)

        self._replace_page_on_worker(page_id, lambda: rotate_page(page, quarter_turns, limit), turned, settled)

    def move_page(self, step: int) -> None:
        row = self.page_list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.page_list.count():
            return
        item = self.page_list.takeItem(row)
        self.page_list.insertItem(target, item)
        self.page_list.setCurrentRow(target)
        self._renumber()

    def delete(self) -> None:
        row = self.page_list.currentRow()
        if row < 0:
            return
        self.stay()
        item = self.page_list.takeItem(row)
        page_id = int(item.data(Qt.ItemDataRole.UserRole))
        self._pages.pop(page_id, None)
        self._stills.pop(page_id, None)
        self._renumber()

    def adjust_edges(self) -> None:
        """E or the button: the selected page is cut again along corners the clerk drags onto it.

        The editor starts from the outline the page was cut along, or the one the detector suggested but did
        not trust, or (none found) a frame a little inside the photo; the new page replaces the old one in
        place, no longer marked uncertain, turned as the clerk turned the old one, and the clerk's corners are
        where the next adjustment starts. Cancelling changes nothing."""
        item = self.page_list.currentItem()
        if item is None or self.edge_editor is not None:
            return
        page_id = int(item.data(Qt.ItemDataRole.UserRole))
        still = self._stills.get(page_id)
        if still is None:
            return
        self.stay()
        editor = CornerEditor(still.frame, still.corners, self)
        self.edge_editor = editor
        editor.finished.connect(lambda result: self._edges_set(page_id, still, editor, result))
        editor.open()  # window-modal, without a nested event loop: the preview keeps running behind it

    def _edges_set(self, page_id: int, still: _Still, editor: CornerEditor, result: int) -> None:
        """The editor closed: cut the page along its corners (on a worker), unless it was cancelled.

        The cut is turned as the clerk turned the page (a turn still under way when the editor opened has
        landed by now), not left the way the scanner gave it."""
        self.edge_editor = None
        corners = editor.corners()
        editor.deleteLater()
        if result != QDialog.DialogCode.Accepted or page_id not in self._pages:
            return
        options = self._options()
        frame, turns = still.frame, self._stills.get(page_id, still).turns

        def cut(page: ScannedPage) -> None:
            self._uncertain.discard(page_id)
            self._stills.pop(page_id, None)  # the newest again, starting from the clerk's corners
            self._stills[page_id] = _Still(frame, corners, turns)
            shown = self._item_for(page_id)
            self._say(self.tr("已按所框边缘裁切第 {n} 页（{w:.0f}×{h:.0f} 毫米）").format(
                n=self.page_list.row(shown) + 1 if shown is not None else "", w=page.size_mm[0],
                h=page.size_mm[1]), "ok")

        self._replace_page_on_worker(page_id, lambda: crop_page(frame, corners, options, quarter_turns=turns), cut)

    def _replace_page_on_worker(self, page_id: int, job: Callable[[], ScannedPage],
                                replaced: Callable[[ScannedPage], None],
                                settled: Callable[[], None] | None = None) -> None:
        """Make a page anew on a worker (turned, or cut again) and put it in place of ``page_id``.

        One path for both, so that a page made anew is counted, redrawn and sent to the material the same way.
        ``replaced`` updates what goes with the page (its still, its mark, the status line) before its
        thumbnail is redrawn; nothing is replaced when the clerk deleted the page meanwhile. ``settled`` runs
        last, whether the job worked or failed."""
        self._busy += 1
        self._update_buttons()

        def done(page: ScannedPage) -> None:
            self._busy -= 1
            if page_id in self._pages:
                self._pages[page_id] = page
                replaced(page)
                self._refresh_item(page_id)
                self._sync()
            self._update_buttons()
            if settled is not None:
                settled()

        def failed(exc: BaseException) -> None:
            self._failed(exc)
            if settled is not None:
                settled()

        self.ops.run(job, done, failed)

    # -- the rest -------------------------------------------------------------------------------
    def _options(self) -> ScanOptions:
        from dataclasses import replace

        return replace(self.options, mode=ColourMode(self.mode_combo.currentData()))

    def _mode_changed(self) -> None:
        self._say(self.tr("色彩设置将用于之后拍摄的页面。"), "ok")

    def _say(self, text: str, tone: str) -> None:
        self.status.setText(text)
        self.status.setProperty("tone", tone)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    def _update_buttons(self) -> None:
        selected = self.page_list.currentRow() >= 0
        self.capture_button.setEnabled(self.camera is not None and self._camera_ready)
        self.retake_button.setEnabled(self.camera is not None and self._camera_ready and selected)
        current = self.page_list.currentItem()
        self.adjust_button.setEnabled(current is not None
                                      and int(current.data(Qt.ItemDataRole.UserRole)) in self._stills)
        for button in (self.left_button, self.right_button, self.delete_button):
            button.setEnabled(selected)
        self.up_button.setEnabled(selected and self.page_list.currentRow() > 0)
        self.down_button.setEnabled(selected and self.page_list.currentRow() < self.page_list.count() - 1)
        self.done_button.setEnabled(self._busy == 0)

    def busy(self) -> int:
        """Captures and processing still under way (tests wait for zero)."""
        return self._busy

    def stay(self) -> None:
        """Keep the dialog open after an ID copy (to retake or add): the clerk acted, so it waits for them."""
        if self.close_timer.isActive():
            self.close_timer.stop()
            self._say(self.tr("已留在拍摄窗口：可重拍、删除或补拍，完成后按 Esc 关闭。"), "ok")
        self.stay_button.hide()

    def done(self, result: int) -> None:
        """Every way of closing (attach, cancel, Esc, the window's close button) ends here; corners still being
        set are cancelled with it (the session ended under the editor), so nothing is cut after closing."""
        if self.edge_editor is not None:
            self.edge_editor.reject()
        self.detach()
        super().done(result)

    def detach(self) -> None:
        """Stop hearing from the camera and the terminal; safe to call more than once.

        Must run before the dialog is destroyed: the camera and sender threads call its mailbox
        and bridge, and emitting on a QObject being destroyed on the GUI thread is a crash. Both
        releases are barriers (no call is in flight once they return). A dialog destroyed with
        its window never finishes, so the window detaches it too (``MainWindow.detach``).
        """
        if self._detached:
            return
        self._detached = True
        if self.camera is not None:
            self.camera.release_viewer(self.mailbox)
        self.terminal.events.unsubscribe(self.state_bridge)
