"""Certificates at a real central process (issue 20, item 4): issued from the registry over HTTP, checked by the
public ``/verify`` endpoint and by ``sicounter central verify`` run as a subprocess.

The PDF here is a stand-in of bytes (the terminal's drawing is tested in tests/app/test_certificate.py): what
the central system checks is the hash of whatever was registered.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from central.process import CentralServerProcess
from protocol.certificates import ALPHABET, format_code

from .registry_rows import HOLDER, LOST_CARD, STRANGER, UNIT_NAME, add_registry

DOCUMENT = b"%PDF-1.4 stand-in certificate body " + bytes(range(256)) * 8


def _body(kind: str = "insurance", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": str(uuid.uuid4()), "kind": kind, "id_number": HOLDER, "clerk_id": "1001",
                            "presence": {"kind": "card_read"}, "created_at": "2026-12-06T09:30:00+08:00"}
    if kind == "payment":
        body |= {"period_start": "2025-01", "period_end": "2025-12"}
    return body | overrides


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Any:
    directory = tmp_path_factory.mktemp("certificates")
    db = directory / "central.sqlite3"
    add_registry(db)
    server = CentralServerProcess.start(db, stderr_path=directory / "central.log")
    from central.store import add_terminal

    token = add_terminal(db, "T-CERT-01")
    client = httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=15)
    yield server, client
    client.close()
    server.stop()


def _issued(client: httpx.Client, document: bytes = DOCUMENT, **overrides: Any) -> dict[str, Any]:
    answer = client.post("/v1/certificates", json=_body(**overrides))
    assert answer.status_code == 201, answer.text
    issued = answer.json()
    registered = client.put(f"/v1/certificates/{issued['code']}/document",
                            json={"sha256": hashlib.sha256(document).hexdigest(), "size": len(document)})
    assert registered.status_code == 200, registered.text
    return issued  # type: ignore[no-any-return]


def _verify_cli(db: Path, code: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "central", "verify", code, "--db", str(db), *extra],
                          capture_output=True, text=True, timeout=60, check=False)


def _change(code: str, at: int) -> str:
    """``code`` with one symbol replaced by the next one of the alphabet."""
    return code[:at] + ALPHABET[(ALPHABET.index(code[at]) + 1) % 32] + code[at + 1:]


def test_an_issued_certificate_verifies_over_http_with_its_masked_facts(office: Any) -> None:
    server, client = office
    issued = _issued(client)
    assert issued["facts"]["name"] == "王建国" and issued["verify_url"].endswith(f"/verify/{issued['code']}")
    pension = next(i for i in issued["facts"]["insurances"] if i["insurance"] == "pension")
    assert (pension["status"], pension["since"], pension["unit_name"], pension["months"]) == \
        ("insured", "2008-03", UNIT_NAME, 94 + 128)
    check = httpx.get(f"{server.base_url}/verify/{format_code(issued['code'])}", params={"format": "json"}).json()
    assert check["result"] == "valid" and check["valid"] is True
    assert check["name_masked"] == "王*国" and HOLDER not in str(check)
    assert check["id_number_masked"] == HOLDER[:3] + "*" * 13 + HOLDER[-2:]
    assert any("企业职工基本养老保险：参保缴费，2008-03 起" in line for line in check["lines"])
    page = httpx.get(f"{server.base_url}/verify/{issued['code']}")  # a phone scanning the QR code gets a page
    assert page.status_code == 200 and "验证通过" in page.text and "王*国" in page.text and HOLDER not in page.text


def test_the_registered_file_verifies_and_a_changed_byte_fails(office: Any) -> None:
    server, client = office
    issued = _issued(client)
    url = f"{server.base_url}/verify/{issued['code']}"
    same = httpx.post(url, content=DOCUMENT, params={"format": "json"}).json()
    assert same["result"] == "valid" and same["document_checked"] is True
    changed = bytearray(DOCUMENT)
    changed[len(changed) // 2] ^= 0x01
    altered = httpx.post(url, content=bytes(changed), params={"format": "json"}).json()
    assert altered["result"] == "document_mismatch" and altered["valid"] is False


def test_a_changed_character_in_the_code_is_told_apart_from_an_unknown_code(office: Any) -> None:
    server, client = office
    code = _issued(client)["code"]
    for at in range(len(code)):  # every single mistyped symbol is caught by the check symbol
        answer = httpx.get(f"{server.base_url}/verify/{_change(code, at)}", params={"format": "json"}).json()
        assert answer["result"] == "malformed", at
    from protocol.certificates import new_code

    unknown = new_code(bytes(10))  # well formed, never issued
    answer = httpx.get(f"{server.base_url}/verify/{unknown}", params={"format": "json"}).json()
    assert answer["result"] == "unknown" and "查无此验证码" in answer["message"]


def test_the_cli_says_valid_and_invalid_by_its_exit_status(office: Any, tmp_path: Path) -> None:
    server, client = office
    issued = _issued(client)
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(DOCUMENT)
    valid = _verify_cli(server.db_path, format_code(issued["code"]).lower(), "--file", str(pdf))
    assert valid.returncode == 0, valid.stderr
    assert valid.stdout.startswith("valid") and "王*国" in valid.stdout and HOLDER not in valid.stdout
    pdf.write_bytes(DOCUMENT + b"\n")
    assert _verify_cli(server.db_path, issued["code"], "--file", str(pdf)).returncode == 1
    assert _verify_cli(server.db_path, _change(issued["code"], 3)).returncode == 1
    over_http = _verify_cli(server.db_path, issued["code"], "--url", server.base_url, "--json")
    assert over_http.returncode == 0 and '"result": "valid"' in over_http.stdout


def test_a_revoked_certificate_fails(office: Any) -> None:
    server, client = office
    code = _issued(client)["code"]
    revoked = subprocess.run([sys.executable, "-m", "central", "revoke-certificate", code, "--reason", "出具有误",
                              "--db", str(server.db_path)], capture_output=True, text=True, timeout=60, check=False)
    assert revoked.returncode == 0, revoked.stderr
    answer = httpx.get(f"{server.base_url}/verify/{code}", params={"format": "json"}).json()
    assert answer["result"] == "revoked" and not answer["valid"]
    assert _verify_cli(server.db_path, code).returncode == 1


def test_a_certificate_without_its_document_does_not_verify(office: Any) -> None:
    server, client = office
    issued = client.post("/v1/certificates", json=_body()).json()
    answer = httpx.get(f"{server.base_url}/verify/{issued['code']}", params={"format": "json"}).json()
    assert answer["result"] == "no_document"


def test_a_second_document_for_a_certificate_is_refused(office: Any) -> None:
    _server, client = office
    code = _issued(client)["code"]
    other = client.put(f"/v1/certificates/{code}/document", json={"sha256": "0" * 64, "size": 10})
    assert other.status_code == 409 and other.json()["error"]["code"] == "document_conflict"


def test_a_payment_certificate_counts_the_months_paid_in_the_period(office: Any) -> None:
    _server, client = office
    facts = _issued(client, kind="payment", period_start="2015-07", period_end="2026-10")["facts"]
    totals = {t["insurance"]: t["months"] for t in facts["totals"]}
    # 2015-07..2015-12: 6 months; 2016-01..2026-10: 128 of 130 paid (the owed ones are the last two)
    assert totals == dict.fromkeys(("pension", "medical", "unemployment", "injury", "maternity"), 6 + 128)
    pension = [p for p in facts["periods"] if p["insurance"] == "pension"]
    assert [(p["start_month"], p["end_month"], p["months"], p["base"]) for p in pension] == \
        [("2015-07", "2015-12", 6, "3000.00"), ("2016-01", "2026-08", 128, "5200.00")]


def test_issuing_is_idempotent_by_the_terminal_made_id(office: Any) -> None:
    _server, client = office
    body = _body()
    first = client.post("/v1/certificates", json=body)
    again = client.post("/v1/certificates", json=body)
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["code"] == again.json()["code"]
    other = client.post("/v1/certificates", json=body | {"kind": "payment", "period_start": "2020-01",
                                                         "period_end": "2020-12"})
    assert other.status_code == 409


def test_a_person_not_in_the_registry_gets_no_certificate(office: Any) -> None:
    _server, client = office
    answer = client.post("/v1/certificates", json=_body(id_number=STRANGER))
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_registered"


def test_issuing_needs_the_terminals_token_and_verifying_does_not(office: Any) -> None:
    server, _client = office
    assert httpx.post(f"{server.base_url}/v1/certificates", json=_body()).status_code == 401
    assert httpx.get(f"{server.base_url}/verify/{'0' * 17}", params={"format": "json"}).status_code == 200



def test_a_lost_card_does_not_prove_the_person_present_but_their_id_card_does(office: Any) -> None:
    _server, client = office
    refused = client.post("/v1/certificates", json=_body(id_number=LOST_CARD))
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "card_not_valid"
    by_id_card = client.post("/v1/certificates", json=_body(id_number=LOST_CARD, presence={"kind": "id_card_read"}))
    assert by_id_card.status_code == 201 and by_id_card.json()["facts"]["insured_category"] == "flexible"


def test_the_verification_link_uses_the_public_address_when_one_is_configured(tmp_path: Path) -> None:
    db = tmp_path / "central.sqlite3"
    add_registry(db)
    server = CentralServerProcess.start(db, stderr_path=tmp_path / "central.log",
                                        extra_args=("--public-url", "https://si.example.gov.cn/"))
    try:
        from central.store import add_terminal

        token = add_terminal(db, "T-CERT-02")
        answer = httpx.post(f"{server.base_url}/v1/certificates", json=_body(),
                            headers={"Authorization": f"Bearer {token}"}).json()
        assert answer["verify_url"] == f"https://si.example.gov.cn/verify/{answer['code']}"
    finally:
        server.stop()
