"""The query screens (issue 20), for review at the screen size the process runs under.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/query_shots.py OUT_DIR PREFIX

A throwaway central system (a child process on a seeded synthetic registry: 400 persons, 20 employers) and a
terminal with a file keyring. Clerk 1001 opens each query tile and looks someone up the way a clerk would
(a typed number with a reason, or an ID card read): a person with a normal card, one whose card was reported
lost, a deceased pensioner (死亡上报查询), a pensioner (资格认证查询), someone near retirement age (到龄确认查询),
an employer by credit code, an ID card verified (一致 and 不一致); then the central system stops and a query
says it needs the central system.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QScrollArea
from sqlalchemy import ColumnElement, select

from app.cards import IdentityReading
from app.lookups import LookupReason
from app.retirement_due import through_month
from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import build_terminal
from app.ui.age_confirmation_page import AgeConfirmationPage
from app.ui.employer_query_page import EmployerQueryPage
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.person_query_page import PersonQueryPage
from app.ui.qt_app import make_application, save_screenshot, tear_down
from app.ui.query_common import QueryScreen
from central.models import EmployerRecordRow, PersonRecordRow
from central.process import CentralServerProcess
from central.query_api import due_persons
from central.registry_seed import seed_registry
from central.signing import generate, keyring_backend
from central.store import CentralStore, add_terminal
from local_db.clerks import Role, add_clerk, verify_clerk


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(screen: QueryScreen, ms: int = 15000) -> None:
    """Until the screen's lookup answered (its search button is enabled again)."""
    waited = 0
    pump(100)
    while screen.busy and waited < ms:
        pump(100)
        waited += 100
    pump(400)


def first_person(db: Path, *conditions: ColumnElement[bool]) -> PersonRecordRow:
    with CentralStore.open(db) as store, store.reading() as session:
        row: PersonRecordRow | None = session.scalar(select(PersonRecordRow).where(*conditions)
                                                     .order_by(PersonRecordRow.id_number).limit(1))
        assert row is not None, conditions
        session.expunge(row)
        return row


def first_employer(db: Path) -> EmployerRecordRow:
    with CentralStore.open(db) as store, store.reading() as session:
        row = session.scalar(select(EmployerRecordRow).where(EmployerRecordRow.status == "normal",
                                                             EmployerRecordRow.arrears_months > 0)
                             .order_by(EmployerRecordRow.unit_number).limit(1)) \
            or session.scalar(select(EmployerRecordRow).order_by(EmployerRecordRow.unit_number).limit(1))
        assert row is not None
        session.expunge(row)
        return row


def unit_with_staff_due(db: Path, through: str) -> str:
    """The first unit with staff at retirement age by ``through`` (so the list shows something)."""
    with CentralStore.open(db) as store, store.reading() as session:
        for unit in session.scalars(select(EmployerRecordRow).order_by(EmployerRecordRow.unit_number)):
            if due_persons(session, unit.unit_number, through):
                return unit.unit_number
    raise SystemExit("no unit with staff due")


def id_card(person: PersonRecordRow, name: str | None = None) -> IdentityReading:
    values = {"id_number": person.id_number, "name": name or person.name, "sex": person.sex,
              "birth_date": person.birth_date}
    return IdentityReading(source="居民身份证", name=values["name"], id_number=person.id_number, values=values)


def main(out: Path, prefix: str) -> int:
    app = make_application()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = root / "central.sqlite3"
        with CentralStore.open(db) as central:
            seed_registry(central, persons=400, employers=20, seed=3)
        store = SecretStore(file_keyring(root / "keyring"))
        store.set_terminal_token(add_terminal(db, "SHOT-01"))
        signer, _made = generate(keyring_backend(root / "central-keyring"))
        server = CentralServerProcess.start(db, stderr_path=root / "central.log",
                                            extra_args=("--keyring-dir", str(root / "central-keyring")))
        terminal = build_terminal(Settings(central_url=server.base_url, terminal_id="SHOT-01",
                                           central_signing_key=signer.public_key_text(),
                                           office_name="铜川市社会保险经办中心 · 3号窗口", data_dir=root / "data",
                                           devices=DeviceSettings(card_reader="off", id_reader="off",
                                                                  camera="off")), store, start_sender=False)
        try:
            add_clerk(terminal.db, "1001", "王丽", "screenshot-pass", roles=frozenset({Role.FRONT_DESK}))
            clerk = verify_clerk(terminal.db, "1001", "screenshot-pass")
            ops = OpRunner(app)
            window = MainWindow(terminal, clerk, ops)
            geometry = window.screen().availableGeometry()
            window.resize(geometry.width(), geometry.height())
            window.show()
            pump(800)
            print(save_screenshot(window, out / f"{prefix}-home.png"))
            items = {item.code: item for item in terminal.catalogue}

            def person_tile(code: str, person: PersonRecordRow, name: str) -> None:
                window.open_item(items[code])
                screen = window.query_screen
                assert isinstance(screen, PersonQueryPage)
                screen.look_up(person.id_number, LookupReason("typed", "本人到场，未带证件", code))
                wait_for(screen)
                print(save_screenshot(window, out / f"{prefix}-{name}.png"))

            person_tile("personal_query", first_person(db, PersonRecordRow.card_status == "normal",
                                                       PersonRecordRow.insured_category == "employee",
                                                       PersonRecordRow.benefit_status == "none"), "person")
            scroll = window.query_screen.findChild(QScrollArea, "queryScroll") if window.query_screen else None
            if scroll is not None:  # the contribution periods and the pension account below the fold
                scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
                pump(300)
                print(save_screenshot(window, out / f"{prefix}-person-periods.png"))
            window.open_item(items["personal_query"])
            screen = window.query_screen
            assert screen is not None
            screen.entry.setText(first_person(db, PersonRecordRow.card_status == "normal").id_number)
            screen.ask_reason()
            pump(400)
            if screen.reason_dialog is not None:
                print(save_screenshot(window, out / f"{prefix}-reason-dialog.png"))
                screen.reason_dialog.reject()
            person_tile("personal_query", first_person(db, PersonRecordRow.card_status == "lost"), "person-lost-card")
            person_tile("qualification_query", first_person(db, PersonRecordRow.benefit_status == "pension"),
                        "qualification")
            person_tile("death_report_query", first_person(db, PersonRecordRow.benefit_status == "deceased"),
                        "death-report")
            person_tile("age_confirmation_query", first_person(db, PersonRecordRow.benefit_status == "none",
                                                               PersonRecordRow.sex == "female",
                                                               PersonRecordRow.insured_category == "employee",
                                                               PersonRecordRow.birth_date < "1980-01-01"),
                        "age-confirmation")

            window.open_item(items["age_confirmation_query"])
            ages = window.query_screen
            assert isinstance(ages, AgeConfirmationPage)
            ages.horizon.setCurrentIndex(ages.horizon.findData(24))
            ages.typed_key(unit_with_staff_due(db, through_month(ages._today, 24)), "单位经办人持介绍信办理")
            wait_for(ages)
            print(save_screenshot(window, out / f"{prefix}-age-confirmation-unit.png"))

            window.open_item(items["employer_query"])
            employer = window.query_screen
            assert isinstance(employer, EmployerQueryPage)
            employer.look_up(first_employer(db).uscc, "单位经办人持介绍信办理")
            wait_for(employer)
            print(save_screenshot(window, out / f"{prefix}-employer.png"))

            window.open_item(items["identity_verification"])
            verification = window.query_screen
            assert verification is not None
            print(save_screenshot(window, out / f"{prefix}-verification-waiting.png"))
            good = first_person(db, PersonRecordRow.card_status == "normal", PersonRecordRow.benefit_status == "none")
            window._identity_read(id_card(good))
            wait_for(verification)
            print(save_screenshot(window, out / f"{prefix}-verification-consistent.png"))
            lost = first_person(db, PersonRecordRow.card_status == "lost")
            window._identity_read(id_card(lost, name=lost.name[0] + "冒名"))
            wait_for(verification)
            print(save_screenshot(window, out / f"{prefix}-verification-inconsistent.png"))

            server.stop()
            person_tile("personal_query", good, "offline")
            window.close()
            ops.wait()
            tear_down(app, window)
        finally:
            terminal.close()
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots"),
                  sys.argv[2] if len(sys.argv) > 2 else "queries"))
