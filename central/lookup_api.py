"""The lookup endpoints (issue 20): what the central system already knows of a person or an employer.

No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations at runtime (see
``central.api``). Each lookup is read and recorded in one transaction (``central.lookups``); a body without a
valid reason is refused with 422 before anything is read.
"""

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from central.auth import terminal_dependency
from central.jsonbody import WireJSONRoute
from central.lookups import record_lookup
from central.registry import find_employer, find_person, registered_among
from central.store import CentralStore
from protocol.lookup import (
    EmployerLookupAnswer,
    EmployerLookupIn,
    PersonLookupAnswer,
    PersonLookupIn,
    RegisteredCheckAnswer,
    RegisteredCheckIn,
)
from protocol.models import ErrorBody

log = logging.getLogger(__name__)

__all__ = ["lookup_router"]

_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "missing or invalid bearer token"},
    409: {"model": ErrorBody, "description": "idempotency_conflict: the lookup id was used for another subject"},
    413: {"model": ErrorBody, "description": "body_too_large (docs/sync-protocol.md, Limits)"},
    422: {"model": ErrorBody, "description": "validation_error: a malformed number, or no valid reason (a typed "
                                             "reason needs its note)"},
}


def lookup_router(store: CentralStore) -> APIRouter:
    """``POST /v1/lookup/person``, ``/employer`` and ``/registered``, token-checked like every /v1 route."""
    router = APIRouter(prefix="/v1/lookup", route_class=WireJSONRoute, tags=["lookup"])
    Terminal = Annotated[str, Depends(terminal_dependency(store))]

    @router.post("/person", responses=_RESPONSES)
    def lookup_person(body: PersonLookupIn, terminal_id: Terminal) -> PersonLookupAnswer:
        """One person by resident ID number: insured status per insurance, employer, contribution periods and
        months, pension account, benefit, card. ``found`` false: nobody with this number was ever registered.
        Recorded under ``id`` with its reason; the same id again is answered again and recorded once."""

        def read(session: Session, at: str) -> tuple[PersonLookupAnswer, bool]:
            person = find_person(session, body.id_number)
            return PersonLookupAnswer(lookup_id=body.id, found=person is not None, person=person,
                                      looked_up_at=at), person is not None

        answer, _record = record_lookup(store, lookup_id=body.id, terminal_id=terminal_id, clerk_id=body.clerk_id,
                                        subject_kind="person", subject=body.id_number, reason=body.reason,
                                        created_at=body.created_at, read=read)
        log.info("lookup %s of a person from terminal %s: %s", body.id, terminal_id,
                 "found" if answer.found else "not registered")
        return answer

    @router.post("/employer", responses=_RESPONSES)
    def lookup_employer(body: EmployerLookupIn, terminal_id: Terminal) -> EmployerLookupAnswer:
        """One employer by unit number or unified social credit code: status, contacts, insurances, insured
        staff (count whole, list of at most ``MAX_STAFF_LISTED`` with masked ID numbers), arrears."""

        def read(session: Session, at: str) -> tuple[EmployerLookupAnswer, bool]:
            employer = find_employer(session, unit_number=body.unit_number, uscc=body.uscc, as_of=at)
            return EmployerLookupAnswer(lookup_id=body.id, found=employer is not None, employer=employer,
                                        looked_up_at=at), employer is not None

        subject = body.unit_number or body.uscc or ""
        answer, _record = record_lookup(store, lookup_id=body.id, terminal_id=terminal_id, clerk_id=body.clerk_id,
                                        subject_kind="employer", subject=subject, reason=body.reason,
                                        created_at=body.created_at, read=read)
        log.info("lookup %s of employer %s from terminal %s: %s", body.id, subject, terminal_id,
                 "found" if answer.found else "unknown")
        return answer

    @router.post("/registered", responses=_RESPONSES)
    def lookup_registered(body: RegisteredCheckIn, terminal_id: Terminal) -> RegisteredCheckAnswer:
        """Which of up to 10,000 ID numbers the registry knows, whether each is insured now and at which unit
        (``same_unit``: at the batch's own unit): the employer batch import's duplicate check. Recorded as one
        lookup whose subject is the unit and the count."""
        distinct = len(set(body.id_numbers))

        def read(session: Session, at: str) -> tuple[RegisteredCheckAnswer, bool]:
            found = registered_among(session, body.id_numbers, body.unit_number)
            return RegisteredCheckAnswer(lookup_id=body.id, checked=distinct, registered=found,
                                         looked_up_at=at), bool(found)

        subject = f"batch:{body.unit_number or '-'}:{distinct}"
        answer, _record = record_lookup(store, lookup_id=body.id, terminal_id=terminal_id, clerk_id=body.clerk_id,
                                        subject_kind="registered_check", subject=subject, reason=body.reason,
                                        created_at=body.created_at, read=read)
        log.info("lookup %s: %d numbers checked from terminal %s, %d registered", body.id, distinct, terminal_id,
                 len(answer.registered))
        return answer

    return router
