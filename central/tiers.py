"""The review a submission needs, decided by the central system from its own form definitions.

A terminal says which tier it computed and carries its signatures, but the central system does not take
its word for the tier: it computes the tier from the forms it serves (``central.reference``; the shipped
``resources/forms`` by default) and the submission's values, keeps the higher of the two, and checks the
signatures with the rule the terminal uses (``forms.review``). The forms are the one piece of the terminal's
code the reference central system shares, because they are what it publishes; a form it does not know
leaves the terminal's tier.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pydantic

from central.reference import ReferenceSource, etag_of
from core.errors import mask_id_number
from forms.definitions import TIER_RANK, FormDef
from forms.review import Signer, next_step, signature_problems
from protocol.body import SIGNATURE_KEY

log = logging.getLogger(__name__)

STATUS_ACCEPTED = "accepted"
STATUS_AWAITING_REVIEW = "awaiting_review"


@dataclass(frozen=True)
class ReviewVerdict:
    """What the central system makes of a submission's review: its tier, and whether it may be stored.

    ``refusal`` (Chinese) when the signatures do not satisfy the tier; otherwise the submission is stored
    as ``status``: awaiting review when it was sent as 待复核 and a step is still unsigned, else accepted.
    """

    tier: str
    reasons: tuple[str, ...] = ()
    #: as carried: step, clerk_id, terminal_id, signed_at
    signatures: tuple[Mapping[str, str], ...] = ()
    awaiting_review: bool = False
    refusal: str | None = None
    submitter: str = ""
    #: the central system's definition asks for the applicant's (or agent's) signature and none is attached
    unsigned: bool = False

    @property
    def status(self) -> str:
        signed = [Signer(s["step"], s["clerk_id"]) for s in self.signatures]
        if self.awaiting_review and next_step(self.tier, signed) is not None:
            return STATUS_AWAITING_REVIEW
        return STATUS_ACCEPTED

    @property
    def kept(self) -> bool:
        """Whether there is anything to keep about this review (a tier, or signatures)."""
        return self.tier != "none" or bool(self.signatures)


def _strings(payload: Mapping[str, Any]) -> dict[str, str]:
    return {key: value for key, value in payload.items() if isinstance(value, str)}


@dataclass
class _Forms:
    etag: str = ""
    forms: dict[str, FormDef] = field(default_factory=dict)
    #: when the forms document was last read (monotonic seconds)
    read_at: float = float("-inf")


#: how long the forms document read for one submission serves the next ones (an operator's edit shows
#: within this time; a burst of single submissions does not read every form file each time)
REREAD_SECONDS = 1.0


class ReviewPolicy:
    """Computes tiers from the forms ``reference`` serves now (parsed again when they change)."""

    def __init__(self, reference: ReferenceSource) -> None:
        self._reference = reference
        self._lock = threading.Lock()
        self._cache = _Forms()

    def forms(self) -> dict[str, FormDef]:
        """The definitions the central system serves now, by code (read again after ``REREAD_SECONDS``)."""
        with self._lock:
            if time.monotonic() - self._cache.read_at < REREAD_SECONDS:
                return self._cache.forms
        document = self._reference.document("forms")
        if not isinstance(document, dict):
            return {}
        etag = etag_of(document)
        with self._lock:
            if etag == self._cache.etag:
                self._cache.read_at = time.monotonic()
            else:
                parsed: dict[str, FormDef] = {}
                for code, definition in document.items():
                    try:
                        parsed[str(code)] = FormDef.model_validate(definition)
                    except pydantic.ValidationError as exc:
                        log.error("form %s in the reference data is invalid (%d errors); its tier is unknown",
                                  code, exc.error_count())
                self._cache = _Forms(etag, parsed, time.monotonic())
            return self._cache.forms

    def tier(self, item_code: str, payload: Mapping[str, Any],
             forms: Mapping[str, FormDef] | None = None) -> tuple[str, list[str]]:
        """The tier this central system's definition of ``item_code`` gives these values, and why raised.

        ``forms``: the definitions read once for a whole batch (default: read now).
        """
        form = (self.forms() if forms is None else forms).get(item_code)
        if form is None:
            return "none", []
        values = _strings(payload)
        return form.review_tier(values), form.review.reasons(values)

    def applicant(self, item_code: str, payload: Mapping[str, Any]) -> tuple[str | None, str | None]:
        """The applicant's name and masked ID number, for a list of cases awaiting review."""
        form = self.forms().get(item_code)
        if form is None:
            return None, None
        values = _strings(payload)
        name_field, id_field = form.identity_field("name"), form.identity_field("id_number")
        name = values.get(name_field.key) if name_field is not None else None
        number = values.get(id_field.key) if id_field is not None else None
        return name, mask_id_number(number) if number else None

    def unsigned(self, item_code: str, form_version: int, attachments: Sequence[Mapping[str, Any]] | None,
                 forms: Mapping[str, FormDef] | None = None) -> bool:
        """Whether the definition served here asks for a signature the submission does not attach.

        A submission made under an older version of the form than the one served now (queued on a terminal
        before the requirement arrived) is not held to it: the applicant left long ago and cannot sign now.
        """
        form = (self.forms() if forms is None else forms).get(item_code)
        if form is None or not form.needs_signature or form_version < form.version:
            return False
        return not any(a.get("material_key") == SIGNATURE_KEY for a in attachments or ())

    def verdict(self, item_code: str, clerk_id: str, terminal_id: str, created_at: str,
                payload: Mapping[str, Any], review: Mapping[str, Any] | None,
                forms: Mapping[str, FormDef] | None = None, *, unsigned: bool = False) -> ReviewVerdict:
        """Check a submission's review against the tier computed here (see the module's docstring).

        A body stored by an earlier release carries its one approver in the payload as ``_approved_by``;
        that counts as the 复核 signature.
        """
        tier, reasons = self.tier(item_code, payload, forms)
        claimed = str((review or {}).get("tier", "none"))
        if TIER_RANK.get(claimed, 0) > TIER_RANK[tier]:
            tier = claimed
        reasons = list(dict.fromkeys([*reasons, *[str(r) for r in (review or {}).get("reasons", [])]]))
        signatures: Sequence[Mapping[str, str]] = [dict(s) for s in (review or {}).get("signatures", [])]
        approved_by = payload.get("_approved_by")
        if review is None and isinstance(approved_by, str) and approved_by:
            signatures = [{"step": "review", "clerk_id": approved_by, "terminal_id": terminal_id,
                           "signed_at": created_at}]
        awaiting = bool((review or {}).get("awaiting_review", False))
        signed = [Signer(s["step"], s["clerk_id"]) for s in signatures]
        problems = signature_problems(tier, clerk_id, signed, complete=not awaiting)
        return ReviewVerdict(tier=tier, reasons=tuple(reasons), signatures=tuple(signatures),
                             awaiting_review=awaiting, refusal="；".join(problems) or None, submitter=clerk_id,
                             unsigned=unsigned)


def reasons_json(reasons: Sequence[str]) -> str:
    return json.dumps(list(reasons), ensure_ascii=False)
