"""The demo's own card holders are in the demo central system's registry (app/demo_registry.py), so a lookup
at the demo window finds them, with records that keep the rules the panels check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from app.demo import seed_demo_registry
from app.demo_registry import DEMO_PERSONS, add_demo_persons
from app.lookups import LookupOutcome, LookupReason
from app.terminal import Terminal
from app.usecases.lookup import look_up_person
from central.process import CentralServerProcess
from central.registry_seed import contribution_base_limits
from central.store import CentralStore
from devices.sim.identities import SAMPLE_IDENTITIES, sample_identity_data
from forms.idnumber import find_problem
from forms.rules.retirement import retirement_age
from tests.central.registry_helpers import seed_db

from .conftest import CLERK

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
READ = LookupReason("card_read", item_code="retirement_approval")


def test_every_demo_card_holder_is_found_with_the_rules_kept(central_db: Path,
                                                            start_central: Callable[..., CentralServerProcess],
                                                            make_terminal: Callable[..., Terminal]) -> None:
    seed_db(central_db, persons=200, employers=10, seed=5)
    with CentralStore.open(central_db) as store:
        assert add_demo_persons(store) == len(DEMO_PERSONS)
    server = start_central()
    terminal = make_terminal(server.base_url, start_sender=False)
    for demo in DEMO_PERSONS:
        assert find_problem(demo.id_number, today=date(2026, 12, 1)) is None
        found = look_up_person(terminal, CLERK, demo.id_number, READ, now=NOW)
        assert found.outcome is LookupOutcome.FOUND and found.person is not None, demo.name
        person = found.person
        assert (person.name, person.birth_date, person.card.card_number) == (
            demo.name, demo.birth.isoformat(), demo.card_number)
        assert person.pension is not None and person.pension.paid_months > 0
        sixteen = f"{demo.birth.year + 16:04d}-{demo.birth.month:02d}"
        for period in person.periods:
            assert period.start_month >= sixteen
            floor, ceiling = contribution_base_limits(int(period.start_month[:4]))
            assert floor <= Decimal(period.base) <= ceiling
        if demo.kind == "pensioner":
            statutory = retirement_age(demo.birth, "female", demo.category).retirement_month
            assert person.benefit.status == "pension" and person.benefit.since is not None
            assert person.benefit.since.startswith(statutory)
            assert all(period.end_month < statutory for period in person.periods)
        else:
            assert person.benefit.status == "none" and person.employer is not None


def test_the_demo_card_holders_are_the_ones_the_demo_devices_carry() -> None:
    from app.demo_devices import sample_holders

    cards = {holder.ssn: holder.card_number for holder in sample_holders().values()}
    id_cards = {sample_identity_data(name)["id_number"] for name in SAMPLE_IDENTITIES}
    for demo in DEMO_PERSONS:
        assert demo.id_number in cards or demo.id_number in id_cards, demo.name
        if demo.id_number in cards:
            assert cards[demo.id_number] == demo.card_number


def test_the_demo_registry_is_made_once_and_its_people_added_once(tmp_path: Path) -> None:
    db = tmp_path / "central.sqlite3"
    from central.store import add_terminal

    add_terminal(db, "DEMO-01")
    seed_demo_registry(db)
    seed_demo_registry(db)  # a second start keeps what is there
    with CentralStore.open(db) as store:
        assert add_demo_persons(store) == 0
