"""HTTP client of the central system's sync protocol (docs/sync-protocol.md).

Every transport or HTTP failure leaves here as a ``SyncError`` that says whether
trying again can help; nothing above this module sees httpx exceptions.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpx

from core.errors import CentralTooSlow, CentralUnreachable, SyncError

log = logging.getLogger(__name__)


def _retry_after(resp: httpx.Response) -> float | None:
    value = resp.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time())


class OffsetMismatch(SyncError):
    """The server holds another number of bytes of a blob than we assumed; resume from ``received``."""

    def __init__(self, sha256: str, received: int) -> None:
        super().__init__(f"blob {sha256[:12]}: server has {received} bytes", retryable=True, status=409)
        self.received = received


#: hashes one POST /v1/blobs/states may carry (docs/sync-protocol.md)
STATE_QUERY_MAX = 1000
#: seconds to wait for a connection: a central system that does not accept one by then is unreachable
CONNECT_TIMEOUT = 5.0

#: 409 answers that clear up once the client has done its part (uploaded the blobs), so worth retrying
_RETRYABLE_CONFLICTS = {"attachments_incomplete"}


def _error_code(resp: httpx.Response) -> str:
    try:
        return str(resp.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return f"http_{resp.status_code}"


class CentralClient:
    """One terminal's authenticated connection to the central system."""

    def __init__(self, base_url: str, token: str, *, timeout: float = 15.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        #: seconds to wait for the central system to answer (and for any one read or write to progress)
        self.timeout = timeout
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}", "User-Agent": "sicounter"},
            timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT),
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CentralClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _request(self, method: str, path: str, *, drain: float = 0.0, **kw: Any) -> httpx.Response:
        """One request; ``drain`` is how long the line may still need, once the body is written, to
        carry what waits in the OS's buffers: the answer is awaited that much longer.

        Writing a body returns as soon as the OS has taken it, and on a slow line it can hold
        megabytes. Waiting only the usual time after that gives up on uploads that are still
        arriving, and sending them again only makes the line slower still.
        """
        if drain > 0:
            kw["timeout"] = httpx.Timeout(self.timeout, connect=CONNECT_TIMEOUT, read=self.timeout + drain)
        try:
            return self._http.request(method, path, **kw)
        except (httpx.ReadTimeout, httpx.WriteTimeout) as exc:
            raise CentralTooSlow(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        except httpx.TransportError as exc:
            raise CentralUnreachable(f"{method} {path}: {type(exc).__name__}: {exc}") from exc

    def _check(self, resp: httpx.Response) -> dict[str, Any]:
        if resp.status_code in (200, 201):
            data = resp.json()
            if not isinstance(data, dict):
                raise SyncError("central answered with a non-object body", retryable=True,
                                status=resp.status_code)
            return data
        code = _error_code(resp)
        detail = f"central answered {resp.status_code} {code}"
        if resp.status_code == 409 and code in _RETRYABLE_CONFLICTS:
            raise SyncError(detail, retryable=True, status=409, code=code,
                            user_message="中心系统尚未收齐本笔业务的材料，正在补传。",
                            hint="稍后将自动重试，无需重新录入。")
        if resp.status_code in (401, 403):
            # A terminal-wide configuration fault: keep everything queued and keep
            # retrying slowly, an administrator fixing the token unblocks it.
            raise SyncError(detail, retryable=True, status=resp.status_code,
                            user_message="中心系统拒绝了本终端的身份凭证，已离线保存。",
                            hint="请联系系统管理员检查终端令牌。")
        if resp.status_code == 429 or resp.status_code >= 500:
            raise SyncError(detail, retryable=True, status=resp.status_code,
                            retry_after=_retry_after(resp),
                            user_message="中心系统暂时繁忙，已离线保存。",
                            hint="稍后将自动重试，无需重新录入。")
        raise SyncError(detail, retryable=False, status=resp.status_code, code=code,
                        user_message="中心系统拒收了这笔业务。",
                        hint="业务已保存在本机，请联系系统管理员处理。")

    def health(self) -> bool:
        try:
            return self._request("GET", "/v1/health").status_code == 200
        except CentralUnreachable:
            return False

    def post_submission(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._check(self._request("POST", "/v1/submissions", json=body))

    def get_submission(self, submission_id: str) -> dict[str, Any]:
        return self._check(self._request("GET", f"/v1/submissions/{submission_id}"))

    # -- attachments: content-addressed, resumable (docs/sync-protocol.md, "Blobs") -------------
    def create_blob(self, sha256: str, size: int, media_type: str) -> dict[str, Any]:
        """Announce a blob; the answer says how many bytes the server already holds."""
        return self._check(self._request("POST", "/v1/blobs",
                                         json={"sha256": sha256, "size": size, "media_type": media_type}))

    def blob_status(self, sha256: str) -> dict[str, Any] | None:
        resp = self._request("GET", f"/v1/blobs/{sha256}")
        return None if resp.status_code == 404 else self._check(resp)

    def upload_chunk(self, sha256: str, offset: int, data: bytes, *, drain: float = 0.0) -> dict[str, Any]:
        """Append ``data`` at ``offset``; ``OffsetMismatch`` when the server holds another amount."""
        resp = self._request("PATCH", f"/v1/blobs/{sha256}", content=data, drain=drain,
                             headers={"Upload-Offset": str(offset),
                                      "Content-Type": "application/offset+octet-stream"})
        if resp.status_code == 409 and _error_code(resp) == "offset_mismatch":
            try:
                received = int(resp.headers["Upload-Offset"])
            except (KeyError, ValueError):
                raise SyncError("offset_mismatch without a usable Upload-Offset", retryable=True,
                                status=409) from None
            raise OffsetMismatch(sha256, received)
        return self._check(resp)

    # -- what the central system did since ------------------------------------------------------
    def status_feed(self, since: str | None, limit: int = 200) -> dict[str, Any]:
        params: dict[str, str | int] = {"limit": limit}
        if since:
            params["since"] = since
        return self._check(self._request("GET", "/v1/status-feed", params=params))

    def reference_index(self) -> dict[str, str]:
        items = self._check(self._request("GET", "/v1/reference")).get("items", {})
        return {str(k): str(v) for k, v in items.items()} if isinstance(items, dict) else {}

    def reference(self, name: str, etag: str | None) -> tuple[dict[str, Any] | None, str | None]:
        """One reference data set: (data, ETag), or (None, the same ETag) when unchanged (304)."""
        headers = {"If-None-Match": etag} if etag else {}
        resp = self._request("GET", f"/v1/reference/{name}", headers=headers)
        if resp.status_code == 304:
            return None, etag
        return self._check(resp), resp.headers.get("ETag")

    # -- batches: many small blobs in one stream, many submissions in one commit ----------------
    def upload_blob_batch(self, items: Iterable[tuple[str, int, str, Iterable[bytes]]], *,
                          drain: float = 0.0) -> list[dict[str, Any]]:
        """Stream small blobs back to back (``sha256 size media_type\\n`` + bytes each); one answer per blob.

        ``items`` yields (sha256, size, media type, the plaintext in pieces); the body is generated
        while it is sent, so only one piece is in memory at a time.
        """
        def body() -> Iterator[bytes]:
            for sha256, size, media_type, pieces in items:
                yield f"{sha256} {size} {media_type}\n".encode("ascii")
                yield from pieces

        resp = self._request("POST", "/v1/blobs/batch", content=body(), drain=drain,
                             headers={"Content-Type": "application/x-sicounter-blob-batch"})
        blobs = self._check(resp).get("blobs", [])
        return [b for b in blobs if isinstance(b, dict)] if isinstance(blobs, list) else []

    def complete_blobs(self, hashes: list[str]) -> set[str]:
        """Which of these blobs the central system holds complete, in one request per thousand.

        Asked after a torn blob batch: the server keeps the items it received whole, so only the
        others need to cross the line again. Empty when it cannot say (an older central system).
        """
        held: set[str] = set()
        for start in range(0, len(hashes), STATE_QUERY_MAX):
            resp = self._request("POST", "/v1/blobs/states", json={"sha256": hashes[start:start + STATE_QUERY_MAX]})
            if resp.status_code in (404, 405):
                return held
            found = self._check(resp).get("complete", [])
            if isinstance(found, list):
                held.update(h for h in found if isinstance(h, str))
        return held

    def post_submission_batch(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Several submissions in one request and one commit at the server; one result per body."""
        results = self._check(self._request("POST", "/v1/submissions/batch", json={"submissions": bodies}))
        found = results.get("results", [])
        return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []
