"""Helpers of the sync engine's tests: the reference central system as a child process, a terminal
wired to it (the fixtures of ``tests/app/conftest.py``), and what each side holds afterwards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.terminal import Terminal
from central.process import CentralServerProcess
from forms.idnumber import check_character
from local_db.models import OutboxEntry, OutboxState
from local_db.submissions import ApplicantData, AttachmentData, create_submission, pending_count
from sync import uploader
from tests.app.conftest import CLERK, TERMINAL_ID


def central_records(db: Path) -> list[dict[str, Any]]:
    out = subprocess.run([sys.executable, "-m", "central", "list-submissions", "--db", str(db), "--json",
                          "--include-payload"],
                         capture_output=True, text=True, check=True, timeout=60)
    data = json.loads(out.stdout)
    assert isinstance(data, list)
    return data


def blob_content(server: CentralServerProcess, terminal: Terminal, sha256: str) -> bytes:
    token = terminal.client._http.headers["Authorization"]  # type: ignore[union-attr]
    resp = httpx.get(f"{server.base_url}/v1/blobs/{sha256}/content", headers={"Authorization": token}, timeout=30)
    resp.raise_for_status()
    return resp.content


def submission_with(terminal: Terminal, blobs: list[bytes], number: int = 0) -> str:
    """A queued submission whose attachments are these bytes (sealed in the terminal's blob store)."""
    assert terminal.blobs is not None
    refs = [terminal.blobs.put(data) for data in blobs]
    body = f"{110105194912310 + number:015d}"[:15] + "10"
    id_number = body[:17] + check_character(body[:17])
    view = create_submission(
        terminal.db, item_code="personal_registration", form_version=3, terminal_id=TERMINAL_ID, clerk_id=CLERK.id,
        applicant=ApplicantData(id_number=id_number, name=f"申请人{number}"), payload={"n": number},
        attachments=[AttachmentData(f"m{i}", ref.sha256, ref.size) for i, ref in enumerate(refs)])
    return view.id


def all_due(terminal: Terminal) -> None:
    """Every queued row due now, whatever its backoff (the test decides when to retry)."""
    with terminal.db.sessions.begin() as s:
        for entry in s.query(OutboxEntry).filter(OutboxEntry.state == OutboxState.PENDING.value):
            entry.next_attempt_at = entry.created_at


def drain(terminal: Terminal, rounds: int = 50, *, batches: bool = False) -> None:
    """Send until nothing is pending, every row due at once each round (the test decides when to retry):
    one row at a time (``send_next``, a batch of one) or, with ``batches``, one ``send_some`` per round."""
    sender = terminal.sender
    assert sender is not None
    for _ in range(rounds):
        if pending_count(terminal.db) == 0:
            return
        all_due(terminal)
        if batches:
            sender.send_some()
        else:
            while sender.send_next() is not None:
                pass
    raise AssertionError(f"still pending after {rounds} rounds: {pending_count(terminal.db)}")


def queued_scans(terminal: Terminal, sizes: list[int]) -> tuple[list[bytes], list[str]]:
    """One queued submission per size, each with one random scan of that size: (scans, ids)."""
    scans = [os.urandom(size) for size in sizes]
    return scans, [submission_with(terminal, [scan], number=n) for n, scan in enumerate(scans)]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Upload in 64 KiB pieces so a few hundred KB exercise multi-chunk uploads (a tuning constant)."""
    monkeypatch.setattr(uploader, "UPLOAD_CHUNK", 64 * 1024)
