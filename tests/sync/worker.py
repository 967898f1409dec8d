"""A terminal in a child process that the sync tests SIGKILL at random moments.

``python -m tests.sync.worker --data DIR --keyring DIR --central URL --terminal T --seed N --mode M``

It builds a real terminal (encrypted database, encrypted blob store, a file keyring of the test's
own) and, depending on ``--mode``:

- ``sync``: starts the sender thread and lets it work the outbox (and send the audit trail);
- ``enqueue``: keeps saving submissions, each with 1-3 attachments of seeded random bytes written to
  the blob store first and then committed together with the outbox row and its audit entry;
- ``both``: the two at once, as at a busy counter.

It prints ``ready`` once the terminal is open and ``committed <id>`` after each commit, flushing
every line, so a test that kills it knows exactly what was acknowledged to the clerk before death:
only what was printed may be assumed saved, and all of it must be.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import Terminal, build_terminal
from forms.idnumber import check_character
from local_db.audit import AuditAction, AuditEvent
from local_db.submissions import ApplicantData, AttachmentData, create_submission
from sync.engine import Backoff

CLERK_ID = "1001"
#: material keys the attachments are filed under (any identifier does for the central system)
MATERIALS = ("id_copy", "household_register", "certificate")
#: attachment sizes: mostly small scans, now and then one spanning two 4 MiB upload chunks
SMALL = (1024, 48 * 1024)
LARGE = (4 * 1024 * 1024 + 1, 6 * 1024 * 1024)
LARGE_SHARE = 0.04


def id_number(rng: random.Random) -> str:
    """A valid GB 11643 citizen number (Xi'an area code, born 1950-1999)."""
    body = (f"610102{rng.randint(1950, 1999)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            f"{rng.randint(0, 999):03d}")
    return body + check_character(body)


def attachment_size(rng: random.Random, large_share: float = LARGE_SHARE) -> int:
    low, high = LARGE if rng.random() < large_share else SMALL
    return rng.randint(low, high)


def settings_for(data: Path, central: str, terminal_id: str, signing_key: str | None = None) -> Settings:
    return Settings(central_url=central, terminal_id=terminal_id, office_name="测试大厅", data_dir=data,
                    central_signing_key=signing_key,
                    devices=DeviceSettings(card_reader="off", id_reader="off", camera="off"))


def open_terminal(data: Path, keyring_dir: Path, central: str, terminal_id: str, *,
                  start_sender: bool, signing_key: str | None = None) -> Terminal:
    """The terminal as the counter application builds it, with a short backoff so retries come fast."""
    secrets = SecretStore(file_keyring(keyring_dir))
    return build_terminal(settings_for(data, central, terminal_id, signing_key), secrets, start_sender=start_sender,
                          backoff=Backoff(base=0.05, cap=0.5), start_devices=False)


def enqueue_one(terminal: Terminal, rng: random.Random, terminal_id: str, *,
                large_share: float = LARGE_SHARE, attach: bool = True) -> str:
    """Seal 1-3 attachments (none unless ``attach``) into the blob store, then commit the submission
    with its outbox row: the order the counter uses, so a crash between the two leaves an unused blob,
    never a submission pointing at a missing one."""
    assert terminal.blobs is not None
    attachments = []
    for material in MATERIALS[:rng.randint(1, 3) if attach else 0]:
        data = rng.randbytes(attachment_size(rng, large_share))
        ref = terminal.blobs.put(data)
        attachments.append(AttachmentData(material, ref.sha256, ref.size, pages=1 + len(data) // 200_000))
    person = id_number(rng)
    view = create_submission(
        terminal.db, item_code="personal_registration", form_version=1, terminal_id=terminal_id,
        clerk_id=CLERK_ID, applicant=ApplicantData(id_number=person, name="张三"),
        payload={"id_number": person, "name": "张三", "note": rng.randbytes(8).hex()}, attachments=attachments,
        audit=lambda session, saved: terminal.audit.record_in(session, AuditEvent(
            AuditAction.SUBMIT, CLERK_ID, saved.id, person, {"item_code": saved.item_code})))
    return view.id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.sync.worker")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--keyring", type=Path, required=True)
    parser.add_argument("--central", required=True)
    parser.add_argument("--terminal", required=True)
    parser.add_argument("--signing-key", default=None, help="the central system's reference signing key")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--mode", choices=("enqueue", "sync", "both"), required=True)
    parser.add_argument("--pause", type=float, default=0.25,
                        help="seconds between submissions at most (a counter is not a load generator)")
    parser.add_argument("--wait-go", action="store_true",
                        help="import everything, then wait for a line on stdin before opening the terminal "
                             "(lets a test start the next worker while the previous one still runs)")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    if args.wait_go:
        sys.stdin.readline()
    terminal = open_terminal(args.data, args.keyring, args.central, args.terminal,
                             start_sender=args.mode in ("sync", "both"), signing_key=args.signing_key)
    print("ready", flush=True)
    if args.mode == "sync":
        while True:  # the sender thread works; we wait for the kill
            time.sleep(3600)
    while True:
        submission_id = enqueue_one(terminal, rng, args.terminal)
        sys.stdout.write(f"committed {submission_id}\n")
        sys.stdout.flush()
        terminal.send_now()  # as the UI does after saving
        time.sleep(rng.uniform(0, args.pause))


if __name__ == "__main__":
    sys.exit(main())
