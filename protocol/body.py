"""Request bodies the terminal sends, built from plain values (docs/sync-protocol.md).

A submission's body is fixed as canonical JSON text when it is queued and sent as that text ever
after: a resend after a crash or an upgrade is byte-identical, so the server's "same id, other
body" conflict cannot be caused by the terminal. The batch envelope is therefore assembled from the
stored texts, never by parsing and serialising them again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from protocol.canonical import canonical_json

#: Content-Type of ``POST /v1/blobs/batch``
BLOB_BATCH_MEDIA_TYPE = "application/x-sicounter-blob-batch"
#: Content-Type of a ``PATCH /v1/blobs/{sha256}`` piece
BLOB_PIECE_MEDIA_TYPE = "application/offset+octet-stream"
#: the attachment that holds the applicant's (or agent's) signature, a PNG (issue 19); a form's own material
#: keys start with a letter, so this one can never clash with a material
SIGNATURE_KEY = "_signature"
#: the attachment that holds the rows of an employer's staff list (issue 20, ``app.usecases.batch_import``):
#: canonical JSON (``application/json``), so any list is one case however long; reserved like ``_signature``
BATCH_ROWS_KEY = "_batch_rows"
#: the media type of the ``BATCH_ROWS_KEY`` blob
BATCH_ROWS_MEDIA_TYPE = "application/json"


@dataclass(frozen=True)
class AttachmentRef:
    """One uploaded blob a submission refers to (an entry of its ``attachments``)."""

    material_key: str
    sha256: str
    size: int
    media_type: str
    pages: int


@dataclass(frozen=True)
class SignatureRef:
    """One signed review step a submission carries (``review.signatures``)."""

    step: str
    clerk_id: str
    terminal_id: str
    signed_at: datetime


@dataclass(frozen=True)
class ReviewRef:
    """A submission's review (``review``): its tier as the terminal computed it, why, and the signatures.

    ``awaiting_review``: sent as 待复核, to be signed at the central system or on another terminal.
    """

    tier: str
    reasons: Sequence[str] = ()
    signatures: Sequence[SignatureRef] = ()
    awaiting_review: bool = False

    def body(self) -> dict[str, Any]:
        review: dict[str, Any] = {
            "tier": self.tier,
            "reasons": list(self.reasons),
            "signatures": [{"step": s.step, "clerk_id": s.clerk_id, "terminal_id": s.terminal_id,
                            "signed_at": s.signed_at.isoformat()} for s in self.signatures],
        }
        if self.awaiting_review:
            review["awaiting_review"] = True
        return review


@dataclass(frozen=True)
class QueuedBody:
    """A submission's request body as queued: its id and its canonical JSON text."""

    submission_id: str
    text: str


def submission_body(*, submission_id: str, item_code: str, form_version: int, terminal_id: str, clerk_id: str,
                    created_at: datetime, payload: Mapping[str, Any], case_id: str, case_version: int,
                    attachments: Iterable[AttachmentRef], counter_receipt_no: str | None = None,
                    review: ReviewRef | None = None, home_visit: bool = False) -> str:
    """The canonical text of a ``POST /v1/submissions`` body.

    ``attachments`` in the order they were added; ``review`` the case's tier and signatures (Art. 37),
    left out for a case that needs none; ``home_visit`` (上门服务) only when true, so the body of a case taken
    at a window is as before. (Bodies stored by earlier releases carried the one approver's
    number in the payload as ``_approved_by``; they are resent as stored.)
    """
    body: dict[str, Any] = {
        "id": submission_id,
        "item_code": item_code,
        "version": form_version,
        "terminal_id": terminal_id,
        "clerk_id": clerk_id,
        "created_at": created_at.isoformat(),
        "payload": dict(payload),
        "case_id": case_id,
        "case_version": case_version,
        "attachments": [{"material_key": a.material_key, "sha256": a.sha256, "size": a.size,
                         "media_type": a.media_type, "pages": a.pages} for a in attachments],
    }
    if counter_receipt_no:
        body["counter_receipt_no"] = counter_receipt_no
    if review is not None:
        body["review"] = review.body()
    if home_visit:
        body["home_visit"] = True
    return canonical_json(body)


def legacy_submission_body(*, submission_id: str, version: int, item_code: str, terminal_id: str, clerk_id: str,
                           created_at: datetime, payload: Mapping[str, Any]) -> str:
    """The body as releases before the stored body built it (no attachments, no case), for rows they
    queued without storing one."""
    return canonical_json({
        "id": submission_id,
        "item_code": item_code,
        "version": version,
        "terminal_id": terminal_id,
        "clerk_id": clerk_id,
        "created_at": created_at.isoformat(),
        "payload": dict(payload),
    })


def submission_batch_body(bodies: Sequence[QueuedBody]) -> bytes:
    """``POST /v1/submissions/batch``: the stored texts in one envelope, each exactly as stored."""
    return ('{"submissions":[' + ",".join(b.text for b in bodies) + "]}").encode("utf-8")


def blob_batch_head(sha256: str, size: int, media_type: str) -> bytes:
    """The line before each blob's bytes in a ``POST /v1/blobs/batch`` stream."""
    return f"{sha256} {size} {media_type}\n".encode("ascii")
