"""Seeding a test's central database with the synthetic registry, and picking persons out of it.

Seed the database before the server starts (or while it runs: the seed is one transaction):

    from tests.central.registry_helpers import seed_db, person_where
    seed_db(central_db, persons=300, employers=20)   # a Path (SQLite file) or a SQLAlchemy URL
    number = person_where(central_db, card_status="lost")

Then look the person up through the real server. ``person_where`` takes any ``registry_persons`` column as a
filter and returns the first matching ID number in key order (deterministic for a given seed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from central.models import EmployerRecordRow, PersonRecordRow
from central.registry_seed import SeedSummary, seed_registry
from central.store import CentralStore

__all__ = ["employer_where", "person_where", "seed_db"]


def seed_db(db: Path | str, *, persons: int = 300, employers: int = 20, seed: int = 7,
            replace: bool = False) -> SeedSummary:
    """The registry made from ``seed`` in the central database ``db`` (created if missing)."""
    with CentralStore.open(db) as store:
        return seed_registry(store, persons=persons, employers=employers, seed=seed, replace=replace)


def person_where(db: Path | str, **columns: Any) -> str:
    """The first registered person's ID number whose columns have these values (KeyError when none)."""
    with CentralStore.open(db) as store, store.reading() as session:
        query = select(PersonRecordRow.id_number).order_by(PersonRecordRow.id_number).limit(1)
        for name, value in columns.items():
            query = query.where(getattr(PersonRecordRow, name).is_(None) if value is None
                                else getattr(PersonRecordRow, name) == value)
        found = session.scalar(query)
    if found is None:
        raise KeyError(f"no seeded person with {columns}")
    return found


def employer_where(db: Path | str, **columns: Any) -> EmployerRecordRow:
    """The first employer (by unit number) whose columns have these values, detached."""
    with CentralStore.open(db) as store, store.reading() as session:
        query = select(EmployerRecordRow).order_by(EmployerRecordRow.unit_number).limit(1)
        for name, value in columns.items():
            query = query.where(getattr(EmployerRecordRow, name) == value)
        found = session.scalar(query)
        if found is None:
            raise KeyError(f"no seeded employer with {columns}")
        session.expunge(found)
    return found
