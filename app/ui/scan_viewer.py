"""One scanned material, page by page, inside the window: fitted to the width, zoomable, nothing on disk.

The pages arrive as the JPEGs stored in the sealed PDF (``app/queries.py`` ``case_scan``); only the
page on screen is decoded, straight to the size it is shown at (Qt's JPEG reader scales while it
decodes), under an allocation limit, so a large or hostile page cannot take the window's memory.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QImageReader, QKeyEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.queries import CaseScan, ScanPage

#: zoom steps: 0 is the whole page in view, then multiples of "fit the width" (where a page opens)
ZOOMS = (0.0, 1.0, 1.5, 2.0, 3.0)
FIT_WIDTH = 1
#: the widest page image the viewer decodes, in pixels (a 4K screen's width at the largest zoom)
MAX_DECODE_WIDTH = 4000
#: Qt refuses to decode an image whose pixels would take more than this (MiB)
ALLOCATION_LIMIT_MB = 96
_MARGIN = 12


class PageUnreadable(Exception):
    """The page's JPEG could not be decoded (damaged, or larger than the limit)."""


def decode_page(page: ScanPage, width: int) -> QImage:
    """The page decoded at ``width`` pixels wide (height in proportion); bounded in size and memory."""
    width = max(1, min(width, MAX_DECODE_WIDTH))
    height = max(1, round(width * page.height_px / page.width_px))
    buffer = QBuffer()
    buffer.setData(QByteArray(page.jpeg))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer, QByteArray(b"jpeg"))
    reader.setAllocationLimit(ALLOCATION_LIMIT_MB)
    reader.setScaledSize(QSize(width, height))
    image = reader.read()
    buffer.close()
    if image.isNull():
        raise PageUnreadable(reader.errorString())
    return image


class ScanViewer(QFrame):
    """Shows one material's pages; asks for another material through ``material_requested``."""

    #: the clerk chose another material in the list (its key); the owner opens it and calls ``show_scan``
    material_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scanViewer")
        self.scan: CaseScan | None = None
        self.page_index = 0
        self.zoom_index = FIT_WIDTH
        self._choosing = False
        self.material_box = QComboBox()
        self.material_box.setObjectName("scanMaterial")
        self.material_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.material_box.setMinimumContentsLength(12)
        self.material_box.currentIndexChanged.connect(self._material_chosen)
        self.previous_button = QPushButton(self.tr("上一页"))
        self.previous_button.setObjectName("scanPrevious")
        self.previous_button.clicked.connect(lambda: self.show_page(self.page_index - 1))
        self.next_button = QPushButton(self.tr("下一页"))
        self.next_button.setObjectName("scanNext")
        self.next_button.clicked.connect(lambda: self.show_page(self.page_index + 1))
        self.page_counter = QLabel()
        self.page_counter.setObjectName("scanPageCounter")
        self.zoom_out_button = QPushButton(self.tr("缩小"))
        self.zoom_out_button.setObjectName("scanZoomOut")
        self.zoom_out_button.clicked.connect(lambda: self._zoom(-1))
        self.zoom_in_button = QPushButton(self.tr("放大"))
        self.zoom_in_button.setObjectName("scanZoomIn")
        self.zoom_in_button.clicked.connect(lambda: self._zoom(1))
        top = QHBoxLayout()
        top.setSpacing(8)
        caption = QLabel(self.tr("扫描件"))
        caption.setObjectName("sectionTitle")
        top.addWidget(caption)
        top.addWidget(self.material_box, 1)
        nav = QHBoxLayout()
        nav.setSpacing(8)
        nav.addWidget(self.previous_button)
        nav.addWidget(self.page_counter)
        nav.addWidget(self.next_button)
        nav.addStretch(1)
        nav.addWidget(self.zoom_out_button)
        nav.addWidget(self.zoom_in_button)
        self.image_label = QLabel()
        self.image_label.setObjectName("scanPage")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.image_label.setWordWrap(True)
        self.image_label.setMargin(_MARGIN)
        self.image_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.area = QScrollArea()
        self.area.setObjectName("scanArea")
        self.area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the viewer (pages), not the scroll bars
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.area.setWidget(self.image_label)
        self.area.setWidgetResizable(False)
        self.area.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        # always there, so "fit the width" never makes a horizontal scroll bar by bringing the vertical one
        self.area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addLayout(nav)
        layout.addWidget(self.area, 1)
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(120)
        self._refit.timeout.connect(self._render)
        self.show_message(self.tr("本业务没有扫描件。"))

    # -- what is offered and shown ----------------------------------------------------------------
    def set_materials(self, materials: list[tuple[str, str]]) -> None:
        """The materials that have scans, as (key, what the clerk reads) in the form's order."""
        self._choosing = True
        self.material_box.clear()
        for key, title in materials:
            self.material_box.addItem(title, key)
        self.material_box.setCurrentIndex(-1)
        self._choosing = False
        self.material_box.setEnabled(bool(materials))
        if materials:
            self.show_message(self.tr("请选择要查看的材料。"))

    def select_material(self, key: str) -> None:
        """Mark ``key`` as the material shown (without asking for it again)."""
        self._choosing = True
        self.material_box.setCurrentIndex(self.material_box.findData(key))
        self._choosing = False

    def show_scan(self, scan: CaseScan) -> None:
        self.scan = scan
        self.select_material(scan.material_key)
        self.zoom_index = FIT_WIDTH
        self.show_page(0)

    def show_message(self, text: str) -> None:
        """No page: a sentence in its place (nothing chosen yet, opening, or why it cannot be shown)."""
        self.scan = None
        self.image_label.setPixmap(QPixmap())
        self.image_label.setText(text)
        self.image_label.resize(self.area.viewport().size())
        self._update_controls()

    def show_page(self, index: int) -> None:
        if self.scan is None or not self.scan.pages:
            return
        self.page_index = max(0, min(index, len(self.scan.pages) - 1))
        self._render()

    def page_width(self, page: ScanPage) -> int:
        """How wide the page is drawn: the whole page in view, or the scroll area's width times the zoom."""
        viewport = self.area.viewport().size()
        fit = max(120, viewport.width() - 2 * _MARGIN)
        if ZOOMS[self.zoom_index] == 0.0:
            tall = max(120, viewport.height() - 2 * _MARGIN)
            return max(60, min(fit, round(tall * page.width_px / page.height_px)))
        return round(fit * ZOOMS[self.zoom_index])

    def _render(self) -> None:
        if self.scan is None or not self.scan.pages:
            return
        page = self.scan.pages[self.page_index]
        try:
            image = decode_page(page, self.page_width(page))
        except PageUnreadable:
            self.image_label.setPixmap(QPixmap())
            self.image_label.setText(self.tr("第 {n} 页无法显示（图像已损坏或过大）。").format(n=self.page_index + 1))
        else:
            self.image_label.setText("")
            self.image_label.setPixmap(QPixmap.fromImage(image))
            self.image_label.resize(image.size() + QSize(2 * _MARGIN, 2 * _MARGIN))
        self._update_controls()

    def _update_controls(self) -> None:
        pages = len(self.scan.pages) if self.scan is not None else 0
        self.page_counter.setText(self.tr("第 {n}/{total} 页").format(n=self.page_index + 1, total=pages)
                                  if pages else "")
        self.previous_button.setEnabled(pages > 0 and self.page_index > 0)
        self.next_button.setEnabled(pages > 0 and self.page_index + 1 < pages)
        self.zoom_out_button.setEnabled(pages > 0 and self.zoom_index > 0)
        self.zoom_in_button.setEnabled(pages > 0 and self.zoom_index + 1 < len(ZOOMS))

    def _zoom(self, step: int) -> None:
        """Zoom about the middle of what is in view, so the part being read stays in front of the clerk."""
        bars = (self.area.horizontalScrollBar(), self.area.verticalScrollBar())
        centres = [(bar.value() + bar.pageStep() / 2) / max(1, bar.maximum() + bar.pageStep()) for bar in bars]
        if self.area.horizontalScrollBar().maximum() == 0:
            centres[0] = 0.5  # the whole width was in view: zoom into its middle
        self.zoom_index = max(0, min(self.zoom_index + step, len(ZOOMS) - 1))
        self._render()
        for bar, centre in zip(bars, centres, strict=True):
            bar.setValue(round(centre * (bar.maximum() + bar.pageStep()) - bar.pageStep() / 2))

    def _material_chosen(self, index: int) -> None:
        key = self.material_box.itemData(index) if index >= 0 else None
        if not self._choosing and isinstance(key, str):
            self.material_requested.emit(key)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Page Up/Down turn the page, + and - zoom: the reviewer's hands stay on the keyboard."""
        key = event.key()
        if key == Qt.Key.Key_PageDown:
            self.show_page(self.page_index + 1)
        elif key == Qt.Key.Key_PageUp:
            self.show_page(self.page_index - 1)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self._zoom(1)
        elif key == Qt.Key.Key_Minus:
            self._zoom(-1)
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.scan is not None:
            self._refit.start()
        else:
            self.image_label.resize(self.area.viewport().size())

    def forget(self) -> None:
        """Drop the pages (the view closes): nothing of the scan stays in memory longer than it is shown."""
        self.select_material("")
        offered = self.material_box.count() > 0
        self.show_message(self.tr("请选择要查看的材料。") if offered else self.tr("本业务没有扫描件。"))
