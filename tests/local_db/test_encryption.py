"""The local database at rest: encrypted with this terminal's key, plaintext files of old releases moved over.

Every check reads the bytes the terminal left on disk; nothing of ours is mocked.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import random
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker

from local_db import dbkey
from local_db.clerks import Role, add_clerk
from local_db.database import Database, DatabaseKeyMismatch, _alembic_config, open_database
from local_db.submissions import ApplicantData, create_submission, list_submissions

NAME = "欧阳秀珍"
ID_NUMBER = "11010519491231002X"
SECRETS = (NAME.encode(), ID_NUMBER.encode(), NAME.encode("utf-16-le"), b"SQLite format 3")
KEY = os.urandom(32)


def _submit(db: Database, name: str = NAME, id_number: str = ID_NUMBER, padding: str = "") -> None:
    create_submission(
        db, item_code="personal_registration", form_version=1, terminal_id="T1", clerk_id="1001",
        applicant=ApplicantData(id_number=id_number, name=name),
        payload={"id_number": id_number, "name": name, "address": "北京市朝阳区某街1号", "note": padding})


def _leaks(directory: Path, needles: tuple[bytes, ...] = SECRETS) -> dict[str, list[bytes]]:
    """Every file under ``directory`` whose bytes hold one of ``needles``."""
    found: dict[str, list[bytes]] = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            hits = [needle for needle in needles if needle in data]
            if hits:
                found[str(path.relative_to(directory))] = hits
    return found


def _old_release_database(path: Path, revision: str = "head", submissions: int = 1, padding: int = 0) -> None:
    """A plaintext database as the releases before encryption wrote it (their open_database, verbatim)."""
    engine = create_engine(f"sqlite:///{path}")

    def pragmas(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA synchronous=FULL")
        dbapi_conn.execute("PRAGMA foreign_keys=ON")

    event.listen(engine, "connect", pragmas)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    if revision == "head":
        db = Database(path=path, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
        add_clerk(db, "1001", "王柜员", "secret-pass", roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
        rng = random.Random(7)
        for n in range(submissions):
            text = "".join(rng.choice("甲乙丙丁戊己庚辛壬癸子丑寅卯") for _ in range(padding))
            _submit(db, id_number=ID_NUMBER if n == 0 else f"1101051949{n:07d}X", padding=text)
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO applicant (id_number, name, created_at, updated_at) "
                f"VALUES ('{ID_NUMBER}', '{NAME}', '2026-01-01 00:00:00', '2026-01-01 00:00:00')")
    engine.dispose()


def _copy_with_wal(path: Path, target_dir: Path) -> Path:
    """Copy a database while a connection holds it open, so committed rows sit in its -wal as well."""
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA wal_autocheckpoint=0")
    holder.execute("UPDATE applicant SET phone='13800138000'")
    holder.commit()
    target_dir.mkdir(parents=True, exist_ok=True)
    for side in ("", "-wal"):
        shutil.copyfile(path.with_name(path.name + side), target_dir / (path.name + side))
    holder.close()
    return target_dir / path.name


def test_database_files_hold_no_personal_data_and_open_only_with_the_key(tmp_path: Path) -> None:
    path = tmp_path / "counter.sqlite3"
    db = open_database(path, KEY)
    add_clerk(db, "1001", "王柜员", "secret-pass", roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
    _submit(db)
    assert (tmp_path / "counter.sqlite3-wal").exists()
    assert _leaks(tmp_path) == {}  # while open: the -wal and -shm as well
    db.close()
    assert _leaks(tmp_path) == {}

    plain = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError):  # the standard library sees no database at all
        plain.execute("SELECT count(*) FROM sqlite_master").fetchone()
    plain.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseKeyMismatch) as err:  # another terminal's keyring
        open_database(path, os.urandom(32))
    assert "无法用本机密钥打开" in err.value.user_message and str(path) in err.value.user_message
    assert path.read_bytes() == before

    again = open_database(path, KEY)
    [view] = list_submissions(again)
    assert (view.applicant_name, view.applicant_id_number) == (NAME, ID_NUMBER)
    with again.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA temp_store").scalar() == 2  # MEMORY
        assert conn.exec_driver_sql("PRAGMA cipher_integrity_check").all() == []
    again.close()


def test_plaintext_database_of_an_earlier_release_is_encrypted_in_place(tmp_path: Path) -> None:
    original = tmp_path / "made" / "counter.sqlite3"
    original.parent.mkdir()
    _old_release_database(original)
    path = _copy_with_wal(original, tmp_path / "data")
    assert NAME.encode() in path.read_bytes() and (tmp_path / "data" / "counter.sqlite3-wal").stat().st_size

    db = open_database(path, KEY)
    [view] = list_submissions(db)
    assert (view.applicant_name, view.applicant_id_number) == (NAME, ID_NUMBER)
    with db.engine.connect() as conn:  # the change committed only to the old -wal came along
        assert conn.exec_driver_sql("SELECT phone FROM applicant").scalar() == "13800138000"
    db.close()
    assert sorted(p.name for p in path.parent.iterdir()) == ["counter.sqlite3"]
    assert _leaks(path.parent) == {}
    with pytest.raises(DatabaseKeyMismatch):
        open_database(path, os.urandom(32))


def test_older_plaintext_database_gets_an_encrypted_backup_and_old_backups_are_named(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "counter.sqlite3"
    _old_release_database(path, revision="0001")
    leftover = tmp_path / "counter.sqlite3.before-upgrade-from-0000"  # as an earlier release left it
    shutil.copyfile(path, leftover)

    with caplog.at_level(logging.WARNING, logger="local_db.database"):
        open_database(path, KEY).close()
    assert str(leftover) in caplog.text  # not ours to delete silently: named for the administrator
    assert leftover.read_bytes()[:16] == b"SQLite format 3\x00"
    leftover.unlink()
    backup = tmp_path / "counter.sqlite3.before-upgrade-from-0001"
    assert backup.exists() and _leaks(tmp_path) == {}
    old = dbkey.connect(backup, KEY)
    try:
        assert old.execute("SELECT name FROM applicant").fetchone()[0] == NAME
        assert old.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    finally:
        old.close()


def test_foreign_plaintext_and_garbage_files_are_not_touched(tmp_path: Path) -> None:
    text = tmp_path / "text.sqlite3"
    text.write_bytes("这不是数据库".encode() * 1000)
    with pytest.raises(Exception) as err:
        open_database(text, KEY)
    assert not isinstance(err.value, DatabaseKeyMismatch)  # random-looking pages only are "another key"
    assert "无法读取" in err.value.user_message  # type: ignore[attr-defined]
    assert not (tmp_path / ("text.sqlite3" + dbkey.TEMP_SUFFIX)).exists()


def _open_in_child(path: str, key: bytes) -> None:
    open_database(Path(path), key).close()


def _run_child(path: Path, delay: float | None) -> float:
    """Open ``path`` in a forked process (no interpreter start-up to wait for); SIGKILL it ``delay``
    seconds after it starts, or let it finish and time it."""
    child = multiprocessing.get_context("fork").Process(target=_open_in_child, args=(str(path), KEY))
    start = time.monotonic()
    child.start()
    try:
        if delay is None:
            child.join(60)
            assert child.exitcode == 0
            return time.monotonic() - start
        time.sleep(delay)
        child.kill()  # SIGKILL: no cleanup, no finally, as a power cut or the task manager would do
        child.join(60)
        return delay
    finally:
        if child.is_alive():
            child.kill()
            child.join()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork and SIGKILL are POSIX")
def test_encrypting_a_plaintext_database_survives_being_killed_at_any_moment(tmp_path: Path) -> None:
    made = tmp_path / "made" / "counter.sqlite3"
    made.parent.mkdir()
    _old_release_database(made, submissions=120, padding=4000)  # a few MB: the move takes a while
    fixture = _copy_with_wal(made, tmp_path / "fixture")
    n_rows = 120

    timed = _copy_with_wal(fixture, tmp_path / "timed")
    duration = _run_child(timed, None)
    outcomes = {"plaintext": 0, "encrypted": 0}
    for attempt in range(20):
        work = tmp_path / f"run{attempt}"
        path = _copy_with_wal(fixture, work)
        # stratified over the whole move and a little past it, reseeded: every stretch of it gets its kill
        delay = duration * 1.3 * (attempt + random.Random(attempt).random()) / 20
        _run_child(path, delay)
        outcomes["plaintext" if dbkey.has_plaintext_header(path) else "encrypted"] += 1

        db = open_database(path, KEY)  # whatever the moment of the kill, this opens with all the data
        views = list_submissions(db, limit=1000)
        db.close()
        assert len(views) == n_rows, f"attempt {attempt}, killed after {delay:.3f}s"
        assert {v.applicant_name for v in views} == {NAME}
        assert ID_NUMBER in {v.applicant_id_number for v in views}
        assert sorted(p.name for p in work.iterdir()) == ["counter.sqlite3"], f"attempt {attempt}"
        assert _leaks(work) == {}, f"attempt {attempt}, killed after {delay:.3f}s"
        shutil.rmtree(work)
    print(f"migration took {duration:.2f}s; after the kill: {outcomes}")
    assert outcomes["plaintext"] and outcomes["encrypted"], outcomes  # kills landed on both sides
