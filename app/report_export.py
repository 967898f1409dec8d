"""A statistics report as a file: CSV (UTF-8 with a BOM, so Excel opens the Chinese as Chinese) or xlsx.

The xlsx workbook (openpyxl) has a sheet per table of the report: the lines (period × group), the totals
per group, the totals per period, and what the report is (range, office, how each measure is counted).
Cells are typed (dates as dates, counts as integers, the average as a number with one decimal), the
header row is frozen, columns are wide enough for their Chinese headers. Nothing here reads the
database: it writes the ``Report`` the audited read returned (``app.reports.statistics``);
``export_report`` also records the export on the audit trail (``app.reports.record_export``).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from app.reports import GROUPING_LABELS, PERIOD_LABELS, Measures, Period, Report, ReportLine, record_export
from app.terminal import Terminal
from app.whole_file import write_whole
from local_db.clerks import ClerkInfo

__all__ = ["COLUMNS", "RATING_COLUMNS", "SATISFACTION_HEADER", "export_report", "period_label", "rating_values",
           "satisfaction_text", "write_csv", "write_xlsx"]

#: the measure columns, in order: header and attribute of ``Measures``
COLUMNS: tuple[tuple[str, str], ...] = (
    ("受理", "accepted"), ("更正重报", "corrections"), ("退回", "returned"), ("逾期", "overdue"),
    ("告知未受理", "informed"), ("免交材料", "waivers"), ("已答复", "answered"), ("上门", "home_visits"),
)
AVG_HEADER = "平均答复用时（自然日）"
#: the 好差评 columns after the average: how many were rated, then each level, best first
RATING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("评价数", "rated"), ("非常满意", "rated_5"), ("满意", "rated_4"), ("基本满意", "rated_3"),
    ("不满意", "rated_2"), ("非常不满意", "rated_1"),
)
SATISFACTION_HEADER = "满意率（%）"

NOTES = (
    "按受理日期统计（北京时间）：某期间受理的业务，其后被退回、逾期、答复的情况，均计入受理所在期间。",
    "受理：柜台受理的新业务（不含暂存草稿）；更正重报：退回后更正提交的新版本，单独计数。",
    "退回：中心系统退回的业务版本（含已更正重报的）。",
    "逾期：答复日期晚于法定办结日期，或至统计日仍未答复且已过办结日期。",
    "告知未受理：打印一次性告知书、当场未受理的次数，按告知日期统计。",
    "免交材料：经说明理由免于提交的必交材料份数。",
    "平均答复用时：自受理至中心系统答复（退回或办结）的自然日，不扣除节假日。",
    "上门：在申请人家中受理（上门服务）的业务版本，含更正重报。",
    "评价数及各等级：申请人对业务的“好差评”，按被评价业务的受理日期统计；满意率＝（非常满意＋满意）÷评价数。",
)


def period_label(period: Period, start: date) -> str:
    """How a period reads: 2026-11-02, 2026年第45周（11-02起）, 2026-11."""
    if period is Period.DAY:
        return start.isoformat()
    if period is Period.WEEK:
        year, week, _ = start.isocalendar()
        return f"{year}年第{week}周（{start:%m-%d}起）"
    return f"{start:%Y-%m}"


def _avg(m: Measures) -> float | None:
    value = m.avg_answer_days
    return None if value is None else round(value, 1)


def satisfaction_text(m: Measures) -> str:
    """The satisfaction rate as a person reads it (93.3%), or a dash when nothing was rated."""
    share = m.satisfaction
    return "—" if share is None else f"{share * 100:.1f}%"


def rating_values(m: Measures) -> list[object]:
    """The 好差评 cells: the rated count, each level's count (best first), the satisfaction rate in percent
    with one decimal (None when nothing was rated)."""
    share = m.satisfaction
    return [*(int(getattr(m, attr)) for _, attr in RATING_COLUMNS), None if share is None else round(share * 100, 1)]


def _values(m: Measures) -> list[object]:
    """A line's cells after its period and group: the counts, the average answer time, the ratings."""
    return [*(int(getattr(m, attr)) for _, attr in COLUMNS), _avg(m), *rating_values(m)]


MEASURE_HEADERS = (*(h for h, _ in COLUMNS), AVG_HEADER, *(h for h, _ in RATING_COLUMNS), SATISFACTION_HEADER)


def _table(report: Report) -> tuple[list[str], list[list[object]]]:
    group_header = {"clerk": "柜员工号", "window": "窗口（终端）", "item": "事项代码"}[report.grouping.value]
    header = ["期间", "期间起始日", group_header, "名称", *MEASURE_HEADERS]
    rows: list[list[object]] = [[period_label(report.period, line.period_start), line.period_start, line.group,
                                 line.label, *_values(line.measures)] for line in report.lines]
    return header, rows


def write_csv(report: Report, path: Path) -> None:
    """The report's lines and a total line, UTF-8 with a BOM, comma-separated."""
    header, rows = _table(report)
    total = ["合计", "", "", "", *_values(report.total)]
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v.isoformat() if isinstance(v, date) else v for v in row])
        writer.writerow(["" if v is None else v for v in total])


def write_xlsx(report: Report, path: Path) -> None:
    """The report as a workbook: 明细, 按分组合计, 按期间合计 and 说明 sheets, typed cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook()
    bold = Font(bold=True)

    def sheet(ws: Worksheet, header: Sequence[str], rows: Sequence[Sequence[object]],
              widths: Sequence[int]) -> None:
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = bold
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
        for row in rows:
            ws.append(list(row))
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        for row_cells in ws.iter_rows(min_row=2):
            for cell in row_cells:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, float):
                    cell.number_format = "0.0"
                elif isinstance(cell.value, int):
                    cell.number_format = "0"
        ws.freeze_panes = "A2"

    measure_widths = [10] * len(COLUMNS) + [14] + [10] * len(RATING_COLUMNS) + [12]
    header, rows = _table(report)
    detail = book.active
    assert detail is not None
    detail.title = "明细"
    sheet(detail, header, rows, [22, 12, 16, 24, *measure_widths])

    def totals(lines: Sequence[ReportLine], key: str) -> list[list[object]]:
        out: list[list[object]] = []
        for line in lines:
            lead: list[object] = [line.group, line.label] if key == "group" else \
                [period_label(report.period, line.period_start), line.period_start]
            out.append([*lead, *_values(line.measures)])
        out.append(["合计", None, *_values(report.total)])
        return out

    measures = list(MEASURE_HEADERS)
    sheet(book.create_sheet("按分组合计"), [header[2], "名称", *measures],
          totals(report.by_group, "group"), [16, 24, *measure_widths])
    sheet(book.create_sheet("按期间合计"), ["期间", "期间起始日", *measures],
          totals(report.by_period, "period"), [22, 12, *measure_widths])
    about = book.create_sheet("说明")
    about.append(["报表", report.title])
    about.append(["网点", report.office_name or "—"])
    about.append(["统计周期", PERIOD_LABELS[report.period]])
    about.append(["分组", GROUPING_LABELS[report.grouping]])
    about.append(["开始日期", report.since])
    about.append(["结束日期", report.until])
    about.append(["统计日", report.today])
    for note in NOTES:
        about.append(["口径", note])
    for cells in about.iter_rows():
        cells[0].font = bold
        if isinstance(cells[1].value, date):
            cells[1].number_format = "yyyy-mm-dd"
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 90
    book.save(path)


def export_report(terminal: Terminal, clerk: ClerkInfo, report: Report, path: Path) -> str:
    """Write ``report`` to ``path`` (xlsx by its suffix, else CSV) and put the export on the audit trail;
    the format written."""
    file_format = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
    write = write_xlsx if file_format == "xlsx" else write_csv
    write_whole(path, lambda part: write(report, part))
    record_export(terminal, clerk, report, file_format)
    return file_format
