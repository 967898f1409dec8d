"""The employer items, for review at the screen size the process runs under (issue 20 item 5).

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/employer_shots.py OUT_DIR PREFIX

A throwaway terminal (file keyring) against a central child process that sends the province's 2024 average wage
with its reference data (made up: 90,006 yuan, a monthly base range of 4,500.30-22,501.50 for 2025). Clerk
1001 imports a staff list of 40 rows of which six are wrong (a check character, a date that does not exist,
a base above the ceiling, a repeated person, a start before 16, an unknown insurance), then opens
单位参保信息变更 (a change of bank account with a mistyped account number) and 缴费基数申报及核定.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import date
from importlib.resources import files
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import QEventLoop, QTimer

from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import build_terminal
from app.ui.batch_import_page import BatchImportPage
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, save_screenshot, tear_down
from central.process import CentralServerProcess
from central.signing import generate, keyring_backend
from central.store import add_terminal
from forms.idnumber import check_character
from forms.staff_import import STAFF
from forms.staff_workbook import template
from local_db.clerks import Role, add_clerk, verify_clerk

TODAY = date(2025, 6, 16)
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = ["秀英", "建国", "丽", "强", "桂兰", "伟", "芳", "志明", "海燕", "军"]
UNIT = {"unit_number": "61020012345", "employer_name": "铜川市宏达机械制造有限公司", "legal_rep_name": "刘宏达",
        "agent_name": "陈晓燕", "agent_relation": "employer_staff", "agent_phone": "13909190123"}


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def id_number(n: int) -> str:
    body = f"610202{1975 + n % 25}{1 + n % 12:02d}{1 + n % 27:02d}{100 + n:03d}"
    return body + check_character(body)


def staff_list() -> bytes:
    book = load_workbook(BytesIO(template(STAFF)))
    sheet = book.worksheets[0]
    for n in range(40):
        number = id_number(n)
        row = [number, SURNAMES[n % 10] + GIVEN[(n // 3) % 10], f"{1975 + n % 25 + 20}-07-01", "2025-05-01",
               str(4800 + 137 * n), "养老、医疗、失业、工伤、生育", f"139{n:08d}"]
        if n == 3:
            row[0] = number[:17] + ("0" if number[17] != "0" else "1")
        elif n == 9:
            row[3] = "2025-02-30"
        elif n == 14:
            row[4] = "26000"
        elif n == 21:
            row[0] = id_number(2)
        elif n == 27:
            row[2] = f"{1975 + n % 25 + 10}-09-01"
        elif n == 33:
            row[5] = "养老、大病医疗"
        for column, value in enumerate(row, start=1):  # typed from row 2, as in Excel
            sheet.cell(row=n + 2, column=column, value=value)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def central_reference(folder: Path) -> Path:
    """The central system's reference data: the shipped files, with a 2024 average wage for province 61."""
    shipped = files("resources")
    (folder / "forms").mkdir(parents=True)
    for entry in (shipped / "forms").iterdir():
        (folder / "forms" / entry.name).write_bytes(entry.read_bytes())
    (folder / "holidays.json").write_bytes((shipped / "rules" / "holidays_cn.json").read_bytes())
    (folder / "figures").mkdir()
    figures = json.loads((shipped / "rules" / "figures" / "61.json").read_text(encoding="utf-8"))
    figures["years"]["2024"]["avg_wage_annual"] = "90006"
    figures["years"]["2024"]["source"] += "；平均工资为截图用示例数据"
    (folder / "figures" / "61.json").write_text(json.dumps(figures, ensure_ascii=False), encoding="utf-8")
    return folder


def main(out: Path, prefix: str) -> int:
    app = make_application()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = SecretStore(file_keyring(root / "keyring"))
        store.set_terminal_token(add_terminal(root / "central.sqlite3", "SHOT-01"))
        signer, _made = generate(keyring_backend(root / "central-keyring"))
        reference = central_reference(root / "reference")
        with CentralServerProcess.start(root / "central.sqlite3", stderr_path=root / "central.log",
                                        extra_args=("--keyring-dir", str(root / "central-keyring"),
                                                    "--reference-dir", str(reference))) as server:
            terminal = build_terminal(Settings(central_url=server.base_url, terminal_id="SHOT-01",
                                               central_signing_key=signer.public_key_text(),
                                               office_name="铜川市社会保险经办中心 · 3号窗口", data_dir=root / "data",
                                               devices=DeviceSettings(card_reader="off", id_reader="off",
                                                                      camera="off")), store)
            try:
                add_clerk(terminal.db, "1001", "王丽", "screenshot-pass", roles=frozenset({Role.FRONT_DESK}))
                clerk = verify_clerk(terminal.db, "1001", "screenshot-pass")
                ops = OpRunner(app)
                window = MainWindow(terminal, clerk, ops)
                screen = window.screen().availableGeometry()
                window.resize(screen.width(), screen.height())
                window.show()
                pump(800)
                items = {item.code: item for item in terminal.catalogue}
                window.open_item(items["staff_batch_import"])
                page = window.stack.currentWidget()
                assert isinstance(page, BatchImportPage)
                page.today = TODAY
                people = {"legal_rep_id_number": id_number(66), "agent_id_number": id_number(77)}
                for key, value in {**UNIT, **people}.items():
                    page.view.set_value(key, value)
                source = root / "宏达机械人员新增.xlsx"
                source.write_bytes(staff_list())
                page.choose_file(source)
                pump(3000)
                page.table.selectRow(0)
                pump(200)
                print(save_screenshot(window, out / f"{prefix}-import-errors.png"))
                page.only_bad.setChecked(False)
                page.table.scrollToItem(page.table.item(20, 0))
                pump(500)
                print(save_screenshot(window, out / f"{prefix}-import-all.png"))
                window.open_item(items["employer_change"])
                form = window.form_page
                assert form is not None
                for key, value in {"unit_number": "61020012345", "credit_code": "91610200MA6X12345K",
                                   "employer_name": UNIT["employer_name"], "change_type": "bank",
                                   "change_date": "2025-06-10", "new_bank_name": "中国建设银行铜川分行",
                                   "new_bank_account": "6100 1234", "legal_rep_name": "刘建国",
                                   "legal_rep_id_number": id_number(5)}.items():
                    form.view.set_value(key, value)
                form.view.show_problems(form.view.problems())
                pump(800)
                print(save_screenshot(window, out / f"{prefix}-employer-change.png"))
                window.open_item(items["contribution_base"])
                form = window.form_page
                assert form is not None
                for key, value in {"unit_number": "61020012345", "employer_name": UNIT["employer_name"],
                                   "declare_year": "2025", "staff_count": "40", "wage_total": "3264000"}.items():
                    form.view.set_value(key, value)
                form.view.show_problems(form.view.problems())
                pump(800)
                print(save_screenshot(window, out / f"{prefix}-contribution-base.png"))
                window.close()
                ops.wait()
                tear_down(app, window)
            finally:
                terminal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots"),
                  sys.argv[2] if len(sys.argv) > 2 else "employer"))
