"""Certificates about persons of the seeded synthetic registry (``central seed``), through a real central process:
what the certificate states is what the registry tables hold, for persons picked by their properties."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.cards import IdentityReading
from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import Terminal, build_terminal
from app.usecases.certificate import CertificateRequest, issue_certificate
from central.models import ContributionPeriodRow, PersonInsuranceRow, PersonRecordRow
from central.process import CentralServerProcess
from central.store import CentralStore, add_terminal
from core.errors import SyncError
from tests.central.registry_helpers import person_where, seed_db

from .conftest import CLERK, TERMINAL_ID, make_central_key
from .test_certificate import pdf_text


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CentralServerProcess, Terminal, Any]]:
    root = tmp_path_factory.mktemp("seeded-certificates")
    central_db = root / "central.sqlite3"
    seed_db(central_db, persons=300, employers=20)
    key = make_central_key(root / "central-keyring")
    server = CentralServerProcess.start(central_db, stderr_path=root / "central.log", extra_args=key.serve_args())
    secrets = SecretStore(file_keyring(root / "keyring"))
    secrets.set_terminal_token(add_terminal(central_db, TERMINAL_ID))
    terminal = build_terminal(Settings(central_url=server.base_url, terminal_id=TERMINAL_ID,
                                       central_signing_key=key.public_key, office_name="测试大厅",
                                       data_dir=root / "terminal",
                                       devices=DeviceSettings(card_reader="off", id_reader="off", camera="off")),
                              secrets, start_sender=False)
    try:
        yield server, terminal, central_db
    finally:
        terminal.close()
        server.stop()


def _card(central_db: Any, number: str) -> IdentityReading:
    with CentralStore.open(central_db) as store, store.reading() as session:
        person = session.get(PersonRecordRow, number)
        assert person is not None
        return IdentityReading(source="社保卡", name=person.name, id_number=number)


def test_an_employees_insurance_certificate_states_the_registrys_insurances_and_months(
        qapp: Any, seeded: tuple[CentralServerProcess, Terminal, Any]) -> None:
    server, terminal, central_db = seeded
    number = person_where(central_db, insured_category="employee", card_status="normal", benefit_status="none")
    issued = issue_certificate(terminal, CLERK, CertificateRequest("insurance", number,
                                                                   holder=_card(central_db, number)))
    with CentralStore.open(central_db) as store, store.reading() as session:
        insured = {row.insurance: row for row in session.scalars(
            select(PersonInsuranceRow).where(PersonInsuranceRow.id_number == number))}
        paid: dict[str, int] = {}
        for period in session.scalars(select(ContributionPeriodRow).where(ContributionPeriodRow.id_number == number)):
            paid[period.insurance] = paid.get(period.insurance, 0) + period.months
    stated = {row.insurance: row for row in issued.facts.insurances}
    assert set(stated) == set(insured) and insured
    for code, row in stated.items():
        assert (row.status, row.since, row.months) == (insured[code].status, insured[code].since, paid.get(code, 0))
    text = pdf_text(issued.pdf)
    assert issued.facts.name in text and number in text
    answer = httpx.post(f"{server.base_url}/verify/{issued.code}", content=issued.pdf,
                        params={"format": "json"}).json()
    assert answer["result"] == "valid"


def test_a_payment_certificate_over_the_whole_record_counts_every_month_paid(
        qapp: Any, seeded: tuple[CentralServerProcess, Terminal, Any]) -> None:
    _server, terminal, central_db = seeded
    number = person_where(central_db, insured_category="employee", card_status="normal", benefit_status="none")
    issued = issue_certificate(terminal, CLERK, CertificateRequest(
        "payment", number, holder=_card(central_db, number), insurances=("pension",), period_start="1992-01",
        period_end="2026-11"))
    with CentralStore.open(central_db) as store, store.reading() as session:
        months = sum(p.months for p in session.scalars(select(ContributionPeriodRow).where(
            ContributionPeriodRow.id_number == number, ContributionPeriodRow.insurance == "pension",
            ContributionPeriodRow.end_month <= "2026-11")))
    assert [(t.insurance, t.months) for t in issued.facts.totals] == [("pension", months)]
    assert f"企业职工基本养老保险 {months} 个月" in pdf_text(issued.pdf)


def test_a_seeded_person_whose_card_is_reported_lost_needs_their_id_card(
        qapp: Any, seeded: tuple[CentralServerProcess, Terminal, Any]) -> None:
    _server, terminal, central_db = seeded
    number = person_where(central_db, card_status="lost")
    card = _card(central_db, number)
    with pytest.raises(SyncError) as refused:
        issue_certificate(terminal, CLERK, CertificateRequest("insurance", number, holder=card))
    assert "已挂失或已补换" in refused.value.user_message
    id_card = IdentityReading(source="居民身份证", name=card.name, id_number=number)
    assert issue_certificate(terminal, CLERK, CertificateRequest("insurance", number, holder=id_card)).code
