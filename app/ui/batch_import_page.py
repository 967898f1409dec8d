"""人员新增（批量导入）: hand out the template, check the employer's filled list, show and export its mistakes,
accept the valid rows as one batch.

The page holds the unit and its 经办人 (the ``staff_batch_import`` form, drawn by ``FormView`` like any form),
the list's summary, and a table of the rows: each bad cell red with its message as tooltip and the row's
problems in the last column. By default only the rows with mistakes are listed (a clean list of 10,000 rows
needs no reading); the check box lists them all. Reading, checking, exporting and accepting are operations
(``app/ui/operations/batch_import.py``); the page never touches a file or the database itself.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.form_view import FormView
from app.ui.header import page_heading
from app.ui.materials_panel import MaterialsPanel
from app.ui.operations import OpContext
from app.ui.operations import batch_import as ops
from app.usecases import ClerkInfo
from app.usecases.batch_import import BatchAccepted, ImportResult
from forms.definitions import FormDef
from forms.staff_import import KINDS, STAFF, ImportKind, explain

__all__ = ["BatchImportPage"]

# the bad cells' colour, the same red as the marked-up workbook's
BAD_CELL = QColor("#FFC7CE")
# rows the table lists at most (the summary counts them all; the marked-up copy holds every one)
MAX_SHOWN = 2000


class BatchImportPage(QWidget):
    """The import page; ``accepted`` fires with the batch once its case is saved (the window shows the receipt)."""

    accepted = Signal(object)

    def __init__(self, ctx: OpContext, clerk: ClerkInfo, form: FormDef, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("batchImportPage")
        self._ctx, self._clerk, self.form = ctx, clerk, form
        self.result: ImportResult | None = None
        # the day the list is checked on (the base limits, "not in the future"); None: the clock's (tests fix it)
        self.today: date | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 10)
        layout.setSpacing(8)
        top, self.back_button = page_heading(self.tr("人员新增（批量导入）"), "batchBackButton")
        layout.addLayout(top)
        intro = QLabel(self.tr("请单位使用本机提供的导入模板填写人员名单；导入后逐行核验，有误的单元格标红并说明原因，"
                               "可导出标注错误的名单交单位修改。无误的人员作为一个批次受理，出具一张受理回执。"))
        intro.setWordWrap(True)
        intro.setObjectName("pageSubtitle")
        layout.addWidget(intro)
        self.view = FormView(form)
        self.view.widget("row_count").setEnabled(False)  # counted from the list, never typed
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.view)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setMinimumHeight(90)
        # the 经办人's ID, photographed like any form's material (the window opens the capture dialog)
        self.materials = MaterialsPanel(form.materials)
        self.materials.set_stacked(True)  # a narrow column beside the unit's fields, scrolled like them
        materials_scroll = QScrollArea()
        materials_scroll.setWidgetResizable(True)
        materials_scroll.setWidget(self.materials)
        materials_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        materials_scroll.setFixedWidth(400)
        self.view.values_changed.connect(lambda: self.materials.update_required(self.view.values()))
        self.materials.update_required(self.view.values())
        upper = QWidget()
        top_row = QHBoxLayout(upper)
        top_row.setContentsMargins(0, 0, 0, 0)
        top_row.addWidget(scroll, 1)
        top_row.addWidget(materials_scroll)
        below = QWidget()
        lower = QVBoxLayout(below)
        lower.setContentsMargins(0, 0, 0, 0)
        lower.addLayout(self._build_file_row())
        self.summary = QLabel()
        self.summary.setObjectName("batchSummary")
        self.summary.setWordWrap(True)
        lower.addWidget(self.summary)
        self.table = QTableWidget()
        self.table.setObjectName("batchTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(160)
        lower.addWidget(self.table, 1)
        self.detail = QLabel()  # the chosen row's whole explanation (the table's column shows its beginning)
        self.detail.setObjectName("batchRowDetail")
        self.detail.setWordWrap(True)
        self.detail.setProperty("tone", "error")
        lower.addWidget(self.detail)
        self.table.currentCellChanged.connect(lambda row, _c, _pr, _pc: self._show_detail(row))
        # the unit's few fields above, the list below taking the room; the clerk may drag the line between them
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(upper)
        self.splitter.addWidget(below)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([170, 600])
        layout.addWidget(self.splitter, 1)
        layout.addLayout(self._build_actions())
        self._show_kind()

    def _build_file_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("名单类型")))
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("batchKind")
        for kind in KINDS.values():
            self.kind_combo.addItem(self.tr(kind.title), kind.code)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._show_kind())
        row.addWidget(self.kind_combo)
        self.template_button = QPushButton(self.tr("下载导入模板…"))
        self.template_button.setObjectName("batchTemplateButton")
        self.template_button.clicked.connect(self.save_template)
        row.addWidget(self.template_button)
        self.open_button = QPushButton(self.tr("导入已填写的名单…"))
        self.open_button.setObjectName("batchOpenButton")
        self.open_button.clicked.connect(self.choose_file)
        row.addWidget(self.open_button)
        self.file_label = QLabel()
        self.file_label.setObjectName("batchFile")
        row.addWidget(self.file_label, 1)
        self.only_bad = QCheckBox(self.tr("只显示有误的行"))
        self.only_bad.setObjectName("batchOnlyBad")
        self.only_bad.setChecked(True)
        self.only_bad.toggled.connect(lambda _on: self._fill_table())
        row.addWidget(self.only_bad)
        return row

    def _build_actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.export_button = QPushButton(self.tr("导出标注错误的名单…"))
        self.export_button.setObjectName("batchExportButton")
        self.export_button.clicked.connect(self.export_marked_up)
        self.submit_button = QPushButton(self.tr("受理"))
        self.submit_button.setObjectName("batchSubmitButton")
        self.submit_button.setProperty("primary", True)
        self.submit_button.clicked.connect(self.submit)
        self.notice = QLabel()
        self.notice.setObjectName("batchNotice")
        self.notice.setWordWrap(True)
        row.addWidget(self.notice, 1)
        row.addWidget(self.export_button)
        row.addWidget(self.submit_button)
        return row

    # -- what the page shows -----------------------------------------------------------------------
    def kind(self) -> ImportKind:
        return KINDS.get(str(self.kind_combo.currentData()), STAFF)

    def _show_kind(self) -> None:
        """Before a list is read: the chosen kind's columns, empty."""
        if self.result is not None and self.result.check.kind is not self.kind():
            self.result = None
        self._fill_table()

    def show_result(self, result: ImportResult) -> None:
        """A checked list: the summary, the table, what can be done next."""
        self.result = result
        index = self.kind_combo.findData(result.check.kind.code)
        self.kind_combo.blockSignals(True)
        self.kind_combo.setCurrentIndex(index)
        self.kind_combo.blockSignals(False)
        check = result.check
        valid, bad = len(check.valid_rows), len(check.bad_rows)
        self.view.set_value("row_count", str(valid) if valid else "")
        central = (self.tr("已向中心系统核验是否已参保。") if result.central == "checked"
                   else self.tr("未能向中心系统核验是否已参保（未连接或暂不可用），将由中心系统受理时核验。"))
        limits = result.limits
        self.summary.setText(self.tr(
            "共 {rows} 行：可受理 {valid} 人，有误 {bad} 行（{problems} 处）。"
            "{year} 年月缴费基数 {floor}–{ceiling} 元。{central}").format(
                rows=len(check.rows), valid=valid, bad=bad, problems=len(check.problems),
                year=limits.year, floor=limits.floor, ceiling=limits.ceiling, central=central))
        self.summary.setProperty("tone", "error" if bad else "ok")
        self.summary.style().polish(self.summary)
        self._fill_table()

    def _fill_table(self) -> None:
        result = self.result
        kind = result.check.kind if result is not None else self.kind()
        headers = [self.tr("行号"), *(self.tr(column.label) for column in kind.columns), self.tr("错误说明")]
        self.table.clear()
        self.detail.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        if result is None:
            self.table.setRowCount(0)
            self._update_buttons()
            return
        check = result.check
        rows = check.bad_rows if self.only_bad.isChecked() else list(check.rows)
        sheet_cells = dict(result.sheet.rows)
        shown = rows[:MAX_SHOWN]
        self.table.setRowCount(len(shown))
        keys = [column.key for column in kind.columns]
        for index, row in enumerate(shown):
            problems = check.by_row.get(row.row, ())
            by_column: dict[str, list[str]] = {}
            for problem in problems:
                by_column.setdefault(problem.column, []).append(problem.message)
            number = QTableWidgetItem(str(row.row))
            number.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.table.setItem(index, 0, number)
            typed = sheet_cells.get(row.row, {})
            for column, key in enumerate(keys, start=1):
                item = QTableWidgetItem(typed.get(key, ""))
                item.setToolTip(item.text())
                if key in by_column:
                    item.setBackground(QBrush(BAD_CELL))
                    item.setToolTip("\n".join(by_column[key]))
                self.table.setItem(index, column, item)
            explanation = QTableWidgetItem("；".join(explain(kind, p) for p in problems))
            explanation.setForeground(QBrush(QColor("#c0392b")))
            explanation.setToolTip(explanation.text())
            self.table.setItem(index, len(keys) + 1, explanation)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        if "insurances" in keys:  # a long list of names: a fixed width, the whole text in the cell's tooltip
            column = keys.index("insurances") + 1
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, 120)
        header.setSectionResizeMode(len(keys) + 1, QHeaderView.ResizeMode.Stretch)
        if len(rows) > MAX_SHOWN:
            self.notice.setText(self.tr("仅列出前 {n} 行，全部错误见导出的标注名单。").format(n=MAX_SHOWN))
        self._update_buttons()

    def _show_detail(self, row: int) -> None:
        item = self.table.item(row, self.table.columnCount() - 1) if row >= 0 else None
        number = self.table.item(row, 0) if row >= 0 else None
        self.detail.setText(self.tr("第 {row} 行：{text}").format(row=number.text(), text=item.text())
                            if item is not None and number is not None and item.text() else "")

    def _update_buttons(self) -> None:
        result = self.result
        valid = len(result.check.valid_rows) if result is not None else 0
        self.export_button.setEnabled(result is not None and bool(result.check.bad_rows))
        self.submit_button.setEnabled(valid > 0)
        self.submit_button.setText(self.tr("受理无误的 {n} 人").format(n=valid) if valid else self.tr("受理"))

    # -- what the clerk does -----------------------------------------------------------------------
    def save_template(self, path: Path | None = None) -> None:
        kind = self.kind()
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(self, self.tr("保存导入模板"), f"{kind.title}导入模板.xlsx",
                                                          self.tr("Excel 工作簿 (*.xlsx)"))
            if not chosen:
                return
            path = Path(chosen)
        ops.save_template(parent=self, clerk=self._clerk, kind=kind, path=path, today=self.today) \
            .success(lambda saved: self.notice.setText(self.tr("模板已保存：{path}").format(path=saved))) \
            .run_in_background(self._ctx)

    def choose_file(self, path: Path | None = None) -> None:
        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(self, self.tr("导入人员名单"), "",
                                                          self.tr("Excel 工作簿 (*.xlsx)"))
            if not chosen:
                return
            path = Path(chosen)
        if not self.view.value("unit_number"):
            self.view.show_problems({"unit_number": self.tr("请先填写单位编号：名单中的人员将与该单位核对。")})
            return
        self.file_label.setText(path.name)
        self.notice.clear()
        ops.check_file(parent=self, clerk=self._clerk, path=path, unit_number=self.view.value("unit_number"),
                       today=self.today) \
            .success(self.show_result).run_in_background(self._ctx)

    def export_marked_up(self, path: Path | None = None) -> None:
        result = self.result
        if result is None:
            return
        if path is None:
            suggested = (Path(self.file_label.text()).stem or "人员名单") + "（标注错误）.xlsx"
            chosen, _filter = QFileDialog.getSaveFileName(self, self.tr("导出标注错误的名单"), suggested,
                                                          self.tr("Excel 工作簿 (*.xlsx)"))
            if not chosen:
                return
            path = Path(chosen)
        ops.save_marked_up(parent=self, clerk=self._clerk, result=result, path=path) \
            .success(lambda saved: self.notice.setText(
                self.tr("已导出：{path}。请交单位按红色标注修改后重新导入。").format(path=saved))) \
            .run_in_background(self._ctx)

    def submit(self) -> None:
        result = self.result
        if result is None:
            return
        problems = self.view.problems()
        if problems:
            self.view.show_problems(problems)
            self.notice.setText(self.tr("请先填写单位和经办人信息（标红处）。"))
            return
        self.submit_button.setEnabled(False)
        ops.submit_batch(parent=self, clerk=self._clerk, result=result, values=self.view.values(),
                         materials=self.materials.attached(), waivers=self.materials.waivers(), today=self.today) \
            .success(self._accepted).failure(self._failed).run_in_background(self._ctx)

    def _accepted(self, batch: BatchAccepted) -> None:
        numbers = batch.case.view.counter_receipt_no or ""  # one case, one receipt, however long the list
        self.notice.setText(self.tr("已受理 {n} 人，受理编号 {numbers}。").format(n=batch.rows, numbers=numbers))
        self.accepted.emit(batch)

    def _failed(self, exc: BaseException) -> None:
        from app.ui.errors import show_error

        problems = getattr(exc, "problems", None)
        if isinstance(problems, dict):
            self.view.show_problems(problems)
        self._update_buttons()
        show_error(self, exc)
