"""Retention (issue 16 items 6 and 7): a purge keeps what must stay and removes what must go.

Real encrypted database file, real sealed blob store, cases moved through their lives by the same
functions the sync engine calls (claim, settle, the status feed's ``apply_statuses``); the closing times
are the central system's, given with each status as the feed gives them.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from local_db import outbox
from local_db.audit import AuditTrail, verify_chain
from local_db.blobstore import BlobStore
from local_db.clerks import Role, add_clerk
from local_db.database import Database, open_database
from local_db.models import Applicant, Attachment, OutboxEntry, OutboxState, SubmissionState, utcnow
from local_db.retention import find_expired, purge_expired
from local_db.submissions import (
    ApplicantData,
    AttachmentData,
    SubmissionQuery,
    SubmissionView,
    create_submission,
    find_submissions,
    get_submission,
    save_draft,
)

from .sqlcipher_pages import decrypted_pages

KEY = bytes(range(32))
BLOB_KEY = bytes(range(50, 82))
SECRET = bytes(range(100, 132))
DAYS = 30
NOW = utcnow()


@dataclass(frozen=True)
class Person:
    id_number: str
    name: str
    phone: str


#: each case its own person, so a purged case's name and number must vanish from the file
OLD = Person("11010519491231002X", "欧阳清理", "13800000001")
YOUNG = Person("110105198001010034", "司马年轻", "13800000002")
RETURNED = Person("110105198502020047", "上官退回", "13800000003")
CORRECTED_OPEN = Person("110105199003030012", "诸葛更正", "13800000004")
CORRECTED_CLOSED = Person("110105199104040016", "慕容二版", "13800000005")
QUEUED = Person("110105199205050021", "东方排队", "13800000006")
IN_FLIGHT = Person("110105199306060025", "皇甫在途", "13800000007")
TWICE = Person("110105199407070039", "令狐两件", "13800000008")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    opened = open_database(tmp_path / "counter.sqlite3", KEY)
    add_clerk(opened, "1001", "测试柜员", "counter-pass", roles=frozenset({Role.FRONT_DESK}))
    yield opened
    opened.close()


@pytest.fixture
def blobs(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs", BLOB_KEY)


_numbers = iter(range(1, 10_000))


def submit(db: Database, blobs: BlobStore, who: Person, *, scans: tuple[bytes, ...] = (),
           corrects: str | None = None, carried: tuple[AttachmentData, ...] = ()) -> SubmissionView:
    refs = [blobs.put(data) for data in scans]
    attachments = [AttachmentData(f"material_{i}", r.sha256, r.size) for i, r in enumerate(refs)] + list(carried)
    payload = {"id_number": who.id_number, "name": who.name, "phone": who.phone, "address": f"{who.name}的住址",
               "_provenance": {"from_device": {"name": "社保卡"},
                               "overrides": [{"fields": ["name"], "reason": f"{who.name}卡内姓名有误"}]}}
    return create_submission(
        db, item_code="personal_registration", form_version=3, terminal_id="T1", clerk_id="1001",
        applicant=ApplicantData(who.id_number, who.name, birth_date=date(1970, 1, 1), phone=who.phone),
        payload=payload, attachments=attachments, counter_receipt_no=f"T1-20261001-{next(_numbers):04d}",
        corrects=corrects)


def send_all(db: Database) -> None:
    """What the sync engine does with the queue: claim every row, the central system accepts each."""
    claimed = outbox.claim_batch(db, limit=1000)
    outbox.settle(db, outbox.Settlement(accepted=[(c.submission_id, f"C-{c.submission_id[:8]}", NOW)
                                                  for c in claimed]))


def feed(db: Database, sid: str, status: str, days_ago: float, reason: str | None = None) -> None:
    """A status from the central system's feed, at the central system's time."""
    assert outbox.apply_statuses(db, [outbox.StatusChange(sid, status, reason, None,
                                                          NOW - timedelta(days=days_ago))]) == [True]


def age_files(blobs: BlobStore, days: float) -> None:
    """The sealed files have been on disk since their case was taken (they are weeks old by now)."""
    then = time.time() - days * 86400
    for path in blobs.root.rglob("*.blob"):
        os.utime(path, (then, then))


def state(db: Database, sid: str) -> SubmissionView:
    view = get_submission(db, sid)
    assert view is not None
    return view


def test_purge_keeps_what_must_stay_and_removes_what_must_go(db: Database, blobs: BlobStore,
                                                            tmp_path: Path) -> None:
    audit = AuditTrail(SECRET)
    shared_scan = b"%PDF one scan that two cases hold" + os.urandom(64)
    old = submit(db, blobs, OLD, scans=(b"%PDF old id copy" + os.urandom(5000), shared_scan))
    young = submit(db, blobs, YOUNG, scans=(shared_scan,))
    returned = submit(db, blobs, RETURNED, scans=(b"%PDF returned",))
    open_v1 = submit(db, blobs, CORRECTED_OPEN)
    closed_v1 = submit(db, blobs, CORRECTED_CLOSED, scans=(b"%PDF carried over to version 2",))
    twice_old = submit(db, blobs, TWICE)
    twice_open = submit(db, blobs, TWICE)
    send_all(db)
    feed(db, old.id, "approved", 40)
    feed(db, young.id, "approved", 10)
    feed(db, returned.id, "returned", 60, "材料不全")
    feed(db, open_v1.id, "returned", 60, "材料不全")
    feed(db, closed_v1.id, "returned", 70, f"{CORRECTED_CLOSED.name}的材料不清晰")
    feed(db, twice_old.id, "approved", 50, "核准")
    closed_v2 = submit(db, blobs, CORRECTED_CLOSED, corrects=closed_v1.id, carried=closed_v1.attachments)
    send_all(db)
    feed(db, closed_v2.id, "approved", 45, "核准")
    open_v2 = submit(db, blobs, CORRECTED_OPEN, corrects=open_v1.id)  # queued, not yet sent
    queued = submit(db, blobs, QUEUED, scans=(b"%PDF queued",))
    in_flight = submit(db, blobs, IN_FLIGHT)
    assert [c.submission_id for c in outbox.claim_batch(db, limit=10)] == [open_v2.id, queued.id, in_flight.id]
    outbox.settle(db, outbox.Settlement(retry=[(open_v2.id, "未连接", timedelta(0)),
                                               (queued.id, "未连接", timedelta(0))]))  # in_flight stays in flight
    age_files(blobs, 80)
    old_files = [blobs.path_for(a.sha256) for a in old.attachments]
    closed_files = [blobs.path_for(a.sha256) for a in closed_v1.attachments]
    assert all(p.exists() for p in old_files + closed_files)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    before = decrypted_pages(db.path, KEY)
    assert OLD.id_number.encode() in before and OLD.name.encode() in before  # the search can see them

    result = purge_expired(db, blobs, audit, DAYS, clerk_id="9001", now=NOW)

    gone = {old.id, closed_v1.id, closed_v2.id, twice_old.id}
    assert {sid for c in result.purged for sid in c.submission_ids} == gone
    assert (result.cases, result.drafts, result.submissions, result.scans) == (3, 0, 4, 4)
    by_case = {c.case_id: c for c in result.purged}
    assert by_case[closed_v1.id].counter_receipt_nos == (closed_v1.counter_receipt_no, closed_v2.counter_receipt_no)
    for sid in gone:
        view = state(db, sid)
        assert view.purged and view.state is SubmissionState.CLOSED
        assert view.applicant_name is None and view.applicant_id_number is None
        assert view.payload == {} and view.attachments == () and view.status_reason is None
        assert view.counter_receipt_no and view.receipt_number and view.closed_at and view.created_at
    with db.sessions() as s:
        bodies = {row.submission_id: row.body for row in s.execute(select(OutboxEntry.submission_id,
                                                                            OutboxEntry.body))}
        assert all(bodies[sid] is None for sid in gone)
        assert all(bodies[sid] for sid in set(bodies) - gone)
        tombstones = s.scalars(select(Attachment).where(Attachment.submission_id.in_(gone))).all()
        assert len(tombstones) == 4 and all(a.purged_at is not None for a in tombstones)
        people = set(s.scalars(select(Applicant.id_number)))
    assert OLD.id_number not in people and CORRECTED_CLOSED.id_number not in people
    assert TWICE.id_number in people  # still needed by the person's open case
    assert state(db, twice_open.id).applicant_name == TWICE.name

    # the shared scan stays for the young case; every other file of the purged cases is gone
    assert not old_files[0].exists() and old_files[1].exists()
    assert not any(p.exists() for p in closed_files)
    assert result.files_deleted == 2
    assert blobs.get(young.attachments[0].sha256) == shared_scan

    kept = {young.id: SubmissionState.CLOSED, returned.id: SubmissionState.RETURNED,
            open_v1.id: SubmissionState.CLOSED, open_v2.id: SubmissionState.QUEUED,
            queued.id: SubmissionState.QUEUED, in_flight.id: SubmissionState.SENDING,
            twice_open.id: SubmissionState.ACCEPTED}
    for sid, expected in kept.items():
        view = state(db, sid)
        assert not view.purged and view.state is expected and view.applicant_id_number and view.payload["name"]
        for a in view.attachments:
            assert blobs.exists(a.sha256)

    report = verify_chain(db)
    assert report.intact and report.entries == 4  # one per case, one for the run
    entries = audit.find(db)
    assert [e.detail["scope"] for e in entries] == ["case", "case", "case", "run"]
    assert entries[-1].clerk_id == "9001" and entries[-1].detail["cases"] == 3
    assert audit.find(db, id_number=OLD.id_number)[0].subject == old.case_id  # found by the keyed hash

    # nothing of the purged people is left in the file, not even in freed space (secure_delete)
    assert db.path.with_name(db.path.name + "-wal").stat().st_size == 0  # the old page images went too
    db.close()
    plain = decrypted_pages(db.path, KEY)
    for who in (OLD, CORRECTED_CLOSED):
        for needle in (who.id_number, who.name, who.phone, f"{who.name}卡内姓名有误"):
            assert needle.encode() not in plain, (who.name, needle)
    assert "材料不清晰".encode() not in plain  # the central system's note on the purged version
    for who in (YOUNG, RETURNED, QUEUED, TWICE):
        assert who.id_number.encode() in plain


def test_a_second_run_finds_nothing_and_a_replayed_feed_changes_nothing(db: Database, blobs: BlobStore) -> None:
    audit = AuditTrail(SECRET)
    case = submit(db, blobs, OLD, scans=(b"%PDF scan",))
    send_all(db)
    feed(db, case.id, "approved", 40, "核准")
    age_files(blobs, 50)
    assert len(purge_expired(db, blobs, audit, DAYS, now=NOW).purged) == 1
    feed(db, case.id, "approved", 40, "核准")  # the feed replayed after a crash
    feed(db, case.id, "accepted", 41)
    view = state(db, case.id)
    assert view.purged and view.state is SubmissionState.CLOSED and view.status_reason is None
    again = purge_expired(db, blobs, audit, DAYS, now=NOW)
    assert again.purged == () and again.files_deleted == 0
    assert [e.detail["scope"] for e in audit.find(db)] == ["case", "run"]  # an idle daily run is not recorded
    assert verify_chain(db).intact


def _everything(db: Database, blobs: BlobStore) -> tuple[Any, ...]:
    with db.engine.connect() as conn:
        tables = tuple(tuple(conn.execute(text(f"SELECT * FROM {t}")).all())
                       for t in ("submission", "applicant", "attachment", "outbox", "audit_log"))
    files = tuple(sorted((p.name, p.stat().st_mtime) for p in blobs.root.rglob("*.blob")))
    return tables, files


def test_dry_run_changes_nothing(db: Database, blobs: BlobStore) -> None:
    audit = AuditTrail(SECRET)
    case = submit(db, blobs, OLD, scans=(b"%PDF scan",))
    young = submit(db, blobs, YOUNG)
    send_all(db)
    feed(db, case.id, "approved", 40)
    feed(db, young.id, "approved", 5)
    age_files(blobs, 50)
    before = _everything(db, blobs)
    result = purge_expired(db, blobs, audit, DAYS, clerk_id="9001", dry_run=True, now=NOW)
    assert result.dry_run and [c.submission_ids for c in result.purged] == [(case.id,)]
    assert result.purged[0].counter_receipt_nos == (case.counter_receipt_no,) and result.purged[0].scans == 1
    assert result.purged[0].closed_at == NOW - timedelta(days=40)
    assert result.files_deleted == 0
    assert _everything(db, blobs) == before
    assert find_expired(db, DAYS, now=NOW) == list(result.purged)
    assert find_expired(db, 45, now=NOW) == []  # a longer retention keeps it


def test_a_closed_case_whose_outbox_row_is_not_done_stays(db: Database, blobs: BlobStore) -> None:
    case = submit(db, blobs, OLD)
    send_all(db)
    feed(db, case.id, "approved", 40)
    with db.sessions.begin() as s:  # a resend of the row was queued again (say, after a server restore)
        s.execute(text("UPDATE outbox SET state = :p"), {"p": OutboxState.PENDING.value})
    assert purge_expired(db, blobs, AuditTrail(SECRET), DAYS, now=NOW).purged == ()
    assert not state(db, case.id).purged


def test_drafts_go_after_retention_since_their_last_change(db: Database, blobs: BlobStore) -> None:
    audit = AuditTrail(SECRET)
    payload = {"id_number": OLD.id_number, "name": OLD.name}
    stale = save_draft(db, item_code="personal_registration", form_version=3, terminal_id="T1", clerk_id="1001",
                       payload=payload)
    later = NOW + timedelta(days=20)
    fresh = save_draft(db, item_code="personal_registration", form_version=3, terminal_id="T1", clerk_id="1001",
                       payload={"name": YOUNG.name})
    with db.sessions.begin() as s:  # the fresh one was last changed 20 days after the stale one
        s.execute(text("UPDATE submission SET updated_at = :at WHERE id = :id"),
                  {"at": later.replace(tzinfo=None), "id": fresh.id})
    result = purge_expired(db, blobs, audit, DAYS, now=NOW + timedelta(days=DAYS + 1))
    assert [c.case_id for c in result.purged] == [stale.id] and result.drafts == 1 and result.cases == 0
    view = state(db, stale.id)
    assert view.purged and view.state is SubmissionState.DRAFT and view.payload == {}
    assert not state(db, fresh.id).purged and state(db, fresh.id).payload == {"name": YOUNG.name}
    # saved again after the purge (a clerk had it open): a draft with content again, not 已清理
    again = save_draft(db, item_code="personal_registration", form_version=3, terminal_id="T1", clerk_id="1001",
                       payload=payload, draft_id=stale.id)
    assert not again.purged and again.payload == payload


def test_a_file_stored_again_meanwhile_stays_and_an_orphan_is_swept_by_the_next_run(
        db: Database, blobs: BlobStore) -> None:
    audit = AuditTrail(SECRET)
    scan, receipt = b"%PDF scan" + os.urandom(32), b"%PDF receipt" + os.urandom(32)
    case = submit(db, blobs, OLD, scans=(scan, receipt))
    send_all(db)
    feed(db, case.id, "approved", 40)
    age_files(blobs, 50)
    blobs.put(scan)  # the same scan sealed again just now: its submission may be a moment from saving
    # no scans' key this run (rows purged, files left): what a crash between commit and delete leaves
    first = purge_expired(db, None, audit, DAYS, now=NOW)
    assert first.cases == 1 and first.files_deleted == 0
    paths = [blobs.path_for(a.sha256) for a in case.attachments]
    assert all(p.exists() for p in paths)
    second = purge_expired(db, blobs, audit, DAYS, now=NOW)
    assert second.purged == () and second.files_deleted == 1
    assert paths[0].exists() and not paths[1].exists()  # the fresh one waits for a later sweep
    age_files(blobs, 1)
    assert purge_expired(db, blobs, audit, DAYS, now=NOW).files_deleted == 1
    assert not paths[0].exists()
    assert verify_chain(db).intact


def test_records_queries_list_purged_cases(db: Database, blobs: BlobStore) -> None:
    case = submit(db, blobs, OLD)
    send_all(db)
    feed(db, case.id, "approved", 40)
    purge_expired(db, blobs, AuditTrail(SECRET), DAYS, now=NOW)
    rows, total = find_submissions(db, SubmissionQuery(states=frozenset({SubmissionState.CLOSED})))
    assert total == 1 and rows[0].purged and rows[0].counter_receipt_no == case.counter_receipt_no
    assert find_submissions(db, SubmissionQuery(text=case.counter_receipt_no))[1] == 1  # found by its number
    assert find_submissions(db, SubmissionQuery(text=OLD.name))[1] == 0
    assert find_submissions(db, SubmissionQuery(text=OLD.id_number))[1] == 0


def test_purge_and_the_sync_take_turns_on_the_database(db: Database, blobs: BlobStore) -> None:
    """The feed replays and new submissions are sent while a purge runs: each row ends either purged and
    closed, or whole; nothing a purge emptied is written back."""
    audit = AuditTrail(SECRET)
    closed = []
    for n in range(30):
        who = Person(f"11010519900101{n:03d}X", f"旧案{n}", f"1390000{n:04d}")
        closed.append(submit(db, blobs, who, scans=(b"%PDF " + os.urandom(16),)))
    send_all(db)
    changes = [outbox.StatusChange(c.id, "approved", "核准", None, NOW - timedelta(days=40)) for c in closed]
    outbox.apply_statuses(db, changes)
    age_files(blobs, 50)
    stop = threading.Event()
    errors: list[BaseException] = []

    def sync() -> None:
        try:
            while not stop.is_set():
                outbox.apply_statuses(db, changes)  # the feed, replayed again and again
                submit(db, blobs, YOUNG)
                send_all(db)
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=sync)
    worker.start()
    try:
        result = purge_expired(db, blobs, audit, DAYS, now=NOW)
    finally:
        stop.set()
        worker.join(30)
    assert errors == []
    assert result.cases == 30 and result.files_deleted == 30
    for case in closed:
        view = state(db, case.id)
        assert view.purged and view.payload == {} and view.status_reason is None and view.applicant_id_number is None
    young = find_submissions(db, SubmissionQuery(text=YOUNG.name))[0]
    assert young and all(not v.purged and v.state is SubmissionState.ACCEPTED for v in young)
    assert verify_chain(db).intact


def test_closed_rows_of_an_older_release_get_their_last_change_as_closing_time(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    path = tmp_path / "old.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(outbox.__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
        conn.exec_driver_sql("INSERT INTO clerk (id, name, password_hash, active, created_at) "
                             "VALUES ('7', '旧柜员', 'x', 1, '2026-01-01 00:00:00')")
        for sid, status in (("s-closed", "closed"), ("s-accepted", "accepted")):
            conn.exec_driver_sql(
                "INSERT INTO submission (id, item_code, form_version, version, terminal_id, clerk_id, payload, "
                "state, created_at, updated_at, case_id) VALUES (?, 'personal_registration', 1, 1, 'T1', '7', "
                "'{}', ?, '2026-01-01 00:00:00', '2026-02-01 08:00:00', ?)", (sid, status, sid))
    engine.dispose()
    db = open_database(path, KEY)
    try:
        assert state(db, "s-closed").closed_at == datetime(2026, 2, 1, 8, tzinfo=UTC)
        assert state(db, "s-accepted").closed_at is None
        assert [c.case_id for c in find_expired(db, DAYS, now=datetime(2026, 3, 4, tzinfo=UTC))] == ["s-closed"]
        assert find_expired(db, DAYS, now=datetime(2026, 3, 2, tzinfo=UTC)) == []
    finally:
        db.close()
