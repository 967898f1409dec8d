"""The supervisor's statistics (issue 18 item 6) against hand-counted fixtures.

A real terminal with its encrypted SQLite file holds a small office's autumn, written straight into the
tables (times given in Beijing time, stored in UTC as the application stores them): two clerks, two
windows, three items, cases accepted seconds either side of Beijing midnight and of week and month
boundaries, a return and its correction, answers before and after the due date (one whose UTC date and
Beijing date differ), waivers, a draft, and one-time notices. Every expected number below is counted by
hand from the table in ``FIXTURE`` — not taken from the code's output.
"""

from __future__ import annotations

import csv
import subprocess
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.permissions import PermissionDenied
from app.report_export import write_csv, write_xlsx
from app.reports import Grouping, Measures, Period, Report, statistics
from app.secrets import SecretStore
from app.settings import DeviceSettings, Settings, save_settings
from app.terminal import Terminal, build_terminal
from core.errors import ValidationError
from local_db.audit import AuditAction
from local_db.clerks import ClerkInfo, Role, add_clerk
from local_db.models import CaseRating, InformedNotice, Submission

from .conftest import CLERK, TERMINAL_ID
from .test_cli import sicounter

BJ = timezone(timedelta(hours=8))
SUPERVISOR = ClerkInfo("6001", "王主管", frozenset({Role.SUPERVISOR}))
SUPERVISOR_PASSWORD = "super-pass-1"
ZHANG = ("1101", "张三")
LI = ("1102", "李四")
T_A, T_B = TERMINAL_ID, "T-TEST-02"
A, B, C = "personal_registration", "retirement_approval", "employer_registration"
TODAY = date(2026, 12, 1)


def bj(text: str) -> datetime:
    """A Beijing wall-clock time as the aware UTC instant the database stores."""
    return datetime.fromisoformat(text).replace(tzinfo=BJ).astimezone(UTC)


# id, clerk, window, item, accepted (Beijing), state, case, version, due, answered (Beijing), waivers;
# a closed version's closed_at is in CLOSED_AT (an approval closes at its answer, a correction later)
FIXTURE: list[tuple[str, str, str, str, str, str, str, int, str | None, str | None, int]] = [
    # Saturday 31 Oct, 30 s before Beijing midnight: October, ISO week from 26 Oct; approved in time
    ("S1", ZHANG[0], T_A, A, "2026-10-31 23:59:30", "closed", "S1", 1, "2026-11-05", "2026-11-03 10:00:00", 1),
    # Sunday 1 Nov, 10 s after Beijing midnight (still 31 Oct in UTC): November, but the week of 26 Oct
    ("S2", ZHANG[0], T_A, A, "2026-11-01 00:00:10", "returned", "S2", 1, "2026-11-20", "2026-11-02 09:00:00", 0),
    # Monday 2 Nov: returned on 4 Nov, then corrected (so closed) by S3b, its second version
    ("S3a", LI[0], T_B, B, "2026-11-02 08:00:00", "closed", "S3a", 1, "2026-11-06", "2026-11-04 12:00:00", 2),
    # the correction, still unanswered; due 12 Nov: overdue on 1 Dec
    ("S3b", LI[0], T_B, B, "2026-11-05 15:00:00", "accepted", "S3a", 2, "2026-11-12", None, 0),
    # Sunday 8 Nov 23:30: week of 2 Nov; answered 20 Nov, two days after its due date
    ("S4", ZHANG[0], T_B, C, "2026-11-08 23:30:00", "closed", "S4", 1, "2026-11-18", "2026-11-20 16:00:00", 0),
    # Monday 9 Nov 00:30 (Sunday in UTC): week of 9 Nov; answered 20 Nov 00:30 Beijing = 19 Nov in UTC,
    # due 19 Nov: late by Beijing date
    ("S5", LI[0], T_A, C, "2026-11-09 00:30:00", "closed", "S5", 1, "2026-11-19", "2026-11-20 00:30:00", 1),
    # Monday 30 Nov, a minute before midnight: November; due 14 Dec, not overdue on 1 Dec
    ("S6", ZHANG[0], T_A, A, "2026-11-30 23:59:00", "queued", "S6", 1, "2026-12-14", None, 0),
    # Tuesday 1 Dec, a minute after midnight (still 30 Nov in UTC): December, outside a November report
    ("S7", ZHANG[0], T_A, A, "2026-12-01 00:01:00", "queued", "S7", 1, "2026-12-15", None, 0),
    # a draft: never counted
    ("D1", ZHANG[0], T_A, A, "2026-11-10 10:00:00", "draft", "D1", 1, None, None, 3),
    # Sunday 15 Nov, waiting for a second clerk's approval; no due date (never overdue)
    ("S8", LI[0], T_B, A, "2026-11-15 14:00:00", "awaiting_approval", "S8", 1, None, None, 1),
]
CLOSED_AT = {"S1": "2026-11-03 10:00:00", "S3a": "2026-11-05 15:00:00", "S4": "2026-11-20 16:00:00",
             "S5": "2026-11-20 00:30:00"}
# id, clerk, window, item, printed (Beijing)
NOTICES = [
    ("N1", ZHANG[0], T_A, B, "2026-11-01 07:59:00"),  # 31 Oct 23:59 in UTC: Sunday 1 Nov, week of 26 Oct
    ("N2", LI[0], T_B, A, "2026-11-30 20:00:00"),
    ("N3", LI[0], T_B, A, "2026-10-31 23:00:00"),
]

# 好差评: submission, level, reasons, rated (Beijing). A rating counts in the period its case was accepted,
# whenever it was given (S6, accepted 30 Nov, rated 1 Dec, is November's)
RATINGS = [
    ("S1", 5, [], "2026-10-31 23:59:50"),
    ("S2", 4, [], "2026-11-01 00:05:00"),
    ("S3a", 2, ["slow"], "2026-11-02 08:20:00"),
    ("S3b", 5, [], "2026-11-05 15:10:00"),
    ("S5", 1, ["attitude", "repeat"], "2026-11-09 00:40:00"),
    ("S6", 5, [], "2026-12-01 00:00:30"),
    ("S7", 3, [], "2026-12-01 00:02:00"),
    ("S8", 4, [], "2026-11-15 14:05:00"),
]


def office(make_terminal: Callable[..., Terminal]) -> Terminal:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    populate(terminal)
    return terminal


def populate(terminal: Terminal) -> None:
    """The supervisor, the two clerks, and ``FIXTURE`` and ``NOTICES`` written into the terminal's tables."""
    add_clerk(terminal.db, SUPERVISOR.id, SUPERVISOR.name, SUPERVISOR_PASSWORD, roles=SUPERVISOR.roles)
    for staff, name in (ZHANG, LI):
        add_clerk(terminal.db, staff, name, "clerk-pass-1", roles=frozenset({Role.FRONT_DESK}))
    with terminal.db.sessions.begin() as s:
        for sid, clerk, window, item, created, state, case, version, due, answered, waivers in FIXTURE:
            s.add(Submission(id=sid, item_code=item, form_version=1, version=1, terminal_id=window, clerk_id=clerk,
                             payload={}, state=state, created_at=bj(created), updated_at=bj(created),
                             case_id=case, case_version=version,
                             due_date=date.fromisoformat(due) if due else None, waiver_count=waivers,
                             answered_at=bj(answered) if answered else None,
                             closed_at=bj(CLOSED_AT[sid]) if sid in CLOSED_AT else None))
        for nid, clerk, window, item, created in NOTICES:
            s.add(InformedNotice(id=nid, notice_no=f"GZ-{nid}", item_code=item, form_version=1, terminal_id=window,
                                 clerk_id=clerk, missing=[], created_at=bj(created)))
        s.flush()
        for sid, level, reasons, rated in RATINGS:
            s.add(CaseRating(id=f"R-{sid}", submission_id=sid, clerk_id=ZHANG[0], level=level, reasons=reasons,
                             created_at=bj(rated)))


def table(report: Report) -> dict[tuple[date, str], tuple[int, ...]]:
    """Each line as (accepted, corrections, returned, overdue, informed, waivers, answered)."""
    return {(line.period_start, line.group): _counts(line.measures) for line in report.lines}


def _counts(m: Measures) -> tuple[int, ...]:
    return (m.accepted, m.corrections, m.returned, m.overdue, m.informed, m.waivers, m.answered)


def test_month_by_item_counts_by_beijing_month(make_terminal: Callable[..., Terminal]) -> None:
    terminal = office(make_terminal)
    report = statistics(terminal, SUPERVISOR, Period.MONTH, Grouping.ITEM, date(2026, 10, 1), date(2026, 11, 30),
                        today=TODAY)
    oct_, nov = date(2026, 10, 1), date(2026, 11, 1)
    assert table(report) == {
        (oct_, A): (1, 0, 0, 0, 1, 1, 1),   # S1 (23:59:30 Beijing), N3
        (nov, A): (3, 0, 1, 0, 1, 1, 1),    # S2 returned, S6, S8 (1 waiver), N2; S7 is December, D1 a draft
        (nov, B): (1, 1, 1, 1, 1, 2, 1),    # S3a returned and corrected, S3b overdue, N1
        (nov, C): (2, 0, 0, 2, 0, 1, 2),    # S4 and S5 both answered late
    }
    # S4: 8 Nov 23:30 → 20 Nov 16:00 = 11.6875 days; S5: 9 Nov 00:30 → 20 Nov 00:30 = 11 days
    c_line = next(line for line in report.lines if line.group == C)
    assert c_line.measures.avg_answer_days == pytest.approx((11.6875 + 11.0) / 2, abs=1e-6)
    assert c_line.label == "单位参保登记"
    assert _counts(report.total) == (7, 1, 2, 3, 3, 5, 5)


def test_week_by_clerk_starts_weeks_on_beijing_monday(make_terminal: Callable[..., Terminal]) -> None:
    terminal = office(make_terminal)
    report = statistics(terminal, SUPERVISOR, Period.WEEK, Grouping.CLERK, date(2026, 10, 26), date(2026, 11, 15),
                        today=TODAY)
    w44, w45, w46 = date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9)
    assert table(report) == {
        (w44, ZHANG[0]): (2, 0, 1, 0, 1, 1, 2),  # S1, S2 (returned), N1
        (w44, LI[0]): (0, 0, 0, 0, 1, 0, 0),     # N3 only
        (w45, ZHANG[0]): (1, 0, 0, 1, 0, 0, 1),  # S4 (Sunday 23:30), late
        (w45, LI[0]): (1, 1, 1, 1, 0, 2, 1),     # S3a returned, S3b correction overdue
        (w46, LI[0]): (2, 0, 0, 1, 0, 2, 1),     # S5 (Monday 00:30) late, S8
    }
    assert {line.group: line.label for line in report.by_group} == {ZHANG[0]: "张三", LI[0]: "李四"}
    assert [(p.period_start, p.measures.accepted) for p in report.by_period] == [(w44, 2), (w45, 2), (w46, 2)]


def test_day_by_window_takes_the_beijing_day_and_names_the_office(make_terminal: Callable[..., Terminal]) -> None:
    terminal = office(make_terminal)
    report = statistics(terminal, SUPERVISOR, Period.DAY, Grouping.WINDOW, date(2026, 11, 1), date(2026, 11, 1),
                        today=TODAY)
    # S2 (00:00:10) and N1 (07:59) are on 1 Nov in Beijing; S1 (23:59:30 on 31 Oct) is not
    assert table(report) == {(date(2026, 11, 1), T_A): (1, 0, 1, 0, 1, 0, 1)}
    assert report.lines[0].label == f"{T_A}（测试大厅）"
    # 1 Nov 00:00:10 → 2 Nov 09:00:00 is 1 day 8 h 59 min 50 s
    assert report.total.avg_answer_days == pytest.approx(1 + (8 * 3600 + 59 * 60 + 50) / 86400, abs=1e-6)


def test_overdue_of_an_unanswered_case_depends_on_today(make_terminal: Callable[..., Terminal]) -> None:
    terminal = office(make_terminal)

    def b_overdue(today: date) -> int:
        report = statistics(terminal, SUPERVISOR, Period.MONTH, Grouping.ITEM, date(2026, 11, 1),
                            date(2026, 11, 30), today=today)
        return next(line.measures.overdue for line in report.lines if line.group == B)

    assert b_overdue(date(2026, 11, 12)) == 0  # S3b's due day itself: not yet late
    assert b_overdue(date(2026, 11, 13)) == 1


def test_a_clerk_without_view_statistics_is_refused(make_terminal: Callable[..., Terminal]) -> None:
    terminal = office(make_terminal)
    with pytest.raises(PermissionDenied):
        statistics(terminal, CLERK, Period.DAY, Grouping.ITEM, date(2026, 11, 1), date(2026, 11, 30), today=TODAY)


def test_a_range_ending_before_it_starts_is_refused(make_terminal: Callable[..., Terminal]) -> None:
    terminal = office(make_terminal)
    with pytest.raises(ValidationError):
        statistics(terminal, SUPERVISOR, Period.DAY, Grouping.ITEM, date(2026, 11, 2), date(2026, 11, 1),
                   today=TODAY)


def test_reading_a_report_is_audited_without_personal_data(make_terminal: Callable[..., Terminal]) -> None:
    terminal = office(make_terminal)
    statistics(terminal, SUPERVISOR, Period.WEEK, Grouping.CLERK, date(2026, 11, 1), date(2026, 11, 30), today=TODAY)
    entries = [e for e in terminal.audit.find(terminal.db) if e.action == AuditAction.VIEW_STATISTICS.value]
    assert len(entries) == 1
    entry = entries[0]
    assert entry.clerk_id == SUPERVISOR.id and entry.person_key is None and entry.subject is None
    assert entry.detail == {"period": "week", "by": "clerk", "since": "2026-11-01", "until": "2026-11-30", "rows": 6}


def test_csv_export_reads_back_in_excel_encoding(make_terminal: Callable[..., Terminal], tmp_path: Path) -> None:
    terminal = office(make_terminal)
    report = statistics(terminal, SUPERVISOR, Period.MONTH, Grouping.ITEM, date(2026, 11, 1), date(2026, 11, 30),
                        today=TODAY)
    path = tmp_path / "report.csv"
    write_csv(report, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:6] == ["期间", "期间起始日", "事项代码", "名称", "受理", "更正重报"]
    by_code = {row[2]: row for row in rows[1:-1]}
    assert sorted(by_code) == sorted([A, B, C])
    assert by_code[A][:13] == ["2026-11", "2026-11-01", A, "个人参保登记", "3", "0", "1", "0", "1", "1", "1", "0",
                               "1.4"]
    assert rows[-1][:11] == ["合计", "", "", "", "6", "1", "2", "3", "2", "4", "4"]


def test_xlsx_export_has_typed_cells_and_a_sheet_per_table(make_terminal: Callable[..., Terminal],
                                                           tmp_path: Path) -> None:
    terminal = office(make_terminal)
    report = statistics(terminal, SUPERVISOR, Period.WEEK, Grouping.CLERK, date(2026, 10, 26), date(2026, 11, 15),
                        today=TODAY)
    path = tmp_path / "report.xlsx"
    write_xlsx(report, path)
    book = load_workbook(path)
    assert book.sheetnames == ["明细", "按分组合计", "按期间合计", "说明"]
    detail = list(book["明细"].iter_rows(values_only=True))
    assert detail[1][:11] == ("2026年第44周（10-26起）", datetime(2026, 10, 26), ZHANG[0], "张三", 2, 0, 1, 0, 1, 1, 2)
    assert book["明细"]["B2"].number_format == "yyyy-mm-dd"
    by_group = list(book["按分组合计"].iter_rows(values_only=True))
    assert by_group[1][:9] == (ZHANG[0], "张三", 3, 0, 1, 1, 1, 1, 3)
    assert by_group[-1][:9] == ("合计", None, 6, 1, 2, 3, 2, 5, 5)
    assert book["按分组合计"].column_dimensions["B"].width == 24


@pytest.fixture
def cli_office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture office in a terminal the command line opens: settings file, data and a stand-in OS keyring."""
    from tests.os_keyring_stand_in import FileBackend

    monkeypatch.setenv("SICOUNTER_TEST_KEYRING", str(tmp_path / "keyring.json"))
    settings = Settings(central_url="http://127.0.0.1:9", terminal_id=T_A, office_name="测试大厅",
                        data_dir=tmp_path / "data", devices=DeviceSettings(card_reader="off", id_reader="off",
                                                                          camera="off"))
    config = tmp_path / "settings.toml"
    save_settings(settings, config)
    terminal = build_terminal(settings, SecretStore(FileBackend()), start_sender=False, start_devices=False)
    try:
        populate(terminal)
    finally:
        terminal.close()
    return config


def report_cli(config: Path, tmp_path: Path, staff: str, password: str, *args: str,
               monkeypatch: pytest.MonkeyPatch) -> subprocess.CompletedProcess[str]:
    monkeypatch.setenv("SICOUNTER_SUPERVISOR_PASSWORD", password)
    monkeypatch.delenv("SICOUNTER_SUPERVISOR", raising=False)
    return sicounter("report", *args, "--supervisor", staff, config=config, keyring_file=tmp_path / "keyring.json",
                     input_text="")


def test_cli_report_writes_csv_with_the_supervisors_credentials(cli_office: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "cli.csv"
    done = report_cli(cli_office, tmp_path, SUPERVISOR.id, SUPERVISOR_PASSWORD, "--period", "month", "--by", "item",
                      "--since", "2026-11-01", "--until", "2026-11-30", "--today", "2026-12-01", "--csv", str(out),
                      monkeypatch=monkeypatch)
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    by_code = {row[2]: row for row in rows[1:-1]}
    assert sorted(by_code) == sorted([A, B, C])
    assert by_code[B][4:11] == ["1", "1", "1", "1", "1", "2", "1"]  # retirement approval in November


def test_cli_report_prints_the_table_without_a_file(cli_office: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    done = report_cli(cli_office, tmp_path, SUPERVISOR.id, SUPERVISOR_PASSWORD, "--period", "day", "--by",
                      "window", "--since", "2026-11-01", "--until", "2026-11-01", monkeypatch=monkeypatch)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[2].split("\t")[:12] == ["2026-11-01", T_A, f"{T_A}（测试大厅）", "1", "0", "1", "0", "1", "0", "1",
                                         "0", "1.4"]  # no home visit (上门) among them


def test_cli_report_refuses_a_clerk_without_the_post(cli_office: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    done = report_cli(cli_office, tmp_path, ZHANG[0], "clerk-pass-1", "--period", "day", "--by", "clerk",
                      "--since", "2026-11-01", "--until", "2026-11-30", monkeypatch=monkeypatch)
    assert done.returncode == 2
    assert "无权查看统计" in done.stderr


# -- 好差评 (issue 19) ---------------------------------------------------------------------------------------

def ratings(m: Measures) -> tuple[int, ...]:
    """(rated, 非常满意, 满意, 基本满意, 不满意, 非常不满意)."""
    return (m.rated, m.rated_5, m.rated_4, m.rated_3, m.rated_2, m.rated_1)


def test_ratings_count_by_item_in_the_month_their_case_was_accepted(make_terminal: Callable[..., Terminal]) -> None:
    terminal = office(make_terminal)
    report = statistics(terminal, SUPERVISOR, Period.MONTH, Grouping.ITEM, date(2026, 11, 1), date(2026, 11, 30),
                        today=TODAY)
    nov = date(2026, 11, 1)
    # A: S2 (4), S6 (5, rated in December), S8 (4); B: S3a (2), S3b (5); C: S4 unrated, S5 (1).
    # Not counted: S1 (accepted in October), S7 (accepted in December)
    assert {line.group: ratings(line.measures) for line in report.lines if line.period_start == nov} == {
        A: (3, 1, 2, 0, 0, 0), B: (2, 1, 0, 0, 1, 0), C: (1, 0, 0, 0, 0, 1)}
    by_item = {line.group: line.measures.satisfaction for line in report.lines}
    assert by_item == {A: 1.0, B: 0.5, C: 0.0}
    assert ratings(report.total) == (6, 2, 2, 0, 1, 1)
    assert report.total.satisfaction == pytest.approx(4 / 6)


def test_ratings_by_clerk_and_week_follow_the_beijing_week_of_acceptance(
        make_terminal: Callable[..., Terminal]) -> None:
    terminal = office(make_terminal)
    report = statistics(terminal, SUPERVISOR, Period.WEEK, Grouping.CLERK, date(2026, 10, 26), date(2026, 11, 15),
                        today=TODAY)
    w44, w45, w46 = date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9)
    got = {(line.period_start, line.group): ratings(line.measures) for line in report.lines}
    assert got == {
        (w44, ZHANG[0]): (2, 1, 1, 0, 0, 0),  # S1 (31 Oct 23:59:30), S2 (1 Nov 00:00:10: still week 44)
        (w45, ZHANG[0]): (0, 0, 0, 0, 0, 0),  # S4, not rated
        (w45, LI[0]): (2, 1, 0, 0, 1, 0),  # S3a, S3b
        (w46, LI[0]): (2, 0, 1, 0, 0, 1),  # S5, S8
        (w44, LI[0]): (0, 0, 0, 0, 0, 0),  # only a one-time notice (N3)
    }
    zhang45 = next(line for line in report.lines if (line.period_start, line.group) == (w45, ZHANG[0]))
    assert zhang45.measures.satisfaction is None  # nothing rated: no rate, not 0 %


def test_ratings_by_window_and_day(make_terminal: Callable[..., Terminal]) -> None:
    terminal = office(make_terminal)
    report = statistics(terminal, SUPERVISOR, Period.DAY, Grouping.WINDOW, date(2026, 11, 1), date(2026, 11, 30),
                        today=TODAY)
    rated = {(line.period_start, line.group): ratings(line.measures) for line in report.lines
             if line.measures.rated}
    assert rated == {
        (date(2026, 11, 1), T_A): (1, 0, 1, 0, 0, 0), (date(2026, 11, 2), T_B): (1, 0, 0, 0, 1, 0),
        (date(2026, 11, 5), T_B): (1, 1, 0, 0, 0, 0), (date(2026, 11, 9), T_A): (1, 0, 0, 0, 0, 1),
        (date(2026, 11, 15), T_B): (1, 0, 1, 0, 0, 0), (date(2026, 11, 30), T_A): (1, 1, 0, 0, 0, 0)}


def test_csv_and_xlsx_exports_carry_the_ratings_and_satisfaction(make_terminal: Callable[..., Terminal],
                                                                  tmp_path: Path) -> None:
    terminal = office(make_terminal)
    report = statistics(terminal, SUPERVISOR, Period.MONTH, Grouping.ITEM, date(2026, 11, 1), date(2026, 11, 30),
                        today=TODAY)
    write_csv(report, tmp_path / "r.csv")
    with (tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][13:] == ["评价数", "非常满意", "满意", "基本满意", "不满意", "非常不满意", "满意率（%）"]
    by_code = {row[2]: row[13:] for row in rows[1:-1]}
    assert by_code == {A: ["3", "1", "2", "0", "0", "0", "100.0"], B: ["2", "1", "0", "0", "1", "0", "50.0"],
                       C: ["1", "0", "0", "0", "0", "1", "0.0"]}
    assert rows[-1][13:] == ["6", "2", "2", "0", "1", "1", "66.7"]
    write_xlsx(report, tmp_path / "r.xlsx")
    book = load_workbook(tmp_path / "r.xlsx")
    by_group = list(book["按分组合计"].iter_rows(values_only=True))
    assert by_group[0][11:] == ("评价数", "非常满意", "满意", "基本满意", "不满意", "非常不满意", "满意率（%）")
    assert by_group[-1][11:] == (6, 2, 2, 0, 1, 1, 66.7)
    assert any("满意率" in str(row[1]) for row in book["说明"].iter_rows(values_only=True))


def test_cli_report_prints_the_ratings(cli_office: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    done = report_cli(cli_office, tmp_path, SUPERVISOR.id, SUPERVISOR_PASSWORD, "--period", "month", "--by",
                      "window", "--since", "2026-11-01", "--until", "2026-11-30", "--today", "2026-12-01",
                      monkeypatch=monkeypatch)
    assert done.returncode == 0, done.stderr
    lines = [line.split("\t") for line in done.stdout.splitlines()]
    assert lines[1][12:] == ["评价数", "非常满意", "满意", "基本满意", "不满意", "非常不满意", "满意率"]
    by_window = {line[1]: line[12:] for line in lines[2:-1]}
    # T_A: S2 (4), S5 (1), S6 (5); T_B: S3a (2), S3b (5), S4 unrated, S8 (4)
    assert by_window == {T_A: ["3", "1", "1", "0", "0", "1", "66.7%"], T_B: ["3", "1", "1", "0", "1", "0", "66.7%"]}
    assert lines[-1][12:] == ["6", "2", "2", "0", "1", "1", "66.7%"]
