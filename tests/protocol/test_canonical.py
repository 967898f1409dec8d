"""One canonical JSON for the whole protocol: the text the outbox stores, the hash the central store
uses to recognise a repeat, and the ETag of reference data are all of the same text.

If one of them computed its own text (say, ASCII escapes, or another separator), a resend would hash
differently from the original and the server would refuse it as "same id, other body"."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from central.reference import etag_of
from central.store import IncomingSubmission
from local_db.clerks import Role, add_clerk
from local_db.database import open_database
from local_db.models import OutboxEntry
from local_db.submissions import ApplicantData, create_submission
from protocol.canonical import canonical_json
from protocol.models import SubmissionIn

KEY = bytes(range(32))


def test_outbox_text_central_hash_and_reference_etag_agree(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.sqlite3", KEY)
    add_clerk(db, "1001", "王柜员", "secret-pass", roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
    payload = {"zeta": "最后", "alpha": {"b": [1, 2.5, None, True], "a": "张三 \"引号\" \\ /"}, "empty": {}}
    view = create_submission(db, item_code="personal_registration", form_version=2, terminal_id="T1",
                             clerk_id="1001", applicant=ApplicantData(id_number="11010519491231002X", name="张三"),
                             payload=payload)
    with db.sessions() as s:
        stored = s.query(OutboxEntry).filter_by(submission_id=view.id).one().body
    db.close()
    assert stored is not None
    body = json.loads(stored)
    text_hash = hashlib.sha256(stored.encode("utf-8")).hexdigest()

    assert canonical_json(body) == stored  # the stored text is the canonical one, unchanged by a round trip
    assert '"zeta":"最后"' in stored  # real UTF-8, no spacing
    # what the server hashes to recognise this body when it comes again
    incoming = IncomingSubmission(**SubmissionIn.model_validate(body).model_dump(exclude_unset=True))
    assert incoming.body_sha256() == text_hash
    # what a reference data set of the same document would be tagged with
    assert etag_of(body) == f'"{text_hash}"'
