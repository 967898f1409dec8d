"""The local database: created, upgraded, refused, and written atomically."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, select

from core.errors import AuthenticationError, DatabaseTooNew, DatabaseUnreadable, StorageError
from local_db import dbkey, outbox
from local_db.clerks import ClerkExists, Role, add_clerk, verify_clerk
from local_db.database import DatabaseKeyMismatch, head_revision, open_database
from local_db.models import Applicant, Base, OutboxEntry, Submission, SubmissionState
from local_db.submissions import ApplicantData, create_submission, get_submission, pending_count

KEY = bytes(range(32))


def _submit(db, id_number="11010519491231002X", payload=None):  # type: ignore[no-untyped-def]
    with contextlib.suppress(ClerkExists):  # creating a clerk never overwrites: the first call makes it
        add_clerk(db, "1001", "王柜员", "secret-pass", roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
    return create_submission(
        db, item_code="personal_registration", form_version=1, terminal_id="T1", clerk_id="1001",
        applicant=ApplicantData(id_number=id_number, name="张三"),
        payload=payload if payload is not None else {"id_number": id_number, "name": "张三"},
    )


def test_new_database_is_at_head_in_wal_mode(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.sqlite3", KEY)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
    db.close()


def test_models_match_migrations(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.sqlite3", KEY)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_submission_and_outbox_row_are_one_transaction(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.sqlite3", KEY)
    with pytest.raises(StorageError):  # a payload JSON cannot hold fails the flush half-way
        _submit(db, payload={"bad": {1, 2}})
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Submission)) == 0
        assert s.scalar(select(func.count()).select_from(OutboxEntry)) == 0
        assert s.scalar(select(func.count()).select_from(Applicant)) == 0
    view = _submit(db)
    with db.sessions() as s:
        entry = s.scalar(select(OutboxEntry))
        assert entry is not None and entry.submission_id == view.id
    assert view.state is SubmissionState.QUEUED
    assert pending_count(db) == 1


def test_older_database_is_backed_up_and_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(outbox.__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.exec_driver_sql(
            "INSERT INTO clerk (id, name, password_hash, active, created_at) "
            "VALUES ('7', '旧柜员', 'x', 1, '2026-01-01 00:00:00')")
    engine.dispose()

    db = open_database(path, KEY)
    with db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head_revision() != "0001"
        assert conn.exec_driver_sql("SELECT name FROM clerk WHERE id='7'").scalar() == "旧柜员"
        conn.exec_driver_sql("SELECT count(*) FROM attachment").scalar()
    backup = tmp_path / "old.sqlite3.before-upgrade-from-0001"
    assert backup.exists() and not dbkey.has_plaintext_header(backup)  # encrypted like the database
    old = dbkey.connect(backup, KEY)
    try:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        assert old.execute("SELECT name FROM clerk WHERE id='7'").fetchone()[0] == "旧柜员"
    finally:
        old.close()
    db.close()
    # the plaintext file of the old release is gone, replaced by the encrypted one; no temporary file is left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.sqlite3", "old.sqlite3.before-upgrade-from-0001"]
    assert not dbkey.has_plaintext_header(path)


def test_garbage_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    before = path.read_bytes()
    with pytest.raises(DatabaseUnreadable) as err:
        open_database(path, KEY)
    assert str(path) in err.value.user_message
    assert path.read_bytes() == before


def test_damaged_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    db = open_database(path, KEY)
    _submit(db)
    db.close()
    conn = dbkey.connect(path, KEY)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    page_size = 4096  # SQLCipher 4's page (the header is encrypted, so it cannot be read from the file)
    for page in range(1, len(data) // page_size):  # wreck every page but the header page
        data[page * page_size: page * page_size + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseUnreadable) as err:
        open_database(path, KEY)
    assert not isinstance(err.value, DatabaseKeyMismatch)  # page 1 opens: the key is right, the file damaged
    assert path.read_bytes() == bytes(data)


def test_newer_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    open_database(path, KEY).close()
    conn = dbkey.connect(path, KEY)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num='9999_from_the_future'")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew) as err:
        open_database(path, KEY)
    assert str(path) in err.value.user_message
    assert path.read_bytes() == before


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (x TEXT)")
    before = path.read_bytes()
    with pytest.raises(DatabaseUnreadable):
        open_database(path, KEY)
    assert path.read_bytes() == before  # refused before any encryption


def test_key_is_required_and_32_bytes(tmp_path: Path) -> None:
    for bad in (b"", os.urandom(16), os.urandom(33)):
        with pytest.raises(ValueError):
            open_database(tmp_path / "t.sqlite3", bad)
    assert not (tmp_path / "t.sqlite3").exists()


def test_clerk_sign_in(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.sqlite3", KEY)
    add_clerk(db, "1001", "王柜员", "secret-pass", roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
    assert verify_clerk(db, "1001", "secret-pass").name == "王柜员"
    with pytest.raises(AuthenticationError):
        verify_clerk(db, "1001", "wrong-pass")
    with pytest.raises(AuthenticationError):
        verify_clerk(db, "9999", "secret-pass")


def test_outbox_claim_retry_requeue_accept(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.sqlite3", KEY)
    view = _submit(db)
    item = outbox.claim_next(db)
    assert item is not None and item.submission_id == view.id and item.attempts == 1
    assert item.body["id"] == view.id and item.body["payload"]["name"] == "张三"
    assert outbox.claim_next(db) is None  # in flight: nobody else takes it
    sending = get_submission(db, view.id)
    assert sending is not None and sending.state is SubmissionState.SENDING

    assert outbox.requeue_in_flight(db) == 1  # as after a crash
    again = outbox.claim_next(db)
    assert again is not None and again.body == item.body and again.attempts == 2

    outbox.mark_retry(db, view.id, error="未连接中心系统", delay=timedelta(hours=1))
    assert outbox.claim_next(db) is None  # not due yet
    assert pending_count(db) == 1

    outbox.mark_accepted(db, view.id, receipt_number="SB20261123000001", accepted_at=view.created_at)
    done = get_submission(db, view.id)
    assert done is not None and done.state is SubmissionState.ACCEPTED
    assert done.receipt_number == "SB20261123000001" and done.last_error is None
    assert pending_count(db) == 0


def test_attachments_are_saved_with_their_submission(tmp_path: Path) -> None:
    from local_db.submissions import AttachmentData, list_submissions

    db = open_database(tmp_path / "t.sqlite3", KEY)
    add_clerk(db, "1001", "王柜员", "secret-pass", roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
    view = create_submission(
        db, item_code="personal_registration", form_version=1, terminal_id="T1", clerk_id="1001",
        applicant=ApplicantData(id_number="11010519491231002X", name="张三"), payload={"name": "张三"},
        attachments=[AttachmentData("identity_document", "a" * 64, 1234, pages=2),
                     AttachmentData("authorisation", "b" * 64, 99)],
    )
    assert [(a.material_key, a.pages) for a in view.attachments] == [("identity_document", 2), ("authorisation", 1)]
    again = get_submission(db, view.id)
    assert again is not None and again.attachments == view.attachments
    assert list_submissions(db)[0].attachments == view.attachments
    db.close()


def _queued_with_scans(db, n: int, sizes: list[int]):  # type: ignore[no-untyped-def]
    from local_db.submissions import AttachmentData

    add_clerk(db, f"10{n:02d}", "王柜员", "secret-pass", roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
    attachments = [AttachmentData(f"m{i}", f"{n:02d}{i:02d}".ljust(64, "a"), size) for i, size in enumerate(sizes)]
    attachments.append(AttachmentData("_receipt", f"{n:02d}ff".ljust(64, "b"), 10))  # kept locally, never sent
    return create_submission(
        db, item_code="personal_registration", form_version=1, terminal_id="T1", clerk_id=f"10{n:02d}",
        applicant=ApplicantData(id_number="11010519491231002X", name="张三"), payload={"n": n},
        attachments=attachments)


def test_upcoming_uploads_claims_nothing_and_keeps_the_batch_budget(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.sqlite3", KEY)
    views = [_queued_with_scans(db, n, [100 * (n + 1), 7]) for n in range(4)]
    outbox.mark_uploaded(db, views[0].attachments[1].sha256)  # the central system holds this one already

    upcoming = outbox.upcoming_uploads(db, limit=3)
    assert [b.sha256 for b in upcoming] == [views[0].attachments[0].sha256,
                                            views[1].attachments[0].sha256, views[1].attachments[1].sha256,
                                            views[2].attachments[0].sha256, views[2].attachments[1].sha256]
    assert pending_count(db) == 4 and all(  # nothing claimed
        get_submission(db, v.id).state is SubmissionState.QUEUED for v in views)  # type: ignore[union-attr]
    # 100 bytes fit, the second row's 207 do not: the first row alone (it is always taken)
    assert [b.size for b in outbox.upcoming_uploads(db, limit=3, max_upload_bytes=250)] == [100]
    claimed = outbox.claim_batch(db, limit=3, max_upload_bytes=250)
    assert [i.submission_id for i in claimed] == [views[0].id]
    assert [(b.sha256, b.size) for b in claimed[0].uploads] == [(views[0].attachments[0].sha256, 100)]
    # rows in flight are not upcoming
    assert views[0].attachments[0].sha256 not in {b.sha256 for b in outbox.upcoming_uploads(db, limit=10)}
    db.close()


def test_a_page_of_statuses_applies_in_order_and_only_forward(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    db = open_database(tmp_path / "t.sqlite3", KEY)
    a, b = _queued_with_scans(db, 1, []), _queued_with_scans(db, 2, [])
    at = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    page = [
        outbox.StatusChange(a.id, "accepted", None, "SB1", at),
        outbox.StatusChange(a.id, "returned", "缺少户口簿", "SB1", at),
        outbox.StatusChange(b.id, "approved", None, "SB2", at),
        outbox.StatusChange("not-ours", "accepted", None, "SB3", at),
        outbox.StatusChange(b.id, "no-such-status", None, "SB2", at),
    ]
    assert outbox.apply_statuses(db, page) == [True, True, True, False, False]
    for _ in range(2):  # a replay of the page after a crash changes nothing
        first, second = get_submission(db, a.id), get_submission(db, b.id)
        assert first is not None and first.state is SubmissionState.RETURNED
        assert first.status_reason == "缺少户口簿" and first.receipt_number == "SB1"
        assert second is not None and second.state is SubmissionState.CLOSED
        assert pending_count(db) == 0  # the feed proves the server has both: their rows are settled
        assert outbox.claim_next(db) is None
        assert outbox.apply_statuses(db, page[:1]) == [True]  # "accepted" again does not move it back
    # a late answer to the POST (after the feed said more) keeps the further state too
    outbox.settle(db, outbox.Settlement(accepted=[(a.id, "SB1", at), (b.id, "SB2", at)]))
    assert [get_submission(db, i).state for i in (a.id, b.id)] == [  # type: ignore[union-attr]
        SubmissionState.RETURNED, SubmissionState.CLOSED]
    db.close()


def test_waiting_rows_are_due_again_when_the_network_is_back(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.sqlite3", KEY)
    first, second, third = (_queued_with_scans(db, n, []) for n in range(3))
    claimed = outbox.claim_batch(db, limit=3)
    assert [i.submission_id for i in claimed] == [first.id, second.id, third.id]  # first queued, first sent
    outbox.settle(db, outbox.Settlement(retry=[(first.id, "未连接中心系统，已离线保存。", timedelta(minutes=5)),
                                               (second.id, "未连接中心系统，已离线保存。", timedelta(minutes=1))]))
    assert outbox.claim_next(db) is None  # both wait out their backoff; the third is in flight
    outbox.settle(db, outbox.Settlement(retry=[(third.id, "中心系统暂时繁忙，已离线保存。", timedelta(0))]))
    waiting = get_submission(db, first.id)
    assert waiting is not None and waiting.last_error == "未连接中心系统，已离线保存。"

    with db.sessions.begin() as s:  # keep the backoff to see what "立即同步" does
        backoff = {e.submission_id: e.next_attempt_at for e in s.query(OutboxEntry)}
    assert outbox.due_now(db, forget_errors=False) == 2  # "立即同步": due, but the network is not known back
    waiting = get_submission(db, first.id)
    assert waiting is not None and waiting.last_error == "未连接中心系统，已离线保存。"
    with db.sessions.begin() as s:
        for entry in s.query(OutboxEntry):
            entry.next_attempt_at = backoff[entry.submission_id]

    assert outbox.due_now(db) == 2  # the third was due already
    for sid in (second.id, third.id):  # "not connected" is no longer true of any queued row
        queued = get_submission(db, sid)
        assert queued is not None and queued.last_error is None
    again = outbox.claim_batch(db, limit=5)
    assert [i.submission_id for i in again] == [first.id, second.id, third.id]  # queue order, not backoff
    sending = get_submission(db, first.id)
    assert sending is not None and sending.state is SubmissionState.SENDING
    assert sending.last_error is None  # the old "not connected" is not shown while it is being sent
    assert outbox.due_now(db) == 0
    db.close()
