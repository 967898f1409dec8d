"""The audit trail: hash-chained, append-only, written in the business transaction, no ID numbers.

Tampering goes through SQL on the real encrypted file (a keyed sqlcipher3 connection), as someone
holding the database key would do it; the chain must show where.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.errors import StorageError
from local_db import dbkey
from local_db.audit import (
    GENESIS,
    AuditAction,
    AuditEvent,
    AuditTrail,
    ChainProblem,
    entry_hash,
    verify_chain,
)
from local_db.clerks import Role, add_clerk
from local_db.database import Database, open_database
from local_db.models import AuditEntry, Submission
from local_db.submissions import ApplicantData, create_submission

KEY = bytes(range(32))
SECRET = bytes(range(100, 132))
ID_NUMBER = "11010519491231002X"


def _db(tmp_path: Path) -> Database:
    return open_database(tmp_path / "t.sqlite3", KEY)


def _trail_of(db: Database, n: int = 5) -> AuditTrail:
    trail = AuditTrail(SECRET)
    for i in range(n):
        trail.record(db, AuditEvent(AuditAction.VIEW_CASE, "1001", f"case-{i}", ID_NUMBER, {"n": i}))
    return trail


def _tamper(path: Path, *statements: str) -> None:
    """Run SQL on the encrypted file the way an intruder with the key would: triggers dropped first."""
    conn = dbkey.connect(path, KEY)
    try:
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("DROP TRIGGER audit_log_no_delete")
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def _verify_file(path: Path):  # type: ignore[no-untyped-def]
    db = open_database(path, KEY)
    try:
        return verify_chain(db)
    finally:
        db.close()


def test_an_untouched_trail_is_intact_and_holds_no_id_number(tmp_path: Path) -> None:
    db = _db(tmp_path)
    trail = _trail_of(db)
    report = verify_chain(db)
    assert report.intact and report.entries == 5 and report.broken_at is None
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT * FROM audit_log ORDER BY seq").fetchall()
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    text = repr(rows)
    assert ID_NUMBER not in text and ID_NUMBER[:17] not in text and ID_NUMBER.lower() not in text
    assert {r[5] for r in rows} == {trail.person_key(ID_NUMBER)}
    assert trail.person_key(" 11010519491231002x ") == trail.person_key(ID_NUMBER)
    assert AuditTrail(bytes(32)).person_key(ID_NUMBER) != trail.person_key(ID_NUMBER)  # keyed, not a plain hash
    assert [e.subject for e in trail.find(db, id_number=ID_NUMBER)] == [f"case-{i}" for i in range(5)]
    assert trail.find(db, id_number="110105194912310011") == []
    db.close()


def test_an_empty_trail_is_intact(tmp_path: Path) -> None:
    db = _db(tmp_path)
    assert verify_chain(db).intact and verify_chain(db).entries == 0
    db.close()


def test_the_program_cannot_update_or_delete_an_entry(tmp_path: Path) -> None:
    db = _db(tmp_path)
    _trail_of(db, 2)
    for statement in ("UPDATE audit_log SET subject = 'x' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 2"):
        with pytest.raises(Exception, match="append-only"), db.engine.begin() as conn:
            conn.exec_driver_sql(statement)
    assert verify_chain(db).intact
    db.close()


def test_an_edited_entry_is_found(tmp_path: Path) -> None:
    db = _db(tmp_path)
    _trail_of(db)
    db.close()
    _tamper(tmp_path / "t.sqlite3", "UPDATE audit_log SET clerk_id = '2002' WHERE seq = 3")
    report = _verify_file(tmp_path / "t.sqlite3")
    assert (report.broken_at, report.problem, report.entries) == (3, ChainProblem.EDITED, 2)


def test_an_entry_rewritten_with_its_hash_breaks_the_next_link(tmp_path: Path) -> None:
    db = _db(tmp_path)
    trail = _trail_of(db)
    entry = trail.find(db)[2]
    db.close()
    forged = entry_hash(entry.prev_hash, entry.at, "2002", entry.action, entry.subject, entry.person_key, '{"n":2}')
    _tamper(tmp_path / "t.sqlite3", f"UPDATE audit_log SET clerk_id = '2002', hash = '{forged}' WHERE seq = 3")
    report = _verify_file(tmp_path / "t.sqlite3")
    assert report.broken_at == 4 and not report.intact


@pytest.mark.parametrize("renumbered", [False, True])
def test_a_deleted_entry_is_found(tmp_path: Path, renumbered: bool) -> None:
    db = _db(tmp_path)
    _trail_of(db)
    db.close()
    statements = ["DELETE FROM audit_log WHERE seq = 3"]
    if renumbered:  # the gap closed, as a careful intruder would
        statements += ["UPDATE audit_log SET seq = seq - 1 WHERE seq > 3"]
    _tamper(tmp_path / "t.sqlite3", *statements)
    report = _verify_file(tmp_path / "t.sqlite3")
    assert (report.broken_at, report.problem) == (3, ChainProblem.DELETED)


@pytest.mark.parametrize("well_forged", [False, True])
def test_an_inserted_entry_is_found(tmp_path: Path, well_forged: bool) -> None:
    db = _db(tmp_path)
    trail = _trail_of(db)
    before = trail.find(db)[1]  # the entry the forged one claims to follow
    db.close()
    at = datetime(2026, 12, 6, 1, 2, 3, tzinfo=UTC)
    prev = before.hash if well_forged else GENESIS
    digest = entry_hash(prev, at, "2002", "approve", "case-x", None, "{}") if well_forged else "f" * 64
    _tamper(tmp_path / "t.sqlite3",
            *[f"UPDATE audit_log SET seq = {n + 1} WHERE seq = {n}" for n in (5, 4, 3)],
            "INSERT INTO audit_log (seq, at, clerk_id, action, subject, person_key, detail, prev_hash, hash) "
            f"VALUES (3, '2026-12-06 01:02:03.000000', '2002', 'approve', 'case-x', NULL, '{{}}', '{prev}', "
            f"'{digest}')")
    report = _verify_file(tmp_path / "t.sqlite3")
    assert (report.broken_at, report.problem) == (3, ChainProblem.INSERTED)


def _submit(db: Database, trail: AuditTrail, *, fail_after_audit: bool = False,
            payload: dict[str, object] | None = None) -> None:
    def audit(s, view):  # type: ignore[no-untyped-def]
        trail.record_in(s, AuditEvent(AuditAction.SUBMIT, "1001", view.id, ID_NUMBER, {"item_code": view.item_code}))
        if fail_after_audit:
            raise StorageError("the disk filled up after the audit entry", user_message="本地保存失败")

    create_submission(db, item_code="personal_registration", form_version=1, terminal_id="T1", clerk_id="1001",
                      applicant=ApplicantData(id_number=ID_NUMBER, name="张三"),
                      payload=payload if payload is not None else {"name": "张三"}, audit=audit)


def _counts(db: Database) -> tuple[int, int]:
    with db.sessions() as s:
        return (int(s.scalar(select(func.count()).select_from(Submission)) or 0),
                int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0))


def test_the_entry_is_written_in_the_business_transaction(tmp_path: Path) -> None:
    db = _db(tmp_path)
    add_clerk(db, "1001", "王柜员", "secret-pass", roles=frozenset({Role.FRONT_DESK}))
    trail = AuditTrail(SECRET)
    with pytest.raises(StorageError):  # the transaction fails after the entry was added: both go
        _submit(db, trail, fail_after_audit=True)
    assert _counts(db) == (0, 0)
    with pytest.raises(StorageError):  # a payload JSON cannot hold fails the save itself
        _submit(db, trail, payload={"bad": {1, 2}})
    assert _counts(db) == (0, 0)
    _submit(db, trail)
    assert _counts(db) == (1, 1)
    assert verify_chain(db).intact
    db.close()


def test_personal_data_in_a_detail_is_refused_and_nothing_written(tmp_path: Path) -> None:
    db = _db(tmp_path)
    trail = AuditTrail(SECRET)
    for event in (AuditEvent(AuditAction.WAIVER, "1001", "s", detail={"note": f"证件 {ID_NUMBER}"}),
                  AuditEvent(AuditAction.WAIVER, "1001", ID_NUMBER),
                  AuditEvent(AuditAction.WAIVER, "1001", "s", detail={"fields": ["name", ID_NUMBER]})):
        with pytest.raises(ValueError, match="ID number"):
            trail.record(db, AuditEvent(AuditAction.SIGN_IN, "1001"), event)
    assert _counts(db) == (0, 0)
    failed = trail.record(db, AuditEvent(AuditAction.SIGN_IN_FAILED, ID_NUMBER))  # typed in the staff-number box
    assert failed[0].clerk_id == "110*************2X"
    db.close()


def test_concurrent_appends_keep_the_chain(tmp_path: Path) -> None:
    """Threads (the sync engine, the window's pool) append at once: no two chain to the same entry."""
    db = _db(tmp_path)
    add_clerk(db, "1001", "王柜员", "secret-pass", roles=frozenset({Role.FRONT_DESK}))
    trail = AuditTrail(SECRET)
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def work(n: int) -> None:
        try:
            start.wait()
            for i in range(20):
                if n == 0 and i % 4 == 0:
                    create_submission(
                        db, item_code="personal_registration", form_version=1, terminal_id="T1", clerk_id="1001",
                        applicant=ApplicantData(id_number=ID_NUMBER, name="张三"), payload={},
                        audit=lambda s, v: trail.record_in(s, AuditEvent(AuditAction.SUBMIT, "1001", v.id)))
                else:
                    trail.record(db, AuditEvent(AuditAction.VIEW_CASE, f"{n}", f"case-{n}-{i}"),
                                 AuditEvent(AuditAction.PRINT_RECEIPT, f"{n}", f"case-{n}-{i}"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    report = verify_chain(db)
    assert report.intact, report
    assert report.entries == 5 + 15 * 2 + 5 * 20 * 2
    db.close()
