"""The columns the statistics read are kept by the database itself (migration 0012's triggers).

Whoever writes a submission (the use cases, the outbox's plain SQL, a bulk load) never sets
``received_day``, ``answer_days``, ``answered_late``, ``was_returned`` or ``open_due``; these tests write
the way the terminal does and read what the triggers made of it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from local_db.clerks import Role, add_clerk
from local_db.database import Database, open_database
from local_db.models import Submission
from local_db.outbox import apply_status
from local_db.submissions import ApplicantData, DueData, create_submission

KEY = bytes(range(32))


def _db(tmp_path: Path) -> Database:
    db = open_database(tmp_path / "t.sqlite3", KEY)
    add_clerk(db, "1001", "王柜员", "secret-pass", roles=frozenset({Role.FRONT_DESK}))
    return db


def _submit(db: Database, created: datetime, due: date, n: int = 1) -> str:
    return create_submission(
        db, item_code="personal_registration", form_version=4, terminal_id="T1", clerk_id="1001",
        applicant=ApplicantData(id_number=f"11010519491231{n:03d}X", name="张三"), payload={"name": "张三"},
        due=DueData(due, False, 20), created_at=created).id


def _columns(db: Database, submission_id: str) -> tuple[object, ...]:
    with db.sessions() as s:
        row = s.execute(select(Submission.received_day, Submission.answer_days, Submission.answered_late,
                               Submission.was_returned, Submission.open_due)
                        .where(Submission.id == submission_id)).one()
    return tuple(row)


def test_the_day_is_the_beijing_day_and_the_due_date_is_open_until_answered(tmp_path: Path) -> None:
    db = _db(tmp_path)
    # 16:30 UTC on 1 March is 00:30 on 2 March in Beijing
    sid = _submit(db, datetime(2026, 3, 1, 16, 30, tzinfo=UTC), date(2026, 3, 30))
    assert _columns(db, sid) == (date(2026, 3, 2), None, 0, 0, date(2026, 3, 30))


def test_a_return_after_the_due_day_is_late_returned_and_timed(tmp_path: Path) -> None:
    db = _db(tmp_path)
    sid = _submit(db, datetime(2026, 3, 1, 16, 30, tzinfo=UTC), date(2026, 3, 4))
    # answered at 16:30 UTC on 4 March = 00:30 on 5 March in Beijing: the due day had ended; 3 days after receipt
    assert apply_status(db, sid, status="returned", reason="材料不清", receipt_number="R1",
                        at=datetime(2026, 3, 4, 16, 30, tzinfo=UTC))
    received_day, answer_days, late, returned, open_due = _columns(db, sid)
    assert (received_day, late, returned, open_due) == (date(2026, 3, 2), 1, 1, None)
    assert abs(float(answer_days) - 3.0) < 1e-6  # type: ignore[arg-type]
    assert _packed(db, sid) == (0, 1, 1, 1)  # a first version, returned, late, answered


def _packed(db: Database, submission_id: str) -> tuple[int, int, int, int]:
    """``stat_bits`` (migration 0016) unpacked: (correction, returned, answered late, answered)."""
    with db.sessions() as s:
        bits = int(s.execute(select(Submission.stat_bits).where(Submission.id == submission_id)).scalar_one())
    return bits & 0x7FFF, bits >> 15 & 0x7FFF, bits >> 30 & 0x7FFF, bits >> 45 & 0x7FFF


def test_the_packed_flags_follow_every_change_of_their_sources(tmp_path: Path) -> None:
    db = _db(tmp_path)
    sid = _submit(db, datetime(2026, 3, 2, 1, 0, tzinfo=UTC), date(2026, 3, 20))
    assert _packed(db, sid) == (0, 0, 0, 0)  # queued: nothing to count yet
    assert apply_status(db, sid, status="returned", reason="缺少材料", receipt_number="R3",
                        at=datetime(2026, 3, 3, 1, 0, tzinfo=UTC))
    assert _packed(db, sid) == (0, 1, 0, 1)  # returned on time
    # a correction is a new version of the case: counted as one from its insert on, nothing answered yet;
    # it closes the returned version, which stays counted as returned
    fixed = create_submission(
        db, item_code="personal_registration", form_version=4, terminal_id="T1", clerk_id="1001",
        applicant=ApplicantData(id_number="11010519491231001X", name="张三"), payload={"name": "张三"},
        due=DueData(date(2026, 3, 30), False, 20), created_at=datetime(2026, 3, 5, 1, 0, tzinfo=UTC),
        corrects=sid).id
    assert _packed(db, fixed) == (1, 0, 0, 0)
    assert _packed(db, sid) == (0, 1, 0, 1)
    assert apply_status(db, fixed, status="approved", reason=None, receipt_number="R4",
                        at=datetime(2026, 4, 1, 1, 0, tzinfo=UTC))
    assert _packed(db, fixed) == (1, 0, 1, 1)  # answered after its due day


def test_an_answer_on_the_due_day_in_beijing_is_not_late(tmp_path: Path) -> None:
    db = _db(tmp_path)
    sid = _submit(db, datetime(2026, 3, 2, 1, 0, tzinfo=UTC), date(2026, 3, 4))
    # 15:59 UTC on 4 March is 23:59 on the due day in Beijing
    assert apply_status(db, sid, status="accepted", reason=None, receipt_number="R2",
                        at=datetime(2026, 3, 3, 1, 0, tzinfo=UTC))
    assert _columns(db, sid)[4] == date(2026, 3, 4)  # accepted is not an answer: still open
    assert apply_status(db, sid, status="approved", reason=None, receipt_number="R2",
                        at=datetime(2026, 3, 4, 15, 59, tzinfo=UTC))
    received_day, answer_days, late, returned, open_due = _columns(db, sid)
    assert (received_day, late, returned, open_due) == (date(2026, 3, 2), 0, 0, None)
    assert answer_days is not None and float(answer_days) > 2.5  # type: ignore[arg-type]
