"""Reference data with ETags, Retry-After on 503, and the OpenAPI document."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

import httpx
import pytest

from central.api import create_app
from central.process import CentralServerProcess
from central.store import add_terminal

Body = Callable[..., dict[str, Any]]
Start = Callable[..., CentralServerProcess]
REPO = Path(__file__).resolve().parents[2]


def connect(server: CentralServerProcess, token: str) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30.0)


def canonical_etag(document: Any) -> str:
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return '"' + hashlib.sha256(text.encode("utf-8")).hexdigest() + '"'


@pytest.fixture
def reference_dir(tmp_path: Path) -> Path:
    """A copy of the terminal's own reference files in the --reference-dir layout."""
    resources = Path(str(files("resources")))
    directory = tmp_path / "reference"
    shutil.copytree(resources / "forms", directory / "forms")
    shutil.copytree(resources / "rules" / "figures", directory / "figures")
    shutil.copy(resources / "rules" / "holidays_cn.json", directory / "holidays.json")
    return directory


def test_reference_documents_with_etags(tmp_path: Path, central_factory: Start, reference_dir: Path) -> None:
    db = tmp_path / "central.sqlite3"
    token = add_terminal(db, "T1")
    server = central_factory(db, "--reference-dir", str(reference_dir))
    figures = sorted(p.stem for p in (reference_dir / "figures").glob("*.json"))
    with connect(server, token) as client:
        index = client.get("/v1/reference").json()["items"]
        assert sorted(index) == sorted(["forms", "holidays", *(f"figures-{code}" for code in figures)])
        forms = client.get("/v1/reference/forms")
        expected_forms = {json.loads(p.read_text(encoding="utf-8"))["code"]: json.loads(p.read_text(encoding="utf-8"))
                          for p in (reference_dir / "forms").glob("*.json")}
        assert forms.status_code == 200 and forms.json() == expected_forms
        assert forms.headers["ETag"] == canonical_etag(expected_forms) == index["forms"]
        for name, path in [("holidays", reference_dir / "holidays.json"),
                           (f"figures-{figures[0]}", reference_dir / "figures" / f"{figures[0]}.json")]:
            answer = client.get(f"/v1/reference/{name}")
            assert answer.json() == json.loads(path.read_text(encoding="utf-8"))
            assert answer.headers["ETag"] == index[name]
            unchanged = client.get(f"/v1/reference/{name}", headers={"If-None-Match": index[name]})
            assert unchanged.status_code == 304 and unchanged.content == b""
            assert unchanged.headers["ETag"] == index[name]

        holidays = json.loads((reference_dir / "holidays.json").read_text(encoding="utf-8"))
        # Reformatting alone changes nothing; a changed value changes the ETag.
        (reference_dir / "holidays.json").write_text(json.dumps(holidays, indent=4), encoding="utf-8")
        assert client.get("/v1/reference/holidays", headers={"If-None-Match": index["holidays"]}).status_code == 304
        holidays["source"] = holidays["source"] + "（已更新）"
        (reference_dir / "holidays.json").write_text(json.dumps(holidays, ensure_ascii=False), encoding="utf-8")
        changed = client.get("/v1/reference/holidays", headers={"If-None-Match": index["holidays"]})
        assert changed.status_code == 200 and changed.json()["source"].endswith("（已更新）")
        assert changed.headers["ETag"] != index["holidays"]
        assert client.get("/v1/reference").json()["items"]["holidays"] == changed.headers["ETag"]

        for name in ("rates", "figures-999", "figures-xx", "figures-62"):
            missing = client.get(f"/v1/reference/{name}")
            assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    with httpx.Client(base_url=server.base_url) as anonymous:
        assert anonymous.get("/v1/reference").status_code == 401


def test_default_reference_is_the_terminals_own(central: CentralServerProcess,
                                                make_terminal: Callable[[], tuple[str, str]]) -> None:
    _, token = make_terminal()
    with connect(central, token) as client:
        forms = client.get("/v1/reference/forms").json()
        holidays = client.get("/v1/reference/holidays").json()
        index = client.get("/v1/reference").json()["items"]
    resources = Path(str(files("resources")))
    assert "death_benefit" in forms
    assert holidays == json.loads((resources / "rules" / "holidays_cn.json").read_text(encoding="utf-8"))
    assert "figures-61" in index


def test_every_503_says_when_to_retry(tmp_path: Path, central_factory: Start, body_for: Body) -> None:
    db = tmp_path / "central.sqlite3"
    token = add_terminal(db, "T1")
    server = central_factory(db, "--busy-every", "2")
    body = body_for("T1")
    with connect(server, token) as client:
        answers = [client.post("/v1/submissions", json=body) for _ in range(4)]
        health = [client.get("/v1/health").status_code for _ in range(3)]  # not counted
        blob = [client.get(f"/v1/blobs/{'a' * 64}") for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 503, 200, 503]
    for busy in (answers[1], answers[3], blob[1]):
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "1"
        assert busy.json()["error"]["code"] == "storage_unavailable"
    assert health == [200] * 3 and blob[0].status_code == 404
    with httpx.Client(base_url=server.base_url) as client:
        assert client.get("/v1/health").headers.get("Retry-After") is None


def test_openapi_document_is_current(tmp_path: Path) -> None:
    app = create_app(tmp_path / "central.sqlite3")
    try:
        current = json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    finally:
        app.state.store.close()
    published = REPO / "docs" / "openapi.json"
    assert published.exists() and published.read_text(encoding="utf-8") == current, (
        "docs/openapi.json is stale; regenerate it with: .venv/bin/python -m central openapi > docs/openapi.json")
