"""What one ID card read yields."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Literal

from core.errors import mask_id_number

__all__ = ["CardType", "IdCardRecord", "Sex"]

CardType = Literal["resident", "hkmt_permit", "foreign_old", "foreign_2023"]
Sex = Literal["male", "female"]


@dataclass(frozen=True)
class IdCardRecord:
    """The decoded text of a card plus its raw WLT photo (and fingerprint if asked for).

    ``name`` is the Chinese name (for the old foreign card, the English one when it has
    no Chinese name); ``valid_to`` is None and ``valid_long_term`` True for 长期.
    """

    card_type: CardType
    name: str
    name_en: str | None
    sex: Sex | None
    sex_code: str
    ethnicity_code: str | None
    ethnicity: str | None
    birth_date: date | None
    address: str | None
    id_number: str
    issuer: str | None
    valid_from: date | None
    valid_to: date | None
    valid_long_term: bool
    nationality: str | None
    pass_number: str | None
    issue_count: str | None
    photo: bytes
    fingerprint: bytes | None = None

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO strings, photo/fingerprint as length + SHA-256, never raw bytes."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, bytes):
                value = {"length": len(value), "sha256": hashlib.sha256(value).hexdigest()}
            out[f.name] = value
        return out

    def __repr__(self) -> str:
        name = (self.name[:1] + "*" * (len(self.name) - 1)) if self.name else ""
        return (f"IdCardRecord(card_type={self.card_type!r}, name={name!r}, "
                f"id_number={mask_id_number(self.id_number)!r}, photo=<{len(self.photo)} bytes>, "
                f"fingerprint={f'<{len(self.fingerprint)} bytes>' if self.fingerprint else None})")

    __str__ = __repr__
