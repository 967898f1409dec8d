"""好差评 storage (``local_db.ratings``): one rating per case, of the case not the person, sent once.

Real encrypted SQLite files; the submissions are written the way the terminal writes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from local_db.clerks import Role, add_clerk
from local_db.database import Database, open_database
from local_db.models import Submission
from local_db.outbox import apply_status
from local_db.ratings import (
    AlreadyRated,
    RatingView,
    add_rating,
    mark_rating_failed,
    mark_rating_sent,
    rating_of,
    unsent_ratings,
)
from local_db.submissions import ApplicantData, DueData, create_submission

KEY = bytes(range(32))
NAME, ID_NUMBER = "张三", "11010519491231002X"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "t.sqlite3", KEY)
    add_clerk(database, "1001", "王柜员", "secret-pass", roles=frozenset({Role.FRONT_DESK}))
    yield database
    database.close()


def submitted(db: Database, n: int = 2, *, received: bool = True) -> str:
    """A case accepted at the counter; ``received``: the central system has taken it (its number given)."""
    sid = create_submission(
        db, item_code="personal_registration", form_version=4, terminal_id="T1", clerk_id="1001",
        applicant=ApplicantData(id_number=f"11010519491231{n:03d}X", name=NAME), payload={"name": NAME},
        due=DueData(date(2026, 12, 20), False, 20), created_at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC)).id
    if received:
        apply_status(db, sid, status="accepted", reason=None, receipt_number=f"SB2026120100000{n}",
                     at=datetime(2026, 12, 1, 2, 5, tzinfo=UTC))
    return sid


def rate(db: Database, submission_id: str, level: int = 5, reasons: tuple[str, ...] = (),
         trail: list[str] | None = None, at: datetime | None = None) -> RatingView:
    def audit(_s: Session, view: RatingView) -> None:
        if trail is not None:
            trail.append(view.id)

    return add_rating(db, submission_id=submission_id, clerk_id="1001", level=level, reasons=reasons,
                      check=lambda _sub: None, audit=audit, now=at)


def test_a_rating_is_stored_with_its_case_level_reasons_and_clerk(db: Database) -> None:
    sid = submitted(db)
    trail: list[str] = []
    view = rate(db, sid, 2, ("slow", "repeat"), trail)
    assert trail == [view.id]  # audited in the same transaction
    stored = rating_of(db, sid)
    assert stored is not None
    assert (stored.id, stored.submission_id, stored.clerk_id, stored.level, stored.reasons) == (
        view.id, sid, "1001", 2, ("slow", "repeat"))
    assert stored.sent_at is None and stored.last_error is None


def test_the_rating_table_holds_no_name_or_id_number(db: Database) -> None:
    sid = submitted(db)
    rate(db, sid, 1, ("attitude",))
    with db.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("case_rating")}
        row = conn.exec_driver_sql("SELECT * FROM case_rating").one()
    assert columns == {"id", "submission_id", "clerk_id", "level", "reasons", "created_at", "sent_at", "last_error"}
    assert not any(NAME in str(v) or "11010519491231" in str(v) for v in row)


def test_a_second_rating_of_the_same_case_is_refused_in_chinese(db: Database) -> None:
    sid = submitted(db)
    first = rate(db, sid, 5)
    trail: list[str] = []
    with pytest.raises(AlreadyRated) as refused:
        rate(db, sid, 1, ("attitude",), trail)
    assert refused.value.user_message == "该业务已经评价过，不能重复评价。" and refused.value.hint
    assert trail == []  # nothing audited for the refused one
    stored = rating_of(db, sid)
    assert stored is not None and (stored.id, stored.level) == (first.id, 5)


def test_an_unknown_case_cannot_be_rated(db: Database) -> None:
    with pytest.raises(LookupError):
        rate(db, "00000000-0000-4000-8000-000000000000")


def test_the_submission_carries_its_rating_for_the_statistics(db: Database) -> None:
    rated, low, unrated = submitted(db, 2), submitted(db, 3), submitted(db, 4)
    rate(db, rated, 3)
    rate(db, low, 1, ("other",))
    with db.sessions() as s:
        bits = dict(s.execute(select(Submission.id, Submission.rating_bits)).all())
    assert bits == {rated: 1 << 24, low: 1, unrated: 0}  # level 3 in the third 12-bit field, 1 in the first


def test_pending_ratings_oldest_first_until_marked_sent(db: Database) -> None:
    late, early = submitted(db, 2), submitted(db, 3)
    second = rate(db, late, 4, at=datetime(2026, 12, 1, 3, 0, tzinfo=UTC))
    first = rate(db, early, 5, at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    assert [r.id for r in unsent_ratings(db)] == [first.id, second.id]
    mark_rating_sent(db, first.id)
    assert [r.id for r in unsent_ratings(db)] == [second.id]
    stored = rating_of(db, early)
    assert stored is not None and stored.sent_at is not None


def test_a_rating_refused_for_good_is_kept_with_why_and_not_offered_again(db: Database) -> None:
    sid = submitted(db)
    view = rate(db, sid, 5)
    mark_rating_failed(db, view.id, error="中心系统拒收此评价（not found）")
    assert unsent_ratings(db, refused_prefix="中心系统拒收此评价") == []
    waiting = unsent_ratings(db)  # still unsent: only the sender's prefix leaves it out
    assert [(r.id, r.last_error) for r in waiting] == [(view.id, "中心系统拒收此评价（not found）")]


def test_a_rating_of_a_case_not_yet_at_the_central_system_waits_for_it(db: Database) -> None:
    sid = submitted(db, received=False)
    view = rate(db, sid, 5)
    assert unsent_ratings(db) == []  # sent now it would be refused (404) for good
    apply_status(db, sid, status="accepted", reason=None, receipt_number="SB20261201000009",
                 at=datetime(2026, 12, 1, 3, 0, tzinfo=UTC))
    assert [(r.id, r.receipt_number) for r in unsent_ratings(db)] == [(view.id, "SB20261201000009")]


def test_an_upgrade_from_0014_counts_the_ratings_already_stored_and_keeps_the_0012_triggers(db: Database) -> None:
    from alembic import command

    from local_db.database import _alembic_config

    sid = submitted(db)
    cfg = _alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0014")
    with db.engine.begin() as conn:  # a rating stored by a terminal still at 0014 (no trigger then)
        conn.execute(text("INSERT INTO case_rating (id, submission_id, clerk_id, level, reasons, created_at) "
                          "VALUES ('r1', :s, '1001', 4, '[]', '2026-12-01 00:00:00')"), {"s": sid})
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT rating_bits FROM submission").scalar() == 1 << 36  # level 4
        triggers = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"submission_stats_insert", "submission_stats_update", "case_rating_stats_insert"} <= triggers
