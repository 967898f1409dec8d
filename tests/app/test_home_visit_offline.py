"""Days out on home visits without a network (issue 19 item 6), on a controllable clock.

A laptop in home-visit mode works three days with its central system out of reach: a draft keeps its sealed
scans across restarts of the terminal (a real SQLite file, the real blob store), each day's cases are queued
with that day's counter receipt numbers, and when the network returns (the real central server process,
started only on the third day, on the address the laptop was configured with) the backlog goes out exactly
once, scans and the home-visit mark included.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app import usecases
from app.secrets import SecretStore
from app.settings import Settings
from app.terminal import Terminal, build_terminal
from app.usecases import SubmitRequest
from app.usecases.home_visit import switch_home_visit
from central.store import CentralStore
from local_db.clerks import Role, add_clerk
from local_db.models import SubmissionState
from local_db.submissions import get_submission, list_submissions, pending_count
from sync.engine import Backoff

from .conftest import CLERK, PASSWORD, TERMINAL_ID, CentralKey, free_port
from .samples import REGISTRATION, SIGNATURE, WAIVER
from .test_sessions import page_image

#: 10:00 in Beijing on Monday 2 March 2026, the first day out
DAY1 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
PLACE = "城关镇幸福村"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def start_laptop(data_dir: Path, secrets: SecretStore, key: CentralKey, url: str, clock: Clock,
                 first: bool = False) -> Terminal:
    """The laptop switched on (again): the same data directory, keyring and settings each morning."""
    settings = Settings(central_url=url, terminal_id=TERMINAL_ID, central_signing_key=key.public_key,
                        data_dir=data_dir, office_name="城关镇社保所")
    terminal = build_terminal(settings, secrets, backoff=Backoff(base=0.05, cap=0.5), start_sender=False,
                              start_devices=False, clock=clock)
    if first:
        add_clerk(terminal.db, CLERK.id, CLERK.name, PASSWORD, roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
    return terminal


def take(terminal: Terminal, when: datetime, **extra: Any) -> usecases.Accepted:
    form = terminal.reference.form("personal_registration")
    waivers = {} if extra.get("draft_id") else {"identity_document": WAIVER}
    return usecases.submit_application(terminal, SubmitRequest(clerk=CLERK, form=form, values=REGISTRATION,
                                                               waivers=waivers, signature=SIGNATURE, **extra),
                                        now=when)


def test_three_days_offline_then_the_backlog_goes_out_exactly_once(
        data_dir: Path, secrets_store: SecretStore, central_key: CentralKey, start_central: Any,
        central_db: Path) -> None:
    port = free_port()  # where the central system will answer, once the laptop is back in reach
    url = f"http://127.0.0.1:{port}"
    clock = Clock(DAY1)

    # day 1: out at the applicant's home; one case taken, one begun (scans taken, a paper to fetch)
    terminal = start_laptop(data_dir, secrets_store, central_key, url, clock, first=True)
    switch_home_visit(terminal, CLERK, True, PLACE, now=clock.now)
    assert terminal.sender is not None and terminal.sender.sync_once().error is not None  # no network
    form = terminal.reference.form("personal_registration")
    first = take(terminal, clock.now)
    draft = usecases.save_draft(terminal, CLERK, form, {"name": REGISTRATION["name"]},
                                materials={"identity_document": [page_image(200), page_image(120)]})
    terminal.close()

    # day 2: switched on again; the draft still holds its sealed scans; two more cases that day
    clock.now = DAY1 + timedelta(days=1)
    terminal = start_laptop(data_dir, secrets_store, central_key, url, clock)
    kept = get_submission(terminal.db, draft.id)
    assert kept is not None and kept.state is SubmissionState.DRAFT and kept.home_visit
    assert [(a.material_key, a.pages) for a in kept.attachments] == [("identity_document", 2)]
    assert terminal.blobs is not None and terminal.blobs.get(kept.attachments[0].sha256).startswith(b"%PDF")
    assert terminal.sender is not None and terminal.sender.sync_once().error is not None
    second = take(terminal, clock.now)
    third = take(terminal, clock.now + timedelta(hours=2), carried=kept.attachments, draft_id=draft.id)
    assert pending_count(terminal.db) == 3
    terminal.close()

    # receipts are numbered per day at the counter, offline as online, and say the case is not yet sent
    numbers = [a.view.counter_receipt_no or "" for a in (first, second, third)]
    assert [n.rsplit("-", 2)[1:] for n in numbers] == [["20260302", "0001"], ["20260303", "0001"],
                                                       ["20260303", "0002"]]
    assert all(a.receipt.offline and a.view.home_visit for a in (first, second, third))

    # day 3: back in reach of the central system, which answers at the configured address only now
    clock.now = DAY1 + timedelta(days=2)
    start_central(port=port)
    terminal = start_laptop(data_dir, secrets_store, central_key, url, clock)
    try:
        assert terminal.sender is not None
        summary = terminal.sender.sync_once()
        assert summary.error is None and summary.sent == 3 and summary.pending == 0
        assert terminal.sender.sync_once().sent == 0  # nothing goes twice
        local = {v.id: v for v in list_submissions(terminal.db)}
        assert {v.state for v in local.values()} == {SubmissionState.ACCEPTED}
        ids = [a.view.id for a in (first, second, third)]
        with CentralStore.open(central_db) as store:
            records = store.list_submissions()
            assert sorted(r.id for r in records) == sorted(ids)  # each exactly once
            assert all(r.home_visit and r.payload.get("_visit_place") == PLACE for r in records)
            assert {r.id: r.counter_receipt_no for r in records} == dict(zip(ids, numbers, strict=True))
            scanned = next(r for r in records if r.id == third.view.id)
            [attachment] = [a for a in scanned.attachments if a["material_key"] != "_signature"]  # the scan
            assert store.blobs is not None
            blob = store.blobs.get(TERMINAL_ID, attachment["sha256"])
            assert blob is not None and blob.complete and terminal.blobs is not None
            assert blob.size == len(terminal.blobs.get(attachment["sha256"]))
        assert all(local[i].receipt_number for i in ids)  # the central system's numbers came back
    finally:
        terminal.close()
