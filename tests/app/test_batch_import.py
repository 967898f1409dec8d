"""人员新增 by batch import through the use cases (issue 20 item 5): real terminal, real central process.

The year's base limits come from the reference figures in the terminal's data directory (as the central
system sends them); the lists are built in the test as an employer fills the template.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.secrets import SecretStore
from app.terminal import Terminal
from app.usecases.batch_import import (
    BATCH_ITEM,
    BatchEmpty,
    BatchRequest,
    ImportResult,
    batch_rows,
    central_check,
    check_workbook,
    marked_up_workbook,
    staff_template,
    submit_batch,
)
from app.usecases.receipts import saved_receipt
from central.models import PersonRecordRow
from central.store import CentralStore
from forms.rules.figures import MissingFigures
from forms.staff_import import BASES, STAFF, CentralAnswer, check_rows
from forms.staff_workbook import StaffSheet, read_sheet
from local_db.submissions import list_submissions, pending_count
from protocol.body import BATCH_ROWS_KEY
from tests.central.registry_helpers import seed_db
from tests.forms.staff_lists import LIMITS, TODAY, filled, good, person

from .conftest import CLERK, TERMINAL_ID, CentralKey, free_port
from .samples import WAIVER
from .test_home_visit_offline import Clock, start_laptop

UNIT = "61020012345"
#: the unit and its 经办人, as the clerk types them on the import page
VALUES = {"unit_number": UNIT, "employer_name": "铜川市测试机械有限公司", "legal_rep_name": "王法人",
          "legal_rep_id_number": person("19700101", "333"), "agent_name": "王经办",
          "agent_id_number": person("19850101", "222"), "agent_relation": "employer_staff",
          "agent_phone": "13900139000"}
#: the IDs read by the ID reader and the authorisation shown, instead of photographed
WAIVED = {"identity_document": WAIVER, "agent_identity_document": WAIVER, "authorisation": "单位介绍信已核验"}
#: the 2024 provincial average wage giving a 2025 monthly base range of 4500.30-22501.50 (7500.50 a month)
FIGURES = {"years": {"2024": {"avg_wage_annual": "90006", "source": "测试数据"}}}


def with_figures(data_dir: Path) -> None:
    folder = data_dir / "reference"
    folder.mkdir(exist_ok=True)
    (folder / "figures-61.json").write_text(json.dumps(FIGURES), encoding="utf-8")


def central_submissions(db: Path) -> list[dict[str, Any]]:
    out = subprocess.run([sys.executable, "-m", "app", "central", "list-submissions", "--db", str(db), "--json",
                          "--include-payload"],
                         capture_output=True, text=True, check=True, timeout=60)
    found = json.loads(out.stdout)
    assert isinstance(found, list)
    return found


def test_a_valid_batch_becomes_one_case_with_one_receipt_at_the_central_system(
        start_central: Any, make_terminal: Any, data_dir: Path, central_db: Path) -> None:
    with_figures(data_dir)
    server = start_central()
    terminal: Terminal = make_terminal(server.base_url, start_sender=False)
    rows = [good(), good(id_number=person(seq="135"), name="李四"), good(id_number=person(seq="157"), name="赵五")]
    result = check_workbook(terminal, CLERK, filled(rows), unit_number=UNIT, today=TODAY)
    assert result.check.problems == [] and len(result.check.valid_rows) == 3
    accepted = submit_batch(terminal, BatchRequest(CLERK, result, VALUES, waivers=WAIVED), today=TODAY)
    receipt = accepted.receipt
    assert receipt.item_name == "人员新增（批量导入）" and receipt.agent_name == "王经办"
    [case] = list_submissions(terminal.db)
    assert case.item_code == BATCH_ITEM and case.counter_receipt_no == receipt.receipt_no
    assert terminal.sender is not None and terminal.sender.sync_once().error is None
    [record] = [r for r in central_submissions(central_db) if r["id"] == case.id]
    batch = record["payload"]["_batch"]
    assert record["payload"]["row_count"] == "3" and record["payload"]["unit_number"] == UNIT
    assert batch["columns"][:2] == ["id_number", "name"] and batch["row_count"] == 3
    rows = central_rows(central_db, record)
    assert rows["columns"] == batch["columns"] and rows["source_rows"] == [2, 3, 4]
    assert [row[0] for row in rows["rows"]] == [person(), person(seq="135"), person(seq="157")]
    assert rows["rows"][0][5] == "pension,medical,unemployment,injury,maternity"


def test_a_batch_with_bad_rows_accepts_only_the_valid_ones(make_terminal: Any, data_dir: Path) -> None:
    with_figures(data_dir)
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    rows = [good(), good(base="30000"), good(id_number=person(seq="135"), name="李四")]
    result = check_workbook(terminal, CLERK, filled(rows), unit_number=UNIT, today=TODAY)
    assert [(p.row, p.column) for p in result.check.problems] == [(3, "base"), (3, "id_number")]
    assert result.central == "offline"
    accepted = submit_batch(terminal, BatchRequest(CLERK, result, VALUES, waivers=WAIVED), today=TODAY)
    [case] = list_submissions(terminal.db)
    assert case.id == accepted.case.view.id and case.payload["row_count"] == "2"
    assert case.payload["_batch"]["refused_rows"] == 1 and case.payload["_batch"]["row_count"] == 2
    kept = batch_rows(terminal, case)  # sealed on the terminal, waiting to be sent
    assert kept is not None and kept["source_rows"] == [2, 4] and len(kept["rows"]) == 2
    trail = [e for e in terminal.audit.find(terminal.db) if e.action == "batch_import"]
    assert [(e.detail["step"], e.detail.get("refused")) for e in trail] == [("check", 1), ("submit", 1)]
    assert all(person() not in json.dumps(e.detail, ensure_ascii=False) for e in trail)


def test_a_list_of_bases_is_received_as_a_base_declaration(make_terminal: Any, data_dir: Path) -> None:
    """The same import page takes a 缴费基数申报 list; its receipt must not say 人员新增."""
    with_figures(data_dir)
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    rows = [{"id_number": person(), "name": "张三", "last_year_wage": "6000", "base": "6000"}]
    result = check_workbook(terminal, CLERK, filled(rows, BASES), unit_number=UNIT, today=TODAY)
    assert result.check.kind is BASES and result.check.problems == []
    accepted = submit_batch(terminal, BatchRequest(CLERK, result, VALUES, waivers=WAIVED), today=TODAY)
    assert accepted.receipt.item_name == "缴费基数申报（批量导入）"
    [case] = list_submissions(terminal.db)
    assert case.payload["_batch"]["kind"] == "bases"
    # 补打回执 says what the first print said
    assert saved_receipt(terminal, CLERK, case.id).item_name == "缴费基数申报（批量导入）"


def test_a_list_with_no_valid_row_is_not_accepted(make_terminal: Any, data_dir: Path) -> None:
    with_figures(data_dir)
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    result = check_workbook(terminal, CLERK, filled([good(base="1")]), unit_number=UNIT, today=TODAY)
    with pytest.raises(BatchEmpty):
        submit_batch(terminal, BatchRequest(CLERK, result, VALUES, waivers=WAIVED), today=TODAY)
    assert list_submissions(terminal.db) == []


def test_without_the_years_figures_the_list_is_not_checked(make_terminal: Any) -> None:
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    with pytest.raises(MissingFigures) as info:
        check_workbook(terminal, CLERK, filled([good()]), unit_number=UNIT, today=TODAY)
    assert "平均工资" in info.value.user_message


def test_a_callable_answer_marks_only_rows_that_passed_every_other_check(make_terminal: Any, data_dir: Path) -> None:
    with_figures(data_dir)
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    asked: list[tuple[str, list[str]]] = []

    def registered(unit: str, numbers: Any) -> dict[str, CentralAnswer]:
        asked.append((unit, list(numbers)))
        return {person(seq="135"): CentralAnswer("李四", "此人已在其他单位参保，请原单位先办理减员，再由本单位新增。"),
                person(): CentralAnswer("张珊")}

    rows = [good(), good(id_number=person(seq="135"), name="李四"), good(base="1", id_number=person(seq="157"))]
    result = check_workbook(terminal, CLERK, filled(rows), unit_number=UNIT, registered=registered, today=TODAY)
    assert asked == [(UNIT, [person(), person(seq="135")])]  # only the rows that passed every other check
    assert [(p.row, p.column) for p in result.check.problems] == [(2, "name"), (3, "id_number"), (4, "base")]
    assert "张珊" in result.check.problems[0].message and result.central == "checked"


def _registry_person(db: Path, **where: Any) -> PersonRecordRow:
    """A seeded person matching ``where`` (equality, or a callable on the column for anything else)."""
    with CentralStore.open(db) as store, store.reading() as session:
        query = select(PersonRecordRow).order_by(PersonRecordRow.id_number)
        for name, value in where.items():
            column = getattr(PersonRecordRow, name)
            query = query.where(value(column) if callable(value) else column == value)
        for found in session.scalars(query):
            session.expunge(found)
            return found
    raise KeyError(where)


def _row_of(found: PersonRecordRow) -> dict[str, str]:
    born = date.fromisoformat(found.birth_date)
    return good(id_number=found.id_number, name=found.name, work_start=f"{born.year + 20}-07-01")


def test_duplicates_at_the_central_system_are_marked_through_the_real_lookup(
        start_central: Any, make_terminal: Any, data_dir: Path, central_db: Path) -> None:
    with_figures(data_dir)
    seed_db(central_db, persons=300, employers=20)
    here = _registry_person(central_db, insured_category="employee", benefit_status="none")
    elsewhere = _registry_person(central_db, insured_category="employee", benefit_status="none",
                                 unit_number=lambda c: c != here.unit_number)
    pensioner = _registry_person(central_db, benefit_status="pension")
    server = start_central()
    terminal: Terminal = make_terminal(server.base_url, start_sender=False)
    newcomer = good(id_number=person("19990101", "555"), name="新员工", work_start="2024-07-01")
    renamed = {**_row_of(pensioner), "name": "另一个人"}
    rows = [_row_of(here), _row_of(elsewhere), newcomer, renamed]
    result = check_workbook(terminal, CLERK, filled(rows), unit_number=here.unit_number or "",
                            registered=central_check(terminal, CLERK), today=TODAY)
    assert result.central == "checked"
    messages = {(p.row, p.column): p.message for p in result.check.problems}
    assert set(messages) == {(2, "id_number"), (3, "id_number"), (5, "id_number")}
    assert messages[2, "id_number"] == "此人已在本单位参保，无需重复新增。"
    assert "请原单位先办理减员" in messages[3, "id_number"]
    assert (elsewhere.unit_number or "") in messages[3, "id_number"]
    assert "已领取基本养老金" in messages[5, "id_number"]
    assert [row.row for row in result.check.valid_rows] == [4]
    lookups = [e for e in terminal.audit.find(terminal.db) if e.action == "lookup"]
    assert len(lookups) == 1 and lookups[0].detail.get("count") == 4


def test_offline_the_list_is_checked_without_the_central_system(make_terminal: Any, data_dir: Path) -> None:
    with_figures(data_dir)
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    result = check_workbook(terminal, CLERK, filled([good()]), unit_number=UNIT,
                            registered=central_check(terminal, CLERK), today=TODAY)
    assert result.central == "offline" and len(result.check.valid_rows) == 1


def test_the_marked_up_copy_is_the_employers_file_with_the_marks(make_terminal: Any, data_dir: Path) -> None:
    with_figures(data_dir)
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    result = check_workbook(terminal, CLERK, filled([good(), good(work_start="2031-01-01")]), unit_number=UNIT,
                            today=TODAY)
    copy = marked_up_workbook(terminal, CLERK, result)
    sheet = read_sheet(copy)  # still a list the counter reads: the employer fixes it and brings it back
    assert [n for n, _ in sheet.rows] == [2, 3]


def test_the_template_carries_the_years_limits(make_terminal: Any, data_dir: Path) -> None:
    with_figures(data_dir)
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    data = staff_template(terminal, CLERK, STAFF, today=TODAY)
    assert read_sheet(filled([good()])).kind is STAFF and data[:2] == b"PK"


def long_list(count: int) -> ImportResult:
    """``count`` valid rows as ``check_workbook`` gives them (checked in memory: no workbook to write)."""
    rows: list[tuple[int, dict[str, str]]] = []
    for index in range(count):
        born = date(1970, 1, 1) + timedelta(days=index)  # one person per birthday: no duplicate ID numbers
        rows.append((index + 2, good(id_number=person(f"{born:%Y%m%d}", f"{index % 900 + 100:03d}"),
                                     name="欧阳娜娜", work_start=f"{born.year + 20}-07-01", base="22501.50")))
    check = check_rows(STAFF, rows, LIMITS, today=TODAY)
    assert check.problems == [] and len(check.valid_rows) == count
    sheet = StaffSheet(STAFF, "人员名单", rows, {c.key: i for i, c in enumerate(STAFF.columns, start=1)},
                       len(STAFF.columns))
    return ImportResult(sheet, check, LIMITS, "offline", b"")


def central_rows(central_db: Path, record: Mapping[str, Any]) -> dict[str, Any]:
    """The rows blob of a batch case as the central system stored it, decoded."""
    [attachment] = [a for a in record["attachments"] if a["material_key"] == BATCH_ROWS_KEY]
    assert attachment["media_type"] == "application/json"
    assert attachment["sha256"] == record["payload"]["_batch"]["rows_sha256"]
    with CentralStore.open(central_db) as store:
        assert store.blobs is not None
        found = store.blobs.content(TERMINAL_ID, attachment["sha256"])
        assert found is not None
        data = found.read()
    assert hashlib.sha256(data).hexdigest() == attachment["sha256"] and len(data) == attachment["size"]
    rows = json.loads(data)
    assert isinstance(rows, dict)
    return rows


def test_ten_thousand_rows_are_one_case_with_one_receipt_and_arrive_whole(
        start_central: Any, make_terminal: Any, central_db: Path) -> None:
    server = start_central()
    terminal: Terminal = make_terminal(server.base_url, start_sender=False)
    result = long_list(10_000)
    accepted = submit_batch(terminal, BatchRequest(CLERK, result, VALUES, waivers=WAIVED), today=TODAY)
    [case] = list_submissions(terminal.db)
    assert case.id == accepted.case.view.id and case.counter_receipt_no == accepted.receipt.receipt_no
    assert accepted.rows == 10_000 and case.payload["row_count"] == "10000"
    assert all(m.name != BATCH_ROWS_KEY for m in accepted.receipt.materials)  # the rows are no material
    assert terminal.sender is not None and terminal.sender.sync_once().error is None
    [record] = central_submissions(central_db)
    assert record["id"] == case.id and record["counter_receipt_no"] == accepted.receipt.receipt_no
    rows = central_rows(central_db, record)
    sent = [[row.values.get(c.key, "") for c in STAFF.columns] for row in result.check.valid_rows]
    assert rows["rows"] == sent and rows["source_rows"] == list(range(2, 10_002))


def test_offline_a_long_batch_waits_in_the_queue_and_goes_out_exactly_once(
        data_dir: Path, secrets_store: SecretStore, central_key: CentralKey, start_central: Any,
        central_db: Path) -> None:
    port = free_port()  # the central system answers here only once the terminal is back in reach
    clock = Clock(datetime(2025, 6, 16, 2, 0, tzinfo=UTC))
    terminal = start_laptop(data_dir, secrets_store, central_key, f"http://127.0.0.1:{port}", clock, first=True)
    assert terminal.sender is not None and terminal.sender.sync_once().error is not None  # no network
    accepted = submit_batch(terminal, BatchRequest(CLERK, long_list(10_000), VALUES, waivers=WAIVED),
                            today=TODAY, now=clock.now)
    assert accepted.receipt.offline  # the receipt says the case is not yet at the central system
    assert terminal.sender.sync_once().error is not None and pending_count(terminal.db) == 1
    terminal.close()

    start_central(port=port)
    terminal = start_laptop(data_dir, secrets_store, central_key, f"http://127.0.0.1:{port}", clock)
    try:
        assert terminal.sender is not None
        summary = terminal.sender.sync_once()
        assert summary.error is None and summary.sent == 1 and summary.pending == 0
        assert terminal.sender.sync_once().sent == 0  # nothing goes twice
        [record] = central_submissions(central_db)
        assert record["id"] == accepted.case.view.id
        rows = central_rows(central_db, record)
        assert len(rows["rows"]) == 10_000 and rows["source_rows"][-1] == 10_001
    finally:
        terminal.close()
