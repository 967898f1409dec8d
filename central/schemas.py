"""Bodies of the sync protocol, version 1 (see docs/sync-protocol.md).

Request models are strict and forbid unknown fields: the server hashes the body to
decide whether a repeat is a duplicate, so it must never silently coerce or drop
what a client sent (a newer client sending attachments to this server gets a 422,
not a receipt for a submission that lost its attachments).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Identifier = Field(min_length=1, max_length=64)


class SubmissionIn(BaseModel):
    """``POST /v1/submissions`` body."""

    model_config = ConfigDict(strict=True, extra="forbid")

    id: str = Field(description="client-made UUID version 4, lower-case canonical form; the idempotency key")
    item_code: str = Identifier
    version: int = Field(ge=1, description="version of the item's form definition")
    terminal_id: str = Identifier
    clerk_id: str = Identifier
    created_at: str = Field(description="ISO 8601 time the clerk submitted, with UTC offset")
    payload: dict[str, Any]

    @field_validator("id")
    @classmethod
    def _uuid4(cls, value: str) -> str:
        try:
            parsed = uuid.UUID(value)
        except ValueError:
            raise ValueError("must be a UUID") from None
        # Version 4 also rules out the nil UUID, which a buggy client would reuse for everything.
        if parsed.version != 4 or str(parsed) != value:
            raise ValueError("must be a version 4 UUID in lower-case canonical form")
        return value

    @field_validator("created_at")
    @classmethod
    def _iso8601(cls, value: str) -> str:
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("must be an ISO 8601 date-time") from None
        return value

    @field_validator("payload")
    @classmethod
    def _plain_json(cls, value: dict[str, Any]) -> dict[str, Any]:
        try:
            json.dumps(value, allow_nan=False)
        except ValueError:
            raise ValueError("must not contain NaN or Infinity") from None
        return value


class SubmissionOut(BaseModel):
    """``GET /v1/submissions/{id}`` answer, and the core of the POST answer."""

    id: str
    receipt_number: str = Field(description="SB + YYYYMMDD (China date of receipt) + 6-digit daily sequence")
    status: Literal["accepted"]
    received_at: str = Field(description="UTC, ISO 8601")


class SubmitAnswer(SubmissionOut):
    """``POST /v1/submissions`` answer."""

    duplicate: bool = Field(description="true when this replays the answer to an earlier identical POST")


class Health(BaseModel):
    status: Literal["ok"]
    server_time: str


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: ErrorDetail
