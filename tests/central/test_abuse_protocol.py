"""Abuse suite, the protocol's inputs (issue 17, item 2): every malformed input is a 4xx in the protocol's
error shape, never a 500, and one bad item of a batch fails alone.

Each case is sent as raw bytes to a real ``python -m central serve`` process (one per module).
"""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from central.process import CentralServerProcess
from central.store import CentralStore
from protocol.audit import GENESIS, entry_hash

Body = Callable[..., dict[str, Any]]
MakeTerminal = Callable[[], tuple[str, str]]
JSON = {"Content-Type": "application/json"}

PDF = "application/pdf"  # the blob media types are an allowlist (protocol.models.BLOB_MEDIA_TYPES)


def connect(server: CentralServerProcess, token: str) -> httpx.Client:
    # No keep-alive: an answer that closes the connection must not make the next request fail.
    return httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30.0,
                        limits=httpx.Limits(max_keepalive_connections=0))


def assert_error(response: httpx.Response, status: int, code: str = "validation_error") -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    return str(body["error"]["message"])


def raw(body: dict[str, Any]) -> str:
    """The body as JSON text; ``ensure_ascii`` writes a lone surrogate as the escape ``\\ud800``."""
    return json.dumps(body, ensure_ascii=True)


def stored(central: CentralServerProcess, terminal_id: str) -> list[str]:
    with CentralStore.open(central.db_path) as store:
        return [r.id for r in store.list_submissions() if r.terminal_id == terminal_id]


def test_a_lone_surrogate_in_one_batch_item_fails_that_item_alone(
        central: CentralServerProcess, make_terminal: MakeTerminal, body_for: Body) -> None:
    terminal_id, token = make_terminal()
    good = [body_for(terminal_id) for _ in range(3)]
    bad = body_for(terminal_id, payload={"name": "张\ud800三", "months": 180})
    with connect(central, token) as client:
        answer = client.post("/v1/submissions/batch", content=raw({"submissions": [good[0], good[1], bad, good[2]]}),
                             headers=JSON)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["status_code"] for r in results] == [201, 201, 422, 201]
    assert results[2]["id"] == bad["id"] and results[2]["error"]["code"] == "validation_error"
    assert "payload.name" in results[2]["error"]["message"]
    assert sorted(stored(central, terminal_id)) == sorted(b["id"] for b in good)


def test_a_batch_item_whose_id_cannot_be_answered_gets_a_null_id(
        central: CentralServerProcess, make_terminal: MakeTerminal, body_for: Body) -> None:
    terminal_id, token = make_terminal()
    good = body_for(terminal_id)
    with connect(central, token) as client:
        answer = client.post("/v1/submissions/batch", headers=JSON, content=raw(
            {"submissions": [body_for(terminal_id, id="\ud800"), body_for(terminal_id, id="x" * 10_000), good]}))
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [(r["id"], r["status_code"]) for r in results] == [(None, 422), (None, 422), (good["id"], 201)]


@pytest.mark.parametrize("field, value", [
    ("version", 2**63), ("version", 2**31), ("version", -(2**63) - 1), ("case_version", 2**63),
    ("case_version", 2**31)])
def test_integers_beyond_their_column_are_422(central: CentralServerProcess, make_terminal: MakeTerminal,
                                              body_for: Body, field: str, value: int) -> None:
    terminal_id, token = make_terminal()
    with connect(central, token) as client:
        alone = client.post("/v1/submissions", content=raw(body_for(terminal_id, **{field: value})), headers=JSON)
        batch = client.post("/v1/submissions/batch", headers=JSON, content=raw(
            {"submissions": [body_for(terminal_id, **{field: value}), body_for(terminal_id)]}))
    assert_error(alone, 422)
    assert [r["status_code"] for r in batch.json()["results"]] == [422, 201]


def test_the_largest_integer_a_column_holds_is_taken(central: CentralServerProcess, make_terminal: MakeTerminal,
                                                      body_for: Body) -> None:
    terminal_id, token = make_terminal()
    body = body_for(terminal_id, version=2**31 - 1, payload={"big": 2**63 - 1, "small": -(2**63)})
    with connect(central, token) as client:
        assert client.post("/v1/submissions", content=raw(body), headers=JSON).status_code == 201


def test_sizes_and_sequence_numbers_beyond_64_bits_are_422(central: CentralServerProcess,
                                                           make_terminal: MakeTerminal, body_for: Body) -> None:
    terminal_id, token = make_terminal()
    attachment = {"material_key": "id_card", "sha256": "a" * 64, "size": 2**63, "media_type": "image/jpeg",
                  "pages": 1}
    with connect(central, token) as client:
        assert_error(client.post("/v1/submissions", headers=JSON,
                                 content=raw(body_for(terminal_id, attachments=[attachment]))), 422)
        assert_error(client.post("/v1/submissions", headers=JSON, content=raw(
            body_for(terminal_id, attachments=[{**attachment, "size": 1, "pages": 2**31}]))), 422)
        assert_error(client.post("/v1/blobs", json={"sha256": "b" * 64, "size": 2**63, "media_type": PDF}), 422)
        assert_error(client.post("/v1/audit/batch", json={"entries": [_audit_entry(seq=2**53)]}), 422)
        assert_error(client.get("/v1/status-feed", params={"limit": str(2**63)}), 422)


def test_since_of_superscript_two_is_422(central: CentralServerProcess, make_terminal: MakeTerminal) -> None:
    _terminal_id, token = make_terminal()
    with connect(central, token) as client:
        for since in ("²", "١٢", "1" * 19, "-1", " 1"):
            assert_error(client.get("/v1/status-feed", params={"since": since}), 422)
        assert client.get("/v1/status-feed", params={"since": "9" * 18}).status_code == 200


def test_upload_offset_of_superscript_two_is_422(central: CentralServerProcess, make_terminal: MakeTerminal) -> None:
    _terminal_id, token = make_terminal()
    sha = "c" * 64
    with connect(central, token) as client:
        assert client.post("/v1/blobs", json={"sha256": sha, "size": 3, "media_type": PDF}).status_code == 201
        for offset in (b"\xb2", "١".encode(), b"1" * 19, b"-1"):  # \xb2 is "²" as the server reads headers
            answer = client.patch(f"/v1/blobs/{sha}", content=b"abc", headers={
                "Upload-Offset": offset, "Content-Type": "application/offset+octet-stream"})
            assert_error(answer, 422)
        assert client.get(f"/v1/blobs/{sha}").json()["received"] == 0


@pytest.mark.parametrize("length", [b"\xb2", b"-1", b"1e3", b"3, 4", b"9" * 30, b"0x3"])
def test_a_malformed_content_length_is_400_from_the_http_layer(central: CentralServerProcess,
                                                              make_terminal: MakeTerminal, length: bytes) -> None:
    """The HTTP server refuses such a request before the app sees it (a plain 400, not our shape: no app
    code runs); what matters is that it is a 4xx and the server goes on serving."""
    _terminal_id, token = make_terminal()
    host, port = central.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(b"POST /v1/blobs/batch HTTP/1.1\r\nHost: central\r\nAuthorization: Bearer " + token.encode()
                           + b"\r\nContent-Type: application/x-sicounter-blob-batch\r\nContent-Length: " + length
                           + b"\r\nConnection: close\r\n\r\n{}")
        status_line = connection.recv(200).split(b"\r\n")[0]
    assert status_line.startswith(b"HTTP/1.1 400"), status_line
    with connect(central, token) as client:
        assert client.get("/v1/audit/head").status_code == 200


def test_invalid_utf8_body_is_422(central: CentralServerProcess, make_terminal: MakeTerminal,
                                  body_for: Body) -> None:
    terminal_id, token = make_terminal()
    body = raw(body_for(terminal_id, payload={"name": "XX"})).encode().replace(b"XX", b"\xff\xfe")
    with connect(central, token) as client:
        for path in ("/v1/submissions", "/v1/submissions/batch", "/v1/blobs", "/v1/audit/batch"):
            assert "UTF-8" in assert_error(client.post(path, content=body, headers=JSON), 422)
        encoded_surrogate = raw(body_for(terminal_id, payload={"name": "XX"})).encode().replace(b"XX", b"\xed\xa0\x80")
        assert_error(client.post("/v1/submissions", content=encoded_surrogate, headers=JSON), 422)
    assert stored(central, terminal_id) == []


def test_deep_nesting_is_422(central: CentralServerProcess, make_terminal: MakeTerminal, body_for: Body) -> None:
    terminal_id, token = make_terminal()

    def nested(levels: int) -> Any:
        value: Any = "x"
        for _ in range(levels):
            value = {"a": value}
        return value

    with connect(central, token) as client:
        for body in (b"[" * 100_000 + b"]" * 100_000, b"[" * 100_000, b'{"a":' * 50_000):
            assert_error(client.post("/v1/submissions", content=body, headers=JSON), 422)
        too_deep = body_for(terminal_id, payload={"deep": nested(16)})  # the payload is 17 levels deep
        assert "nested more than 16" in assert_error(
            client.post("/v1/submissions", content=raw(too_deep), headers=JSON), 422)
        batch = client.post("/v1/submissions/batch", headers=JSON,
                            content=raw({"submissions": [too_deep, body_for(terminal_id)]}))
        assert [r["status_code"] for r in batch.json()["results"]] == [422, 201]
        deepest = body_for(terminal_id, payload={"deep": nested(15)})
        assert client.post("/v1/submissions", content=raw(deepest), headers=JSON).status_code == 201


@pytest.mark.parametrize("literal", ["1e400", "-1e400", "NaN", "Infinity", "-Infinity"])
def test_numbers_that_are_not_finite_are_422(central: CentralServerProcess, make_terminal: MakeTerminal,
                                             body_for: Body, literal: str) -> None:
    terminal_id, token = make_terminal()
    bad = raw(body_for(terminal_id, payload={"wage": "WAGE"})).replace('"WAGE"', literal)
    good = raw(body_for(terminal_id))
    with connect(central, token) as client:
        assert "not finite" in assert_error(client.post("/v1/submissions", content=bad, headers=JSON), 422)
        batch = client.post("/v1/submissions/batch", content=f'{{"submissions": [{bad}, {good}]}}', headers=JSON)
    assert [r["status_code"] for r in batch.json()["results"]] == [422, 201]


def test_a_huge_integer_in_the_payload_is_422(central: CentralServerProcess, make_terminal: MakeTerminal,
                                              body_for: Body) -> None:
    terminal_id, token = make_terminal()
    with connect(central, token) as client:
        for digits in ("9" * 5000, "-" + "9" * 5000, str(2**63)):
            bad = raw(body_for(terminal_id, payload={"n": "N"})).replace('"N"', digits)
            assert "64 bits" in assert_error(client.post("/v1/submissions", content=bad, headers=JSON), 422)


def test_a_repeated_key_is_422(central: CentralServerProcess, make_terminal: MakeTerminal, body_for: Body) -> None:
    terminal_id, token = make_terminal()
    body = raw(body_for(terminal_id, payload={"name": "张三"}))
    repeated = body.replace('"payload": {', '"payload": {"name": "李四", ')
    with connect(central, token) as client:
        assert "repeats a key" in assert_error(client.post("/v1/submissions", content=repeated, headers=JSON), 422)
    assert stored(central, terminal_id) == []


def test_nul_control_characters_and_overlong_strings_are_422(central: CentralServerProcess, make_terminal: MakeTerminal,
                                          body_for: Body) -> None:
    terminal_id, token = make_terminal()
    cases = [body_for(terminal_id, clerk_id="c\u0000"), body_for(terminal_id, clerk_id="c\nINFO forged log line"),
             body_for(terminal_id, item_code="x\u0085"), body_for(terminal_id, payload={"a\u0000": 1}),
             body_for(terminal_id, payload={"a": "\u0000"}),
             body_for(terminal_id, created_at="2026-11-23T09:30:00" + " " * 30),
             body_for(terminal_id, payload={"a": "x" * 65_537}), body_for(terminal_id, payload={"k" * 257: 1}),
             body_for(terminal_id, payload={"\udfff": 1})]
    with connect(central, token) as client:
        for body in cases:
            assert_error(client.post("/v1/submissions", content=raw(body), headers=JSON), 422)
    assert stored(central, terminal_id) == []


def test_a_surrogate_or_nul_in_a_path_is_404_not_500(central: CentralServerProcess,
                                                      make_terminal: MakeTerminal) -> None:
    _terminal_id, token = make_terminal()
    bad_ids = ["%ED%A0%80", "a%00b", "%00", "%FF", "6f1c0a52-8c1d-4f35-9b7e-2f6c1c4a9d1%00", "x" * 5000]
    with connect(central, token) as client:
        for bad in bad_ids:
            assert_error(client.get(f"/v1/submissions/{bad}"), 404, "not_found")
            assert_error(client.get(f"/v1/reviews/{bad}"), 404, "not_found")
            assert_error(client.get(f"/v1/reviews/{bad}/blobs/{'a' * 64}"), 404, "not_found")
            assert_error(client.post(f"/v1/reviews/{bad}/return", json={"clerk_id": "1", "reason": "r"}),
                         404, "not_found")
            assert_error(client.get(f"/v1/reference/{bad}"), 404, "not_found")
        for name in ("figures-%D9%A1%D9%A1", "figures-61%0A", "forms%00"):
            assert_error(client.get(f"/v1/reference/{name}"), 404, "not_found")
        assert_error(client.get(f"/v1/blobs/{'a' * 63}%00"), 422)


def _audit_entry(**overrides: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"seq": 1, "at": "2026-12-06T02:00:01.000000+00:00", "clerk_id": "1001",
                             "action": "sign_in", "subject": None, "person_key": None, "detail": "{}"}
    entry.update(overrides)
    entry["prev_hash"] = GENESIS
    try:
        entry["hash"] = entry_hash(GENESIS, entry["at"], entry["clerk_id"], entry["action"], entry["subject"],
                                   entry["person_key"], entry["detail"])
    except UnicodeEncodeError:  # a lone surrogate cannot even be hashed: any hash will do
        entry["hash"] = "e" * 64
    return entry


def test_reviews_audit_and_blob_bodies_hold_the_same_rules(central: CentralServerProcess,
                                                           make_terminal: MakeTerminal) -> None:
    _terminal_id, token = make_terminal()
    case = str(uuid.uuid4())
    sign = {"step": "review", "clerk_id": "2001", "signed_at": "2026-12-06T09:12:00+00:00"}
    with connect(central, token) as client:
        for body in ({**sign, "clerk_id": "2\ud8001"}, {**sign, "signed_at": "\u0000"}, {**sign, "extra\ud800": 1}):
            assert_error(client.post(f"/v1/reviews/{case}/signatures", content=raw(body), headers=JSON), 422)
        for body in ({"clerk_id": "2001", "reason": "\udc00"}, {"clerk_id": "2001", "reason": "a\u0000"}):
            assert_error(client.post(f"/v1/reviews/{case}/return", content=raw(body), headers=JSON), 422)
        for detail in ('{"a":"\\ud800"}', "not json", "[1]", '{"a":1e400}', '{"a":1,"a":2}',
                       '{"a":' * 20 + "1" + "}" * 20):
            assert_error(client.post("/v1/audit/batch", content=raw({"entries": [_audit_entry(detail=detail)]}),
                                     headers=JSON), 422)
        assert_error(client.post("/v1/audit/batch", headers=JSON,
                                 content=raw({"entries": [_audit_entry(action="sign\ud800in")]})), 422)
        assert_error(client.post("/v1/blobs/states", content=raw({"sha256": ["a" * 63 + "\ud800"]}), headers=JSON),
                     422)
        assert_error(client.post("/v1/blobs", headers=JSON,
                                 content=raw({"sha256": "d" * 64, "size": 1, "media_type": "image/\ud800"})), 422)
        assert client.post("/v1/audit/batch", json={"entries": [_audit_entry(detail='{"n":1}')]}).status_code == 200


def test_the_server_logged_no_unexpected_error(central: CentralServerProcess) -> None:
    """Runs last in this module: nothing above reached the catch-all handler."""
    assert central.stderr_path is not None
    log = central.stderr_path.read_text(encoding="utf-8", errors="replace")
    assert "unexpected" not in log and "Traceback" not in log


#: one value each that a column of PostgreSQL (or SQLite) would choke on, as overrides of a good body
_POISON: dict[str, dict[str, Any]] = {
    "lone surrogate": {"payload": {"name": "张\ud800三"}},
    "NUL in a string": {"payload": {"name": "张\u0000三"}},
    "NUL in a key": {"payload": {"na\u0000me": "张三"}},
    "version 2**63": {"version": 2**63},
    "version 2**31": {"version": 2**31},
    "time of 41 characters": {"created_at": "2026-11-23T09:30:00.000000+08:00" + "0" * 9},
    "an id that is no UUID": {"id": "x" * 65},
    "pages 2**31": {"attachments": [{"material_key": "id_card", "sha256": "a" * 64, "size": 1,
                                     "media_type": PDF, "pages": 2**31}]},
}


def test_values_no_database_column_holds_fail_alone_on_sqlite_and_postgresql(backend: Any, body_for: Body) -> None:
    """What one backend stores and the other refuses (PostgreSQL: NUL in text, integers past their column,
    times past 40 characters) is refused by the schema on both, item by item, never a 500."""
    terminal_id, token = backend.add_terminal()
    good = [body_for(terminal_id) for _ in range(2)]
    poisoned = [body_for(terminal_id, **overrides) for overrides in _POISON.values()]
    with backend.client(token) as client:
        for name, body in zip(_POISON, poisoned, strict=True):
            alone = client.post("/v1/submissions", headers=JSON, content=raw(body))
            assert alone.status_code == 422, (name, alone.text)
        answer = client.post("/v1/submissions/batch", headers=JSON,
                             content=raw({"submissions": [good[0], *poisoned, good[1]]}))
        assert answer.status_code == 200, answer.text
        codes = [r["status_code"] for r in answer.json()["results"]]
        assert codes == [201, *[422] * len(_POISON), 201], codes
        for segment in ("%00", "%ED%A0%80", "x" * 300):
            assert client.get(f"/v1/submissions/{segment}").status_code == 404
        assert all(client.get(f"/v1/submissions/{body['id']}").status_code == 200 for body in good)
    log = backend.server.stderr_path.read_text(encoding="utf-8") if backend.server.stderr_path else ""
    assert "unexpected" not in log and " 500" not in log
