"""Looking a person or an employer up at the central system (issue 20), while the applicant waits.

A lookup is online only and always has a reason (``app.lookups.LookupReason``): the person's social security
card or ID card was read at the window, or the clerk typed why (a note of 2-200 characters). It is asked with
a counter's short timeout (``sync.client.LOOKUP_TIMEOUT``); when the central system cannot be reached the
answer is ``LookupOutcome.OFFLINE`` with a sentence for the window, never an exception, and the window
carries on with what the card said. Nobody registered is ``NOT_REGISTERED``; a refusal or an unreadable
answer is ``FAILED`` with the reason in Chinese.

Every lookup, whatever its outcome, goes on this terminal's audit trail (``AuditAction.LOOKUP``: lookup id,
subject kind, reason kind, outcome; the person as the audit's person key, never a number in the details);
the central system records it too, under the same id. Nothing of the answer is kept here: it lives as long as
the form or screen that asked for it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import TypeVar

from pydantic import ValidationError as PydanticValidationError

from app.lookups import EmployerLookup, LookupOutcome, LookupReason, PersonLookup, RegisteredCheck
from app.permissions import Permission, require
from app.terminal import Terminal
from core.errors import CentralNotTrusted, CentralUnreachable, SyncError, ValidationError, mask_id_number
from forms.idnumber import find_problem, normalise
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import ClerkInfo
from protocol.lookup import (
    MAX_REGISTERED_CHECK,
    REASON_NOTE_MAX,
    REASON_NOTE_MIN,
    EmployerLookupIn,
    LookupReasonIn,
    PersonLookupIn,
    RegisteredCheckIn,
)
from sync.client import MalformedAnswer

__all__ = ["OFFLINE_MESSAGE", "check_registered", "look_up_employer", "look_up_person"]

#: what the window says when the central system cannot be reached
OFFLINE_MESSAGE = "未能连接中心系统，已按卡面信息继续办理。"
NOT_CONFIGURED_MESSAGE = "本终端未连接中心系统，无法查询，已按卡面信息继续办理。"
NOT_REGISTERED_MESSAGE = "中心系统中没有该公民身份号码的参保登记记录。"
EMPLOYER_UNKNOWN_MESSAGE = "中心系统中没有该单位的参保登记记录。"

Answer = TypeVar("Answer")


def reason_body(reason: LookupReason) -> LookupReasonIn:
    """The reason as the protocol takes it; a typed reason without a usable note is refused here, in Chinese."""
    note = reason.note.strip() if reason.note else None
    if reason.kind == "typed" and (note is None or not REASON_NOTE_MIN <= len(note) <= REASON_NOTE_MAX):
        raise ValidationError("reason", f"请填写查询理由（{REASON_NOTE_MIN}至{REASON_NOTE_MAX}个字）。",
                              hint="未读卡查询须写明原因，例如“申请人电话咨询本人参保状态，已核实身份”。")
    try:
        return LookupReasonIn.model_validate({"kind": reason.kind, "note": note or None, "item_code": reason.item_code})
    except PydanticValidationError:
        raise ValidationError("reason", "查询理由含有不能使用的字符或过长。",
                              hint="请只使用文字、数字和常用标点重新填写。") from None


def _id_number(id_number: str, today: date) -> str:
    number = normalise(id_number)
    problem = find_problem(number, today=today)
    if problem is not None:
        raise ValidationError("id_number", f"公民身份号码有误：{problem.message}。", hint="请核对证件后重新输入。")
    return number


def ask_central(terminal: Terminal, call: Callable[[], Answer]) -> tuple[Answer | None, LookupOutcome, str]:
    """Ask the central system; what came back, or OFFLINE / FAILED with the window's sentence."""
    if terminal.client is None:
        return None, LookupOutcome.OFFLINE, NOT_CONFIGURED_MESSAGE
    try:
        return call(), LookupOutcome.FOUND, ""
    except CentralNotTrusted:  # before its base class: a central system that may not be ours is no "offline"
        return None, LookupOutcome.FAILED, "中心系统的证书未通过校验，查询未能完成；请联系系统管理员。"
    except CentralUnreachable:  # CentralTooSlow among them
        return None, LookupOutcome.OFFLINE, OFFLINE_MESSAGE
    except MalformedAnswer:
        return None, LookupOutcome.FAILED, "中心系统的应答无法识别，查询未能完成；已按卡面信息继续办理。"
    except SyncError as exc:
        status = exc.status or 0
        if status in (401, 403):
            return None, LookupOutcome.FAILED, ("中心系统拒绝了本终端的身份凭证，查询未能完成；"
                                                "请联系系统管理员检查终端令牌。")
        if status == 429 or status >= 500:
            return None, LookupOutcome.FAILED, "中心系统暂时繁忙，查询未能完成；已按卡面信息继续办理，可稍后再查。"
        code = getattr(exc, "code", None) or ""
        return None, LookupOutcome.FAILED, f"中心系统拒绝了这次查询（{status} {code}）；请联系系统管理员。"


def audit_lookup(terminal: Terminal, clerk: ClerkInfo, lookup_id: str, subject_kind: str, reason: LookupReasonIn,
           outcome: LookupOutcome, *, id_number: str | None = None, extra: dict[str, str | int] | None = None) -> None:
    detail: dict[str, str | int] = {"lookup": lookup_id, "subject": subject_kind, "reason": reason.kind,
                                    "outcome": outcome.value}
    if reason.item_code:
        detail["item"] = reason.item_code
    detail.update(extra or {})
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.LOOKUP, clerk.id, lookup_id, id_number, detail))


def lookup_fields(lookup_id: str, clerk: ClerkInfo, reason: LookupReasonIn, moment: datetime) -> dict[str, object]:
    """The fields every lookup body has, as the wire takes them (the bodies are strict JSON models)."""
    return {"id": lookup_id, "clerk_id": clerk.id, "reason": reason.model_dump(exclude_none=True),
            "created_at": moment.isoformat()}


def moment_of(now: datetime | None) -> datetime:
    moment = now or datetime.now(UTC)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def look_up_person(terminal: Terminal, clerk: ClerkInfo, id_number: str, reason: LookupReason, *,
                   now: datetime | None = None) -> PersonLookup:
    """What the central system knows of the person with ``id_number`` (FOUND with ``person``), or why not.

    Refused (raises) for a clerk without ``Permission.LOOKUP``, an invalid ID number, or a typed reason
    without a note; everything else is an answer, recorded on the audit trail with the person's key."""
    require(clerk, Permission.LOOKUP)
    moment = moment_of(now)
    number = _id_number(id_number, moment.date())
    wire_reason = reason_body(reason)
    lookup_id = str(uuid.uuid4())
    body = PersonLookupIn.model_validate(lookup_fields(lookup_id, clerk, wire_reason, moment) | {"id_number": number})
    client = terminal.client
    answer, outcome, message = ask_central(terminal, lambda: client.lookup_person(body))  # type: ignore[union-attr]
    result = PersonLookup(outcome, message=message)
    if answer is not None:
        if answer.found and answer.person is not None:
            result = PersonLookup(LookupOutcome.FOUND, answer.person, lookup_id=lookup_id)
        else:
            result = PersonLookup(LookupOutcome.NOT_REGISTERED, message=NOT_REGISTERED_MESSAGE, lookup_id=lookup_id)
    elif outcome is LookupOutcome.FAILED:
        result = PersonLookup(outcome, message=message, lookup_id=lookup_id)
    audit_lookup(terminal, clerk, lookup_id, "person", wire_reason, result.outcome, id_number=number)
    return result


def look_up_employer(terminal: Terminal, clerk: ClerkInfo, *, unit_number: str | None = None,
                     uscc: str | None = None, reason: LookupReason, now: datetime | None = None) -> EmployerLookup:
    """One employer by unit number or unified social credit code (exactly one of them)."""
    require(clerk, Permission.LOOKUP)
    moment = moment_of(now)
    wire_reason = reason_body(reason)
    lookup_id = str(uuid.uuid4())
    unit = unit_number.strip().upper() if unit_number else None
    code = uscc.strip().upper() if uscc else None
    try:
        body = EmployerLookupIn.model_validate(lookup_fields(lookup_id, clerk, wire_reason, moment)
                                               | {"unit_number": unit, "uscc": code})
    except PydanticValidationError:
        field = "uscc" if code else "unit_number"
        raise ValidationError(field, "请输入单位编号或统一社会信用代码（二者之一，格式正确）。",
                              hint="单位编号为6至20位数字或大写字母；统一社会信用代码为18位。") from None
    if code is not None:
        from stdnum.cn import uscc as uscc_check

        if not uscc_check.is_valid(code):
            raise ValidationError("uscc", "统一社会信用代码校验不通过。", hint="请核对营业执照上的代码后重新输入。")
    client = terminal.client
    answer, outcome, message = ask_central(terminal, lambda: client.lookup_employer(body))  # type: ignore[union-attr]
    result = EmployerLookup(outcome, message=message)
    if answer is not None:
        if answer.found and answer.employer is not None:
            result = EmployerLookup(LookupOutcome.FOUND, answer.employer, lookup_id=lookup_id)
        else:
            result = EmployerLookup(LookupOutcome.NOT_REGISTERED, message=EMPLOYER_UNKNOWN_MESSAGE,
                                    lookup_id=lookup_id)
    elif outcome is LookupOutcome.FAILED:
        result = EmployerLookup(outcome, message=message, lookup_id=lookup_id)
    # the unit number names the employer on the trail; a credit code looks like an ID number to the trail's
    # guard, so it is kept masked when the unit number is not known
    unit_key = result.employer.unit_number if result.employer is not None else body.unit_number
    audit_lookup(terminal, clerk, lookup_id, "employer", wire_reason, result.outcome,
           extra={"unit": unit_key} if unit_key else {"uscc": mask_id_number(body.uscc or "")})
    return result


def check_registered(terminal: Terminal, clerk: ClerkInfo, unit_number: str | None, id_numbers: Sequence[str],
                     reason: LookupReason, *, now: datetime | None = None) -> RegisteredCheck:
    """Which of ``id_numbers`` (at most ``MAX_REGISTERED_CHECK``, each already a valid number: the batch
    import checks its rows first) the central system knows, and where each is insured. FOUND when at least
    one is known, NOT_REGISTERED when none is; OFFLINE / FAILED check nothing."""
    require(clerk, Permission.LOOKUP)
    moment = moment_of(now)
    wire_reason = reason_body(reason)
    numbers = list(dict.fromkeys(normalise(n) for n in id_numbers))
    if not numbers or len(numbers) > MAX_REGISTERED_CHECK:
        raise ValidationError("id_numbers", f"一次可核查1至{MAX_REGISTERED_CHECK}个公民身份号码，"
                                            f"本次为{len(numbers)}个。", hint="请分批核查。")
    lookup_id = str(uuid.uuid4())
    try:
        body = RegisteredCheckIn.model_validate(lookup_fields(lookup_id, clerk, wire_reason, moment)
                                                | {"unit_number": unit_number, "id_numbers": numbers})
    except PydanticValidationError:
        raise ValidationError("id_numbers", "待核查的号码或单位编号格式有误。",
                              hint="请先逐行检查公民身份号码，再核查是否已参保。") from None
    client = terminal.client
    answer, outcome, message = ask_central(terminal, lambda: client.check_registered(body))  # type: ignore[union-attr]
    result = RegisteredCheck(outcome, message=message)
    if answer is not None:
        known = {entry.id_number: entry for entry in answer.registered}
        result = RegisteredCheck(LookupOutcome.FOUND if known else LookupOutcome.NOT_REGISTERED, known,
                                 answer.checked, lookup_id=lookup_id)
    elif outcome is LookupOutcome.FAILED:
        result = RegisteredCheck(outcome, message=message, lookup_id=lookup_id)
    audit_lookup(terminal, clerk, lookup_id, "registered_check", wire_reason, result.outcome,
           extra={"unit": unit_number or "", "count": len(numbers), "known": len(result.registered)})
    return result
