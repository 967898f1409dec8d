"""The query screens' endpoint beyond the lookups (issue 20): a unit's staff at retirement age (到龄确认查询).

No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations at runtime (see
``central.api``). The query is read and recorded in one transaction like a lookup (``central.lookups``,
subject kind ``retirement_due``). Who is due is decided with the terminal's own rules
(``forms.rules.retirement``, the 2025 reform), so the list and the screen agree; a woman employee whose post
(worker or cadre) the registry does not record is listed by the worker's (earlier) month and flagged.
"""

import logging
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central.auth import terminal_dependency
from central.jsonbody import WireJSONRoute
from central.lookups import record_lookup
from central.models import ContributionPeriodRow, EmployerRecordRow, PersonRecordRow
from central.store import CentralStore
from core.errors import mask_id_number
from forms.rules.retirement import Category, Sex, retirement_age
from protocol.lookup import (
    MAX_STAFF_LISTED,
    EmployerRef,
    RetirementDueAnswer,
    RetirementDueIn,
    RetirementDueOut,
)
from protocol.models import ErrorBody

log = logging.getLogger(__name__)

__all__ = ["due_persons", "query_router"]

_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "missing or invalid bearer token"},
    409: {"model": ErrorBody, "description": "idempotency_conflict: the lookup id was used for another subject"},
    413: {"model": ErrorBody, "description": "body_too_large (docs/sync-protocol.md, Limits)"},
    422: {"model": ErrorBody, "description": "validation_error: a malformed key or month, or no valid reason"},
}


def _category(person: PersonRecordRow) -> tuple[Category, bool]:
    """The rule a person's age follows, and whether the post (worker / cadre) decides it."""
    if person.insured_category == "flexible":
        return Category.FLEXIBLE, False
    if person.sex == "female":
        return Category.WORKER, True
    return Category.EMPLOYEE, False


def due_persons(session: Session, unit_number: str, through_month: str) -> list[RetirementDueOut]:
    """The unit's staff drawing no pension whose statutory month is at or before ``through_month``."""
    persons: Sequence[PersonRecordRow] = list(session.scalars(
        select(PersonRecordRow).where(PersonRecordRow.unit_number == unit_number,
                                      PersonRecordRow.benefit_status == "none")))
    due: list[tuple[str, PersonRecordRow, bool]] = []
    for person in persons:
        category, post_decides = _category(person)
        sex: Sex = "female" if person.sex == "female" else "male"
        month = retirement_age(date.fromisoformat(person.birth_date), sex, category).retirement_month
        if month <= through_month:
            due.append((month, person, post_decides))
    due.sort(key=lambda entry: (entry[0], entry[1].id_number))
    due = due[:MAX_STAFF_LISTED]
    numbers = [person.id_number for _m, person, _p in due]
    paid: dict[str, int] = {number: int(months or 0) for number, months in session.execute(
        select(ContributionPeriodRow.id_number, func.sum(ContributionPeriodRow.months))
        .where(ContributionPeriodRow.id_number.in_(numbers), ContributionPeriodRow.insurance == "pension")
        .group_by(ContributionPeriodRow.id_number))} if numbers else {}
    return [RetirementDueOut(id_number_masked=mask_id_number(person.id_number), name=person.name, sex=person.sex,
                             birth_date=person.birth_date, insured_category=person.insured_category,
                             paid_months=paid.get(person.id_number, 0), deemed_months=person.deemed_months,
                             retirement_month=month, post_decides=post_decides)
            for month, person, post_decides in due]


def query_router(store: CentralStore) -> APIRouter:
    """``POST /v1/query/retirement-due``, token-checked like every /v1 route."""
    router = APIRouter(prefix="/v1/query", route_class=WireJSONRoute, tags=["query"])
    Terminal = Annotated[str, Depends(terminal_dependency(store))]

    @router.post("/retirement-due", responses=_RESPONSES)
    def retirement_due(body: RetirementDueIn, terminal_id: Terminal) -> RetirementDueAnswer:
        """The staff of one employer (by unit number or credit code) who reach the statutory retirement age by
        ``through_month``, or reached it and draw no pension yet, earliest first (at most 200, ID numbers
        masked). ``found`` false: no employer with this key. Recorded as a lookup under ``id``."""

        def read(session: Session, at: str) -> tuple[RetirementDueAnswer, bool]:
            key = EmployerRecordRow.unit_number == body.unit_number if body.unit_number is not None \
                else EmployerRecordRow.uscc == body.uscc
            employer = session.scalar(select(EmployerRecordRow).where(key))
            if employer is None:
                return RetirementDueAnswer(lookup_id=body.id, found=False, through_month=body.through_month,
                                           looked_up_at=at), False
            return RetirementDueAnswer(
                lookup_id=body.id, found=True, through_month=body.through_month, looked_up_at=at,
                employer=EmployerRef(unit_number=employer.unit_number, uscc=employer.uscc, name=employer.name),
                persons=due_persons(session, employer.unit_number, body.through_month)), True

        subject = body.unit_number or body.uscc or ""
        answer, _record = record_lookup(store, lookup_id=body.id, terminal_id=terminal_id, clerk_id=body.clerk_id,
                                        subject_kind="retirement_due", subject=subject, reason=body.reason,
                                        created_at=body.created_at, read=read)
        log.info("retirement-due query %s of employer %s from terminal %s: %d persons", body.id, subject,
                 terminal_id, len(answer.persons))
        return answer

    return router
