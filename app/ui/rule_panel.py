"""The rule panel beside a form: what the retirement or survivor rules say about the values typed so far."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from forms.panels import Summary, retirement_summary, survivor_summary
from forms.rules.figures import ProvincialFigures

_COLOURS = {"ok": "#1e8449", "warn": "#b9770e", "info": "#2471a3", "": "#1b2631"}


class RulePanel(QFrame):
    """Re-computed on every change of the form; it informs, it never blocks the submission."""

    def __init__(self, kind: str, figures: ProvincialFigures | None, national: ProvincialFigures | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rulePanel")
        self.compute: Callable[[Mapping[str, str]], Summary]
        if kind == "retirement":
            self.compute = lambda values: retirement_summary(values, figures)
        else:
            self.compute = lambda values: survivor_summary(values, figures, national)
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.body = QLabel()
        self.body.setObjectName("rulePanelBody")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        note = QLabel(self.tr("以上为依据现行规定的测算，仅供参考，以经办机构核定为准。"))
        note.setObjectName("fieldHint")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self.title)
        layout.addWidget(self.body)
        # where the numbers the panel reads came from (中心系统 as of a date, or 手工填写); hidden until known
        self.sources = QLabel()
        self.sources.setObjectName("rulePanelSources")
        self.sources.setWordWrap(True)
        self.sources.setTextFormat(Qt.TextFormat.RichText)
        self.sources.hide()
        self._sources: dict[str, str] = {}
        layout.addWidget(self.sources)
        layout.addWidget(note)
        layout.addStretch(1)
        self.summary: Summary | None = None

    def update_values(self, values: Mapping[str, str]) -> None:
        self.summary = self.compute(values)
        self.title.setText(self.summary.title)
        rows = "".join(
            f"<tr><td style='color:#566573; padding:3px 10px 3px 0; white-space:nowrap' valign='top'>"
            f"{html.escape(row.label)}</td><td style='color:{_COLOURS[row.tone]}; padding:3px 0'>"
            f"{'⚠ ' if row.tone == 'warn' else ''}{html.escape(row.value)}</td></tr>"
            for row in self.summary.rows)
        self.body.setText(f"<table width='100%'>{rows}</table>")

    def row_texts(self) -> dict[str, str]:
        """Label -> value as shown (for tests and for the clerk's copy)."""
        return {row.label: row.value for row in self.summary.rows} if self.summary else {}

    def show_sources(self, sources: list[tuple[str, str]]) -> None:
        """Each number's origin, (field label, source), under the rows; none: the line goes."""
        self._sources = dict(sources)
        rows = "".join(f"<tr><td style='color:#566573; padding:1px 10px 1px 0'>{html.escape(label)}</td>"
                       f"<td style='color:#1f4e79'>{html.escape(source)}</td></tr>" for label, source in sources)
        self.sources.setText(self.tr("<b>数据来源</b>") + f"<table>{rows}</table>")
        self.sources.setVisible(bool(sources))

    def source_texts(self) -> dict[str, str]:
        """Field label -> where its number came from, as shown."""
        return dict(self._sources)
