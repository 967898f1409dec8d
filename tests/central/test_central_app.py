"""``create_app`` in-process (for callers that do not want a child process)."""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi.testclient import TestClient

from central.api import create_app
from central.store import add_terminal


def test_create_app_serves_in_process(tmp_path: Path) -> None:
    db = tmp_path / "central.sqlite3"
    token = add_terminal(db, "T1")
    body = {"id": str(uuid.uuid4()), "item_code": "x", "version": 1, "terminal_id": "T1", "clerk_id": "c",
            "created_at": "2026-11-23T01:30:00Z", "payload": {}}
    with TestClient(create_app(db)) as client:
        assert client.get("/v1/health").json()["status"] == "ok"
        headers = {"Authorization": f"bearer {token}"}
        first = client.post("/v1/submissions", json=body, headers=headers)
        assert first.status_code == 201
        again = client.post("/v1/submissions", json=body, headers=headers)
        assert again.status_code == 200 and again.json()["duplicate"] is True
        assert client.get(f"/v1/submissions/{body['id']}", headers=headers).status_code == 200
        schema = client.get("/openapi.json").json()
        assert "/v1/submissions" in schema["paths"]
