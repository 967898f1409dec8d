"""``create_app`` in-process, for callers that do not want a child process."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import httpx

from central.api import create_app
from central.store import add_terminal


def test_create_app_serves_in_process(tmp_path: Path) -> None:
    db = tmp_path / "central.sqlite3"
    token = add_terminal(db, "T1")
    body = {"id": str(uuid.uuid4()), "item_code": "x", "version": 1, "terminal_id": "T1", "clerk_id": "c",
            "created_at": "2026-11-23T01:30:00Z", "payload": {}}
    app = create_app(db, api_docs=True)  # /openapi.json is served only when asked for

    async def exercise() -> None:
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"bearer {token}"}  # the scheme is case-insensitive
        async with httpx.AsyncClient(transport=transport, base_url="http://central") as client:
            assert (await client.get("/v1/health")).json()["status"] == "ok"
            first = await client.post("/v1/submissions", json=body, headers=headers)
            assert first.status_code == 201
            again = await client.post("/v1/submissions", json=body, headers=headers)
            assert again.status_code == 200 and again.json()["duplicate"] is True
            fetched = await client.get(f"/v1/submissions/{body['id']}", headers=headers)
            assert fetched.status_code == 200
            schema = (await client.get("/openapi.json")).json()
            assert "/v1/submissions" in schema["paths"]

    try:
        asyncio.run(exercise())
    finally:
        app.state.store.close()
