"""到龄确认查询 for a unit (issue 20): who of an employer's staff reaches the statutory retirement age soon.

A lookup like ``app/usecases/lookup.py``'s (the same permission, reason, outcomes, audit trail and central
record, through its helpers), asking ``POST /v1/query/retirement-due``. The answer lists at most 200 persons
with masked ID numbers and is kept only by the screen that asked.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import ValidationError as PydanticValidationError

from app.lookups import LookupOutcome, LookupReason
from app.permissions import Permission, require
from app.retirement_due import RetirementDue, through_month
from app.terminal import Terminal
from app.usecases.lookup import (
    EMPLOYER_UNKNOWN_MESSAGE,
    ask_central,
    audit_lookup,
    lookup_fields,
    moment_of,
    reason_body,
)
from core.errors import ValidationError
from local_db.clerks import ClerkInfo
from protocol.lookup import MAX_DUE_AHEAD_MONTHS, RetirementDueIn

__all__ = ["find_retirement_due"]


def find_retirement_due(terminal: Terminal, clerk: ClerkInfo, *, unit_number: str | None = None,
                        uscc: str | None = None, months_ahead: int, reason: LookupReason,
                        today: date | None = None, now: datetime | None = None) -> RetirementDue:
    """The unit's staff reaching the age within ``months_ahead`` months of ``today`` (the counter's date; default
    ``now``'s), and those past it drawing no pension, earliest first. Raises for a missing permission, a bad key
    or reason; offline is an answer."""
    require(clerk, Permission.LOOKUP)
    if not 0 <= months_ahead <= MAX_DUE_AHEAD_MONTHS:
        raise ValidationError("months_ahead", f"到龄查询最多向后查 {MAX_DUE_AHEAD_MONTHS} 个月。")
    moment = moment_of(now)
    wire_reason = reason_body(reason)
    lookup_id = str(uuid.uuid4())
    through = through_month(today or moment.date(), months_ahead)
    try:
        body = RetirementDueIn.model_validate(lookup_fields(lookup_id, clerk, wire_reason, moment) | {
            "unit_number": unit_number, "uscc": uscc, "through_month": through})
    except PydanticValidationError:
        raise ValidationError("unit_number", "请输入单位编号或统一社会信用代码（二者之一，格式正确）。") from None
    client = terminal.client
    answer, outcome, message = ask_central(terminal, lambda: client.retirement_due(body))  # type: ignore[union-attr]
    result = RetirementDue(outcome, through_month=through, message=message)
    if answer is not None:
        if answer.found:
            result = RetirementDue(LookupOutcome.FOUND, answer.employer, tuple(answer.persons), through,
                                   lookup_id=lookup_id)
        else:
            result = RetirementDue(LookupOutcome.NOT_REGISTERED, through_month=through,
                                   message=EMPLOYER_UNKNOWN_MESSAGE, lookup_id=lookup_id)
    elif outcome is LookupOutcome.FAILED:
        result = RetirementDue(outcome, through_month=through, message=message, lookup_id=lookup_id)
    unit_key = result.employer.unit_number if result.employer is not None else body.unit_number
    audit_lookup(terminal, clerk, lookup_id, "retirement_due", wire_reason, result.outcome,
           extra={"unit": unit_key or "", "through": through, "listed": len(result.persons)})
    return result
