"""The central system holds the applicant's signature to its own definitions (issue 19), over real HTTP to a
real server process: a submission of an item whose definition asks for a signature is refused without the
``_signature`` attachment (per item in a batch, never 500), accepted with one, and a submission made under an
older version of the definition (queued before the requirement arrived) is not held to it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from central.process import CentralServerProcess
from central.store import add_terminal
from forms.definitions import load_form
from protocol.body import SIGNATURE_KEY

BATCH = "application/x-sicounter-blob-batch"
REGISTRATION = load_form("personal_registration")
PAYLOAD = {"id_type": "01", "id_number": "11010519491231002X", "name": "李秀英"}


def _client(central: CentralServerProcess) -> tuple[str, httpx.Client]:
    terminal_id = f"T-SIGN-{uuid.uuid4().hex[:8]}"
    token = add_terminal(central.db_path, terminal_id)
    return terminal_id, httpx.Client(base_url=central.base_url, headers={"Authorization": f"Bearer {token}"},
                                     timeout=60.0)


def _signature(client: httpx.Client) -> dict[str, Any]:
    png = b"\x89PNG\r\n\x1a\n" + uuid.uuid4().bytes * 8  # the central system does not decode it
    sha = hashlib.sha256(png).hexdigest()
    answer = client.post("/v1/blobs/batch", content=f"{sha} {len(png)} image/png\n".encode() + png,
                         headers={"Content-Type": BATCH})
    assert answer.status_code == 200 and answer.json()["blobs"][0]["complete"], answer.text
    return {"material_key": SIGNATURE_KEY, "sha256": sha, "size": len(png), "media_type": "image/png", "pages": 1}


def _registration(body_for: Callable[..., dict[str, Any]], terminal_id: str, **overrides: Any) -> dict[str, Any]:
    return body_for(terminal_id, **{"item_code": "personal_registration", "version": REGISTRATION.version,
                                    "payload": PAYLOAD, **overrides})


def test_a_required_signature_missing_is_refused_and_one_attached_is_accepted(
        central: CentralServerProcess, body_for: Callable[..., dict[str, Any]]) -> None:
    assert REGISTRATION.needs_signature
    terminal_id, client = _client(central)
    with client:
        unsigned = _registration(body_for, terminal_id)
        refused = client.post("/v1/submissions", json=unsigned)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["code"] == "signature_missing"
        assert "签字" in refused.json()["error"]["message"]
        signed = {**unsigned, "attachments": [_signature(client)]}  # the same id, now signed: not stored before
        assert client.post("/v1/submissions", json=signed).status_code == 201


def test_in_a_batch_only_the_unsigned_item_is_refused(
        central: CentralServerProcess, body_for: Callable[..., dict[str, Any]]) -> None:
    terminal_id, client = _client(central)
    with client:
        unsigned = _registration(body_for, terminal_id)
        signed = _registration(body_for, terminal_id, attachments=[_signature(client)])
        employer = body_for(terminal_id, item_code="employer_registration", version=1, payload=PAYLOAD)
        answer = client.post("/v1/submissions/batch", json={"submissions": [unsigned, signed, employer]})
        assert answer.status_code == 200, answer.text
        results = answer.json()["results"]
        assert [r["ok"] for r in results] == [False, True, True]
        assert (results[0]["status_code"], results[0]["error"]["code"]) == (422, "signature_missing")


def test_a_case_made_under_an_older_definition_is_not_held_to_the_new_signature(
        central: CentralServerProcess, body_for: Callable[..., dict[str, Any]]) -> None:
    terminal_id, client = _client(central)
    with client:
        older = _registration(body_for, terminal_id, version=REGISTRATION.version - 1)
        assert client.post("/v1/submissions", json=older).status_code == 201
