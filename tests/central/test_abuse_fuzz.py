"""Abuse suite, fuzzing every endpoint (issue 17, item 2): generated bodies, headers, path segments and query
strings, with a valid token and without, sent over HTTP to a real ``python -m central serve`` process; no
answer may be a 5xx, and every error answer has the protocol's shape.

The endpoints are enumerated from the app itself, so a new one fails ``test_every_endpoint_has_a_strategy``
until it is given a body kind in ``BODY_KINDS`` (and then is fuzzed like the others).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.routing import BaseRoute, Mount

from central.api import create_app
from central.process import CentralServerProcess
from central.store import add_terminal
from protocol.audit import GENESIS, entry_hash
from tests.central.conftest import submission_body

#: what each endpoint takes as a body ("none": nothing, yet it is sent bodies all the same)
BODY_KINDS: dict[tuple[str, str], str] = {
    ("GET", "/openapi.json"): "none",
    ("GET", "/docs"): "none",
    ("GET", "/docs/oauth2-redirect"): "none",
    ("GET", "/redoc"): "none",
    ("GET", "/v1/health"): "none",
    ("POST", "/v1/submissions"): "submission",
    ("POST", "/v1/submissions/batch"): "batch",
    ("GET", "/v1/submissions/{submission_id}"): "none",
    ("POST", "/v1/submissions/{submission_id}/reminders"): "remind",
    ("POST", "/v1/submissions/{submission_id}/rating"): "rate",
    ("POST", "/v1/blobs"): "blob",
    ("POST", "/v1/blobs/states"): "states",
    ("GET", "/v1/blobs/{sha256}"): "none",
    ("PATCH", "/v1/blobs/{sha256}"): "chunk",
    ("POST", "/v1/blobs/batch"): "blob_batch",
    ("GET", "/v1/blobs/{sha256}/content"): "none",
    ("GET", "/v1/status-feed"): "none",
    ("POST", "/v1/audit/batch"): "audit",
    ("GET", "/v1/audit/head"): "none",
    ("GET", "/v1/reviews"): "none",
    ("GET", "/v1/reviews/{submission_id}"): "none",
    ("GET", "/v1/reviews/{submission_id}/blobs/{sha256}"): "none",
    ("POST", "/v1/reviews/{submission_id}/signatures"): "sign",
    ("POST", "/v1/reviews/{submission_id}/return"): "return",
    ("GET", "/v1/reference"): "none",
    ("GET", "/v1/reference/{name}"): "none",
    ("POST", "/v1/lookup/person"): "lookup_person",
    ("POST", "/v1/lookup/employer"): "lookup_employer",
    ("POST", "/v1/lookup/registered"): "lookup_registered",
}

#: requests per endpoint (about 25 endpoints; the whole module takes well under a minute), always the same
#: ones; ``SICOUNTER_FUZZ_EXAMPLES=2000`` searches longer, with new random ones each run
EXAMPLES = int(os.environ.get("SICOUNTER_FUZZ_EXAMPLES", "50"))
DERANDOMIZE = "SICOUNTER_FUZZ_EXAMPLES" not in os.environ
TERMINAL = "FUZZ-0001"
SCAN = b"fuzzed scan bytes"
SCAN_SHA = hashlib.sha256(SCAN).hexdigest()


def _walk(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI's included router
        if included is not None:
            yield from _walk(included.routes)
        else:
            yield route


def app_endpoints() -> set[tuple[str, str]]:
    """Every (method, path) the central app answers, HEAD aside (answered as GET)."""
    with tempfile.TemporaryDirectory() as directory:
        app = create_app(Path(directory) / "routes.sqlite3")
        try:
            found = set()
            for route in _walk(list(app.routes)):
                if isinstance(route, Mount):
                    found.add(("GET", f"{route.path}/{{path}}"))
                for method in getattr(route, "methods", None) or ():
                    if method != "HEAD":
                        found.add((method, str(getattr(route, "path", ""))))
            return found
        finally:
            app.state.store.close()


def test_every_endpoint_has_a_strategy() -> None:
    missing = app_endpoints() - set(BODY_KINDS)
    assert not missing, f"endpoints without a fuzz strategy (add them to BODY_KINDS): {sorted(missing)}"


# -- what is sent ---------------------------------------------------------------------------------

def weighted(*choices: tuple[st.SearchStrategy[Any], int]) -> st.SearchStrategy[Any]:
    """One of the strategies, each as often as its weight says (``st.one_of`` draws evenly)."""
    return st.sampled_from([strategy for strategy, weight in choices for _ in range(weight)]).flatmap(lambda s: s)


EDGE_TEXT = ["\ud800", "\udfff", "a\x00b", "²", "١٢", "\u202e", "", " ", "../../etc/passwd",
             "'; DROP TABLE submissions; --", "%00", "110101195001011234"]
EDGE_INTS = [0, -1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, -(2**63) - 1, 10**30]

texts = st.one_of(st.text(max_size=12), st.sampled_from(EDGE_TEXT))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.sampled_from(EDGE_INTS),
                    st.floats(allow_nan=True, allow_infinity=True), texts, st.just("x" * 70_000))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(texts, inner, max_size=4), max_leaves=12)


def _nested(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = {"a": value}
    return value


deep_values = st.integers(min_value=14, max_value=60).map(_nested)


def _audit_entry() -> dict[str, Any]:
    at = "2026-12-06T02:00:01.000000+00:00"
    return {"seq": 1, "at": at, "clerk_id": "1001", "action": "sign_in", "subject": None, "person_key": None,
            "detail": "{}", "prev_hash": GENESIS,
            "hash": entry_hash(GENESIS, at, "1001", "sign_in", None, None, "{}")}


def _templates() -> dict[str, Any]:
    submission = submission_body(TERMINAL)
    lookup = {"id": "7c8d9e0f-5a6b-4d3a-9c1e-0b7a4f5e2f7c", "clerk_id": "1001",
              "created_at": "2026-12-06T09:12:00+00:00", "reason": {"kind": "typed", "note": "申请人来电咨询"}}
    return {
        "submission": submission,
        # the second one taken at the applicant's home (上门服务): its flag is fuzzed too
        "batch": {"submissions": [submission, {**submission_body(TERMINAL), "home_visit": True}]},
        "blob": {"sha256": "e" * 64, "size": 10, "media_type": "image/jpeg"},
        "states": {"sha256": [SCAN_SHA, "f" * 64]},
        "audit": {"entries": [_audit_entry()]},
        "sign": {"step": "review", "clerk_id": "2001", "signed_at": "2026-12-06T09:12:00+00:00"},
        "return": {"clerk_id": "2001", "reason": "材料不全"},
        "remind": {"id": "0b7a4f5e-2f7c-4d3a-9c1e-5a6b7c8d9e0f", "clerk_id": "1001",
                   "created_at": "2026-12-06T09:12:00+00:00", "note": "申请人询问进度"},
        "rate": {"id": "5a6b7c8d-9e0f-4d3a-9c1e-0b7a4f5e2f7c", "clerk_id": "1001", "level": 2,
                 "reasons": ["slow", "attitude"], "created_at": "2026-12-06T09:12:00+00:00"},
        "lookup_person": {**lookup, "id_number": "11010519491231002X"},
        "lookup_employer": {**lookup, "uscc": "91110000600037341L"},
        "lookup_registered": {**lookup, "unit_number": "6100000001", "id_numbers": ["11010519491231002X"]},
    }


@st.composite
def mutated(draw: st.DrawFn, template: Any) -> Any:
    """The template with one value somewhere in it replaced, a key added or one taken away."""
    if isinstance(template, dict) and template:
        key = draw(st.sampled_from(sorted(template)))
        action = draw(st.sampled_from(["replace", "recurse", "add", "drop"]))
        changed = dict(template)
        if action == "replace":
            changed[key] = draw(st.one_of(json_values, deep_values))
        elif action == "recurse":
            changed[key] = draw(mutated(template[key]))
        elif action == "add":
            changed[draw(texts)] = draw(json_values)
        else:
            del changed[key]
        return changed
    if isinstance(template, list) and template:
        index = draw(st.integers(min_value=0, max_value=len(template) - 1))
        return [*template[:index], draw(mutated(template[index])), *template[index + 1:]]
    return draw(st.one_of(json_values, deep_values))


def _encode(value: Any, readable: bool) -> bytes:
    if readable:  # lone surrogates as \ud800 escapes: valid UTF-8, invalid Unicode
        return json.dumps(value, ensure_ascii=True).encode("ascii")
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")  # raw surrogates: invalid UTF-8


def bodies(kind: str) -> st.SearchStrategy[bytes]:
    generic = st.one_of(
        st.builds(_encode, json_values, st.booleans()),
        st.builds(_encode, deep_values, st.booleans()),
        st.binary(max_size=300),
        st.integers(min_value=1, max_value=3000).map(lambda n: b"[" * n + b"]" * n),
        st.sampled_from([b"", b"{", b'{"a":1,"a":2}', b"NaN", b"1e400", b"9" * 5000, b"\xef\xbb\xbf{}"]),
    )
    templates = _templates()
    if kind in templates:
        return st.one_of(st.builds(_encode, mutated(templates[kind]), st.booleans()),
                         st.just(_encode(templates[kind], True)), generic)
    if kind == "blob_batch":
        line = st.builds(lambda sha, size, media, data: f"{sha} {size} {media}\n".encode("utf-8", "surrogatepass")
                         + data, st.sampled_from([SCAN_SHA, "a" * 64, "A" * 64, "²" * 64]),
                         st.sampled_from(["17", "0", "01", "²", "99999999999", "-1", str(len(SCAN))]),
                         st.sampled_from(["x/y", "", "a b", "\ud800"]), st.sampled_from([SCAN, b"", b"\xff" * 40]))
        return st.one_of(st.lists(line, max_size=3).map(b"".join), generic)
    return generic


HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=30)
CONTENT_TYPES = ["application/json", "application/json; charset=latin-1", "text/plain", "application/problem+json",
                 "application/offset+octet-stream", "application/x-sicounter-blob-batch", "multipart/form-data",
                 "application/x-www-form-urlencoded"]


def _header(value: str) -> bytes:
    # HTTP itself allows no whitespace around a value (the client refuses to send it)
    return value.strip(" \t").encode("latin-1", "replace")


#: the Content-Type each body kind is meant to have (sent most of the time, so the fuzzing gets past it)
MEANT_TYPES = {"chunk": "application/offset+octet-stream", "blob_batch": "application/x-sicounter-blob-batch",
               "none": "application/json"}


@st.composite
def headers(draw: st.DrawFn, token: str, kind: str) -> dict[str, bytes]:
    """Mostly what the endpoint expects (a valid token, its Content-Type), so that the fuzzing reaches
    past the first checks, and otherwise anything."""
    chosen: dict[str, bytes] = {}
    authorization = draw(st.sampled_from(["valid"] * 15 + ["none", "junk", "basic", "empty", "latin"]))
    chosen_auth = {"valid": f"Bearer {token}", "junk": "Bearer " + "z" * 40, "basic": "Basic dXNlcjpwYXNz",
                   "empty": "Bearer", "latin": "Bearer \xff\xb2"}.get(authorization)
    if chosen_auth is not None:
        chosen["Authorization"] = chosen_auth.encode("latin-1")
    meant = MEANT_TYPES.get(kind, "application/json")
    content_type = draw(weighted((st.just(meant), 4), (st.none(), 1), (st.sampled_from(CONTENT_TYPES), 1),
                                 (HEADER_TEXT, 1)))
    if content_type is not None:
        chosen["Content-Type"] = _header(content_type)
    for name, values in (("Upload-Offset", weighted((st.integers(min_value=-5, max_value=2**70).map(str), 1),
                                                    (st.sampled_from(EDGE_DECIMALS), 3), (HEADER_TEXT, 1))),
                         ("If-None-Match", st.one_of(st.sampled_from(["*", '"x"', "W/", ""]), HEADER_TEXT))):
        # a chunk always says where it goes (it is refused at once otherwise)
        value = draw(values if kind == "chunk" and name == "Upload-Offset" else st.one_of(st.none(), values))
        if value is not None:
            chosen[name] = _header(value)
    return chosen


def _segment(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def path_params(known_id: str) -> dict[str, st.SearchStrategy[str]]:
    anything = st.one_of(texts, st.binary(max_size=20).map(lambda b: b.decode("latin-1"))).map(_segment)
    return {
        "submission_id": weighted((st.just(known_id), 2), (st.uuids(version=4).map(str), 1), (anything, 2)),
        "sha256": weighted((st.just(SCAN_SHA), 2), (st.just("a" * 64), 1), (st.sampled_from(["A" * 64, "²" * 64]), 1),
                           (anything, 1)),
        "name": st.one_of(st.sampled_from(["forms", "holidays", "figures-61", "figures-00"]), anything),
        "path": anything,
    }


EDGE_DECIMALS = ["²", "٣", "１", "9" * 19, "-1", "1e3", ""]


@st.composite
def query(draw: st.DrawFn) -> str:
    value = weighted((st.sampled_from(EDGE_DECIMALS), 3), (st.integers(min_value=-2, max_value=2**64).map(str), 1),
                     (texts, 1))
    pairs = draw(st.lists(st.tuples(st.sampled_from(["since", "limit", "x", "since"]), value), min_size=1, max_size=3))
    return "&".join(f"{_segment(k)}={_segment(v)}" for k, v in pairs)


# -- the server ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CentralServerProcess, str, str]]:
    """A server of its own, with one terminal, one stored submission and one complete scan."""
    directory = tmp_path_factory.mktemp("fuzz")
    server = CentralServerProcess.start(directory / "central.sqlite3", timeout=30.0,
                                        stderr_path=directory / "central.log")
    try:
        token = add_terminal(server.db_path, TERMINAL)
        body = submission_body(TERMINAL)
        with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}) as client:
            assert client.post("/v1/submissions", json=body).status_code == 201
            assert client.post("/v1/blobs", json={"sha256": SCAN_SHA, "size": len(SCAN),
                                                  "media_type": "image/jpeg"}).status_code == 201
            assert client.patch(f"/v1/blobs/{SCAN_SHA}", content=SCAN, headers={
                "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}).status_code == 200
        yield server, token, body["id"]
    finally:
        server.stop()


def _check(response: httpx.Response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, f"{what}: {body}"
        assert isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str)


@pytest.mark.parametrize("endpoint", sorted(BODY_KINDS), ids=lambda e: f"{e[0]} {e[1]}")
def test_fuzzed_requests_never_answer_5xx(fuzzed: tuple[CentralServerProcess, str, str],
                                         endpoint: tuple[str, str]) -> None:
    server, token, known_id = fuzzed
    method, template = endpoint
    params = path_params(known_id)
    names = [name for name in params if "{" + name + "}" in template]

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=DERANDOMIZE, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(body=bodies(BODY_KINDS[endpoint]), sent_headers=headers(token, BODY_KINDS[endpoint]),
           segments=st.fixed_dictionaries({name: params[name] for name in names}), query_string=query())
    def one(body: bytes, sent_headers: dict[str, bytes], segments: dict[str, str], query_string: str) -> None:
        path = template
        for name, value in segments.items():
            path = path.replace("{" + name + "}", value)
        url = f"{server.base_url}{path}" + (f"?{query_string}" if query_string else "")
        _check(client.request(method, url, content=body, headers=sent_headers), f"{method} {path}")

    # A connection per request: an answer that closes its connection cannot fail the next one.
    with httpx.Client(timeout=30.0, limits=httpx.Limits(max_keepalive_connections=0)) as client:
        one()


def test_the_fuzzed_server_logged_no_unexpected_error(fuzzed: tuple[CentralServerProcess, str, str]) -> None:
    """Runs after the fuzzing: nothing reached the catch-all handler or left a traceback."""
    server = fuzzed[0]
    assert server.stderr_path is not None
    log = server.stderr_path.read_text(encoding="utf-8", errors="replace")
    assert "unexpected" not in log and "Traceback" not in log

