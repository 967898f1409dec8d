"""The synthetic registry (``central.registry_seed``): deterministic, and every row keeps the rules (issue 20).

The rule properties are checked over the whole of one seeded registry, row by row, with the rules' own
modules (``stdnum``, ``forms.rules.retirement``) and the seed's base limits.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from stdnum.cn import ric, uscc

from central.models import ContributionPeriodRow, EmployerRecordRow, PersonInsuranceRow, PersonRecordRow
from central.registry_seed import (
    DEFAULT_AS_OF,
    RegistryAlreadySeeded,
    contribution_base_limits,
    month_index,
    seed_registry,
)
from central.store import CentralStore
from forms.rules.retirement import Category, min_contribution_months, retirement_age

from .conftest import PostgresCluster
from .registry_helpers import seed_db

_TABLES = (EmployerRecordRow, PersonRecordRow, PersonInsuranceRow, ContributionPeriodRow)


def _dump(db: Path | str) -> dict[str, list[tuple[Any, ...]]]:
    """Every registry row, in key order, as plain tuples."""
    with CentralStore.open(db) as store, store.reading() as session:
        dumped = {}
        for model in _TABLES:
            columns = [c for c in model.__table__.columns]
            keys = [getattr(model, c.name) for c in model.__table__.primary_key.columns]
            rows = session.execute(select(*[getattr(model, c.name) for c in columns]).order_by(*keys))
            dumped[model.__tablename__] = [tuple(row) for row in rows]
        return dumped


def _month(text: str) -> int:
    return month_index(int(text[:4]), int(text[5:7]))


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Any]]:
    """One registry of 2,000 persons and 80 employers, read whole (detached rows)."""
    db = tmp_path_factory.mktemp("seed") / "central.sqlite3"
    seed_db(db, persons=2000, employers=80, seed=42)
    with CentralStore.open(db) as store, store.reading() as session:
        read = {model.__tablename__: list(session.scalars(select(model))) for model in _TABLES}
        session.expunge_all()
    return read


def test_same_seed_gives_identical_rows(tmp_path: Path) -> None:
    seed_db(tmp_path / "a.sqlite3", persons=250, employers=15, seed=9)
    seed_db(tmp_path / "b.sqlite3", persons=250, employers=15, seed=9)
    first, second = _dump(tmp_path / "a.sqlite3"), _dump(tmp_path / "b.sqlite3")
    assert first == second
    assert len(first["registry_persons"]) == 250 and len(first["registry_employers"]) == 15


def test_different_seeds_give_different_registries(tmp_path: Path) -> None:
    seed_db(tmp_path / "a.sqlite3", persons=250, employers=15, seed=9)
    seed_db(tmp_path / "b.sqlite3", persons=250, employers=15, seed=10)
    first, second = _dump(tmp_path / "a.sqlite3"), _dump(tmp_path / "b.sqlite3")
    assert first["registry_persons"] != second["registry_persons"]
    assert first["registry_employers"] != second["registry_employers"]


def test_id_numbers_and_credit_codes_are_valid(registry: dict[str, list[Any]]) -> None:
    for person in registry["registry_persons"]:
        number = person.id_number
        assert ric.is_valid(number), number
        assert ric.get_birth_date(number).isoformat() == person.birth_date
        assert person.sex == ("male" if int(number[16]) % 2 else "female")
    for unit in registry["registry_employers"]:
        assert uscc.is_valid(unit.uscc), unit.uscc
    assert len({u.uscc for u in registry["registry_employers"]}) == len(registry["registry_employers"])


def test_nobody_contributes_before_sixteen_or_after_retirement_or_death(registry: dict[str, list[Any]]) -> None:
    persons = {p.id_number: p for p in registry["registry_persons"]}
    now = month_index(DEFAULT_AS_OF.year, DEFAULT_AS_OF.month)
    for period in registry["registry_contribution_periods"]:
        person = persons[period.id_number]
        birth = date.fromisoformat(person.birth_date)
        start, end = _month(period.start_month), _month(period.end_month)
        assert start >= month_index(birth.year + 16, birth.month), (person.id_number, period.start_month)
        assert start <= end <= now
        if person.pension_since is not None:
            assert end < _month(person.pension_since)
        if person.benefit_status == "deceased":
            died = date.fromisoformat(person.benefit_since)
            assert end <= month_index(died.year, died.month)


def test_paid_months_never_exceed_period_length(registry: dict[str, list[Any]]) -> None:
    periods = registry["registry_contribution_periods"]
    assert periods
    for period in periods:
        assert 0 <= period.months <= _month(period.end_month) - _month(period.start_month) + 1
    assert any(p.months < _month(p.end_month) - _month(p.start_month) + 1 for p in periods)  # arrears exist


def test_bases_within_every_years_limits(registry: dict[str, list[Any]]) -> None:
    for period in registry["registry_contribution_periods"]:
        base = Decimal(period.base_fen) / 100
        for year in range(int(period.start_month[:4]), int(period.end_month[:4]) + 1):
            floor, ceiling = contribution_base_limits(year)
            assert floor <= base <= ceiling, (period.start_month, period.end_month, base)


def test_pensioners_retired_at_legal_age_with_minimum_months(registry: dict[str, list[Any]]) -> None:
    paid: Counter[str] = Counter()
    for period in registry["registry_contribution_periods"]:
        if period.insurance == "pension":
            paid[period.id_number] += period.months
    pensioners = [p for p in registry["registry_persons"] if p.pension_since is not None]
    assert len(pensioners) > 100
    for person in pensioners:
        birth = date.fromisoformat(person.birth_date)
        started = _month(person.pension_since)
        # the month after the statutory month of one of the posts the rules know for this sex
        posts = [Category.EMPLOYEE] if person.sex == "male" else [Category.WORKER, Category.CADRE, Category.FLEXIBLE]
        ages = [retirement_age(birth, person.sex, post) for post in posts]
        statutory = {_month(age.retirement_month) for age in ages}
        assert started - 1 in statutory, (person.id_number, person.pension_since)
        year = (started - 1) // 12
        assert paid[person.id_number] + person.deemed_months >= min_contribution_months(year)


def test_working_persons_are_below_retirement_age(registry: dict[str, list[Any]]) -> None:
    now = month_index(DEFAULT_AS_OF.year, DEFAULT_AS_OF.month)
    for person in registry["registry_persons"]:
        if person.benefit_status != "none":
            continue
        birth = date.fromisoformat(person.birth_date)
        lowest = Category.EMPLOYEE if person.sex == "male" else Category.WORKER
        assert now < _month(retirement_age(birth, person.sex, lowest).retirement_month)


def test_staff_counts_match_persons_and_cancelled_units_have_none(registry: dict[str, list[Any]]) -> None:
    staff = Counter(p.unit_number for p in registry["registry_persons"] if p.unit_number)
    units = {u.unit_number: u for u in registry["registry_employers"]}
    assert set(staff) <= set(units)
    for unit in units.values():
        if unit.status == "cancelled":
            assert staff[unit.unit_number] == 0
        if unit.arrears_months:
            assert unit.status == "normal" and unit.arrears_fen > 0
    persons = {p.id_number: p for p in registry["registry_persons"]}
    for held in registry["registry_person_insurances"]:
        if held.unit_number is not None:  # insured at a unit: the person's current unit, and insured there
            assert held.unit_number == persons[held.id_number].unit_number
            assert held.status in ("insured", "suspended")
    assert any(u.arrears_months for u in units.values())


def test_mix_of_states(registry: dict[str, list[Any]]) -> None:
    persons = registry["registry_persons"]
    benefits = Counter(p.benefit_status for p in persons)
    cards = Counter(p.card_status for p in persons)
    categories = Counter(p.insured_category for p in persons)
    statuses = Counter(i.status for i in registry["registry_person_insurances"])
    units = Counter(u.status for u in registry["registry_employers"])
    assert {"none", "pension", "suspended", "deceased"} <= set(benefits)
    assert {"normal", "lost", "replaced", "none"} <= set(cards)
    assert {"employee", "flexible", None} <= set(categories)
    assert {"insured", "suspended", "stopped"} <= set(statuses)
    assert {"normal", "suspended", "cancelled"} <= set(units)
    by_unit: defaultdict[str, int] = defaultdict(int)
    for person in persons:
        if person.unit_number:
            by_unit[person.unit_number] += 1
    assert max(by_unit.values()) > 3 * (sum(by_unit.values()) / len(by_unit))  # a few big units


def test_seeding_again_is_refused_unless_replace(tmp_path: Path) -> None:
    db = tmp_path / "central.sqlite3"
    seed_db(db, persons=120, employers=10, seed=1)
    with CentralStore.open(db) as store:
        with pytest.raises(RegistryAlreadySeeded) as refused:
            seed_registry(store, persons=120, employers=10, seed=2)
        assert "--replace" in refused.value.hint
        replaced = seed_registry(store, persons=130, employers=11, seed=2, replace=True)
    assert replaced.persons == 130
    assert len(_dump(db)["registry_persons"]) == 130


def test_cli_seed_refuses_a_seeded_registry_and_replaces_on_request(tmp_path: Path) -> None:
    db = tmp_path / "central.sqlite3"

    def seed(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "central", "seed", "--persons", "150", "--employers", "12",
                               "--seed", "4", *extra, "--db", str(db)], capture_output=True, text=True, timeout=120)

    first = seed()
    assert first.returncode == 0, first.stderr
    assert "150 人" in first.stdout and "12 个单位" in first.stdout
    again = subprocess.run([sys.executable, "-m", "app", "central", "seed", "--persons", "150", "--employers", "12",
                            "--db", str(db)], capture_output=True, text=True, timeout=120)  # sicounter central seed
    assert again.returncode == 2 and "--replace" in again.stderr and "Traceback" not in again.stderr
    replaced = seed("--replace")
    assert replaced.returncode == 0
    assert len(_dump(db)["registry_persons"]) == 150


def test_cli_seed_of_ten_thousand_persons(tmp_path: Path) -> None:
    db = tmp_path / "central.sqlite3"
    done = subprocess.run([sys.executable, "-m", "central", "seed", "--persons", "10000", "--employers", "500",
                           "--db", str(db)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    dumped = _dump(db)
    assert len(dumped["registry_persons"]) == 10_000 and len(dumped["registry_employers"]) == 500


def test_pension_months_known_for_every_pensioner(registry: dict[str, list[Any]]) -> None:
    for person in registry["registry_persons"]:
        if person.pension_since is None:
            assert person.benefit_status in ("none", "deceased") and person.pension_paid_until is None
            continue
        assert _month(person.pension_paid_until) >= _month(person.pension_since)
        assert person.monthly_pension_fen > 0


def test_postgresql_seed_equals_sqlite_seed(postgres: PostgresCluster, tmp_path: Path) -> None:
    url = postgres.new_database()
    seed_db(url, persons=200, employers=12, seed=21)
    seed_db(tmp_path / "central.sqlite3", persons=200, employers=12, seed=21)
    assert _dump(url) == _dump(tmp_path / "central.sqlite3")


def test_demo_registry_is_made_on_the_first_start_and_kept(tmp_path: Path) -> None:
    from app.demo import DEMO_REGISTRY, seed_demo_registry
    from app.demo_registry import DEMO_PERSONS

    db = tmp_path / "central.sqlite3"
    seed_demo_registry(db)
    made = _dump(db)
    seed_demo_registry(db)  # the next start: refused quietly, nothing replaced
    # the seeded registry and the demo's own card holders (app/demo_registry.py)
    assert _dump(db) == made and len(made["registry_persons"]) == DEMO_REGISTRY[0] + len(DEMO_PERSONS)
