"""Tiered review at the reference central system, over real HTTP to a real server process.

The central system computes a case's tier from its own form definitions (the shipped ones here) and the
body's values, and refuses, per item and in Chinese, a submission whose tier needs signatures it does not
carry or whose signers are the submitter or each other. A case sent as 待复核 is kept awaiting review,
listed to the terminals of the same office, fetched whole with its materials, signed there (or returned),
and accepted after the last step, which the submitting terminal hears through its status feed.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from central.process import CentralServerProcess
from central.store import add_terminal

Body = Callable[..., dict[str, Any]]
SUBMITTER = "1001"
RETIREMENT_PAYLOAD = {"id_type": "01", "id_number": "110105194912310021", "name": "王建国",
                      "insured_category": "employee"}
BATCH = "application/x-sicounter-blob-batch"


def connect(server: CentralServerProcess, token: str) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60.0)


def signature(step: str, clerk: str, terminal: str = "T-X") -> dict[str, str]:
    return {"step": step, "clerk_id": clerk, "terminal_id": terminal, "signed_at": "2026-12-06T09:00:00+08:00"}


def retirement(body_for: Body, terminal_id: str, review: dict[str, Any] | None, **payload: Any) -> dict[str, Any]:
    body = body_for(terminal_id, item_code="retirement_approval", version=3, clerk_id=SUBMITTER,
                    payload={**RETIREMENT_PAYLOAD, **payload})
    if review is not None:
        body["review"] = review
    return body


@pytest.fixture
def office(central: CentralServerProcess) -> Iterator[Callable[[str], tuple[str, httpx.Client]]]:
    """Terminals registered in one fresh office of the shared server: ``join(label)`` → (id, client)."""
    name = f"大厅-{uuid.uuid4().hex[:6]}"
    clients: list[httpx.Client] = []

    def join(label: str, in_office: str | None = None) -> tuple[str, httpx.Client]:
        terminal_id = f"T-{label}-{uuid.uuid4().hex[:8]}"
        client = connect(central, add_terminal(central.db_path, terminal_id, office=in_office or name))
        clients.append(client)
        return terminal_id, client

    yield join
    for client in clients:
        client.close()


UNSIGNED = {"tier": "review_approval"}
HALF = {"tier": "review_approval", "signatures": [signature("review", "2001")]}
SELF_SIGNED = {"tier": "review_approval", "signatures": [signature("review", SUBMITTER), signature("approval", "3001")]}
ONE_SIGNER = {"tier": "review_approval", "signatures": [signature("review", "2001"), signature("approval", "2001")]}
CLAIMS_LESS = {"tier": "review", "signatures": [signature("review", "2001")]}  # the central's tier is higher
SIGNED = {"tier": "review_approval", "signatures": [signature("review", "2001"), signature("approval", "3001")]}

REFUSED = [("unsigned", UNSIGNED, "缺少复核、审批签字"), ("no review at all", None, "缺少复核、审批签字"),
           ("half-signed", HALF, "缺少审批签字"), ("self-signed", SELF_SIGNED, "本人受理"),
           ("one clerk signs both", ONE_SIGNER, "同一柜员"), ("a lower tier claimed", CLAIMS_LESS, "缺少审批签字")]


def test_a_high_tier_submission_without_its_signatures_is_refused_per_item(
        central: CentralServerProcess, office: Any, body_for: Body) -> None:
    terminal_id, client = office("A")
    bodies = [retirement(body_for, terminal_id, review) for _, review, _ in REFUSED]
    legacy = retirement(body_for, terminal_id, None, _approved_by="2001")  # one approver, as stored before tiers
    signed = retirement(body_for, terminal_id, SIGNED)
    plain = body_for(terminal_id)  # an item the central system has no tier for
    answer = client.post("/v1/submissions/batch", json={"submissions": [*bodies, legacy, signed, plain]})
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    for (label, _, why), result in zip([*REFUSED, ("legacy", None, "缺少审批签字")], results, strict=False):
        assert not result["ok"], label
        assert (result["status_code"], result["error"]["code"]) == (422, "review_incomplete"), label
        assert why in result["error"]["message"], (label, result["error"]["message"])
    assert [r["ok"] for r in results[-2:]] == [True, True]
    assert results[-2]["answer"]["status"] == "accepted"
    # the single endpoint answers the same, never 500
    alone = client.post("/v1/submissions", json=retirement(body_for, terminal_id, HALF))
    assert alone.status_code == 422 and alone.json()["error"]["code"] == "review_incomplete"
    # a refused one was not stored: once signed, the same id goes through
    fixed = {**bodies[0], "review": SIGNED}
    assert client.post("/v1/submissions", json=fixed).status_code == 201


def test_the_tier_comes_from_the_values_as_the_central_system_reads_them(
        central: CentralServerProcess, office: Any, body_for: Body) -> None:
    """A refund above 50000 needs 复核 and 审批 whatever tier the terminal claims."""
    terminal_id, client = office("A")
    refund = body_for(terminal_id, item_code="overpaid_refund", version=3, clerk_id=SUBMITTER,
                      payload={"id_number": "110105194912310021", "name": "李秀英", "refund_amount": "60000.00"},
                      review={"tier": "none"})
    refused = client.post("/v1/submissions", json=refund)
    assert refused.status_code == 422 and "审批" in refused.json()["error"]["message"]
    small = {**refund, "id": str(uuid.uuid4()), "payload": {**refund["payload"], "refund_amount": "100.00"}}
    assert client.post("/v1/submissions", json=small).status_code == 201


def _upload(client: httpx.Client, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    answer = client.post("/v1/blobs/batch", content=f"{sha} {len(data)} application/pdf\n".encode() + data,
                         headers={"Content-Type": BATCH})
    assert answer.status_code == 200 and answer.json()["blobs"][0]["complete"], answer.text
    return sha


def test_a_case_awaiting_review_is_signed_on_another_terminal_of_the_office(
        central: CentralServerProcess, office: Any, body_for: Body) -> None:
    first_id, first = office("A")
    second_id, second = office("B")
    _elsewhere_id, elsewhere = office("C", in_office=f"其他大厅-{uuid.uuid4().hex[:6]}")
    scan = b"%PDF-1.4 scan of the retiree's ID card"
    sha = _upload(first, scan)
    body = retirement(body_for, first_id, {"tier": "review_approval", "reasons": [], "signatures": [],
                                           "awaiting_review": True},
                      _provenance={"id_number": "id_reader"})
    body["attachments"] = [{"material_key": "identity_document", "sha256": sha, "size": len(scan),
                            "media_type": "application/pdf", "pages": 1}]
    sent = first.post("/v1/submissions", json=body)
    assert sent.status_code == 201 and sent.json()["status"] == "awaiting_review", sent.text
    sid = body["id"]

    listed = second.get("/v1/reviews").json()["cases"]
    [case] = [c for c in listed if c["submission_id"] == sid]
    assert (case["tier"], case["next_step"], case["clerk_id"]) == ("review_approval", "review", SUBMITTER)
    assert case["applicant_name"] == "王建国" and case["applicant_id_masked"] != RETIREMENT_PAYLOAD["id_number"]
    assert sid not in {c["submission_id"] for c in elsewhere.get("/v1/reviews").json()["cases"]}
    assert elsewhere.get(f"/v1/reviews/{sid}").status_code == 404  # another office's case is not there

    whole = second.get(f"/v1/reviews/{sid}").json()
    assert whole["payload"]["_provenance"] == {"id_number": "id_reader"} and whole["attachments"][0]["sha256"] == sha
    assert second.get(f"/v1/reviews/{sid}/blobs/{sha}").content == scan
    assert second.get(f"/v1/reviews/{sid}/blobs/{'0' * 64}").status_code == 404

    def sign(step: str, clerk: str) -> httpx.Response:
        return second.post(f"/v1/reviews/{sid}/signatures",
                           json={"step": step, "clerk_id": clerk, "signed_at": "2026-12-06T10:00:00+08:00"})

    own = sign("review", SUBMITTER)
    assert own.status_code == 409 and "本人受理" in own.json()["error"]["message"]
    early = sign("approval", "3001")
    assert early.status_code == 409 and "复核" in early.json()["error"]["message"]
    reviewed = sign("review", "2001")
    assert reviewed.status_code == 200 and reviewed.json()["next_step"] == "approval"
    assert sign("review", "2001").json()["next_step"] == "approval"  # a repeat (lost answer) changes nothing
    twice = sign("approval", "2001")
    assert twice.status_code == 409 and "同一柜员" in twice.json()["error"]["message"]
    assert first.get(f"/v1/submissions/{sid}").json()["status"] == "awaiting_review"
    done = sign("approval", "3001")
    assert done.status_code == 200 and done.json()["status"] == "accepted" and done.json()["next_step"] is None
    assert [(g["step"], g["clerk_id"], g["terminal_id"]) for g in done.json()["signatures"]] == [
        ("review", "2001", second_id), ("approval", "3001", second_id)]

    feed = first.get("/v1/status-feed").json()["events"]
    assert [e["status"] for e in feed if e["submission_id"] == sid] == ["awaiting_review", "accepted"]
    assert second.get(f"/v1/reviews/{sid}").status_code == 404
    assert sid not in {c["submission_id"] for c in second.get("/v1/reviews").json()["cases"]}


def test_a_reviewer_returns_a_case_with_a_reason(central: CentralServerProcess, office: Any, body_for: Body) -> None:
    first_id, first = office("A")
    _, second = office("B")
    body = retirement(body_for, first_id, {"tier": "review_approval", "awaiting_review": True})
    assert first.post("/v1/submissions", json=body).json()["status"] == "awaiting_review"
    sid = body["id"]
    own = second.post(f"/v1/reviews/{sid}/return", json={"clerk_id": SUBMITTER, "reason": "材料不全"})
    assert own.status_code == 409
    back = second.post(f"/v1/reviews/{sid}/return", json={"clerk_id": "2001", "reason": "身份证复印件不清晰"})
    assert back.status_code == 200 and back.json()["status"] == "returned"
    [event] = [e for e in first.get("/v1/status-feed").json()["events"]
               if e["submission_id"] == sid and e["status"] == "returned"]
    assert event["reason"] == "身份证复印件不清晰"


def test_a_central_reviewer_signs_by_command_line(central: CentralServerProcess, office: Any,
                                                  body_for: Body) -> None:
    first_id, first = office("A")
    body = retirement(body_for, first_id, {"tier": "review_approval", "signatures": [signature("review", "2001")],
                                           "awaiting_review": True})
    assert first.post("/v1/submissions", json=body).json()["status"] == "awaiting_review"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "central", *args, "--db", str(central.db_path)],
                              capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[2])

    listed = cli("awaiting-review", "--json")
    assert listed.returncode == 0, listed.stderr
    [case] = [c for c in json.loads(listed.stdout) if c["submission_id"] == body["id"]]
    assert case["next_step"] == "approval"
    refused = cli("review", body["id"], "--sign", "approval", "--clerk", "2001")
    assert refused.returncode == 2 and "同一柜员" in refused.stderr  # refused on its input (core.cli)
    signed = cli("review", body["id"], "--sign", "approval", "--clerk", "9001")
    assert signed.returncode == 0 and "accepted" in signed.stdout, signed.stderr
    assert first.get(f"/v1/submissions/{body['id']}").json()["status"] == "accepted"


def test_a_body_stored_before_tiers_counts_its_approver_as_the_review(
        central: CentralServerProcess, office: Any, body_for: Body) -> None:
    """Resent byte-identical from an older release: ``_approved_by`` in the payload is the 复核 signature."""
    terminal_id, client = office("A")
    body = body_for(terminal_id, item_code="benefit_suspension", version=2, clerk_id=SUBMITTER,
                    payload={"id_number": "110105194912310021", "_approved_by": "2001"})
    assert client.post("/v1/submissions", json=body).status_code == 201
    assert client.post("/v1/submissions", json=body).status_code == 200  # a resend is a duplicate, as ever
    own = body_for(terminal_id, item_code="benefit_suspension", version=2, clerk_id=SUBMITTER,
                   payload={"id_number": "110105194912310021", "_approved_by": SUBMITTER})
    assert client.post("/v1/submissions", json=own).json()["error"]["code"] == "review_incomplete"
    listed = subprocess.run([sys.executable, "-m", "central", "list-submissions", "--json", "--db",
                             str(central.db_path)], capture_output=True, text=True, timeout=60, check=True)
    [stored] = [r for r in json.loads(listed.stdout) if r["id"] == body["id"]]
    assert stored["review"]["tier"] == "review"
    assert [(g["step"], g["clerk_id"]) for g in stored["review"]["signatures"]] == [("review", "2001")]
