"""Bodies of the lookup endpoints (issue 20): what the central system already knows of a person or employer.

A lookup is online only and always has a reason: the person's card or ID card was read at the window, or the
clerk typed why (an agent's phone call is not a reason; a person standing at the window is). Both sides record
it under the terminal-made ``id``: the central system in its ``lookups`` table, the terminal in its own record
and audit trail (with the ID number masked).

The ID number travels in the body of a POST, never in a URL: URLs end up in access logs and proxies.

Answer models follow ``protocol.models``: they ignore fields they do not know, and the status fields are any
string on reading (the documented values are in the ``*_LABELS`` tables), so a status a newer central system
adds shows as itself rather than making the answer unreadable.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import BaseModel, Field, model_validator

from protocol.models import MAX_TIME_LENGTH, PLAIN_TEXT, Identifier, StampedIn, WireIn

#: an 18-character resident ID number (the check character is checked by the receiving side's own rules)
ID_NUMBER_PATTERN = r"^[0-9]{17}[0-9X]$"
#: a social insurance unit number as the registry issues them (单位编号)
UNIT_NUMBER_PATTERN = r"^[0-9A-Z]{6,20}$"
#: a unified social credit code (统一社会信用代码, GB 32100-2015), 18 characters
USCC_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{18}$"
#: a clerk's typed reason: long enough to say something, short enough for a log line
REASON_NOTE_MIN, REASON_NOTE_MAX = 2, 200

ReasonKind = Literal["card_read", "id_card_read", "typed"]
REASON_LABELS: dict[str, str] = {
    "card_read": "读取社会保障卡",
    "id_card_read": "读取居民身份证",
    "typed": "经办人填写的理由",
}

#: the five insurances (五险), in the order the handbook's platform lists them
InsuranceCode = Literal["pension", "medical", "unemployment", "injury", "maternity"]
INSURANCE_LABELS: dict[str, str] = {
    "pension": "企业职工基本养老保险",
    "medical": "职工基本医疗保险",
    "unemployment": "失业保险",
    "injury": "工伤保险",
    "maternity": "生育保险",
}
#: an insurance's state for one person
INSURED_STATUS_LABELS: dict[str, str] = {
    "insured": "参保缴费",
    "suspended": "暂停缴费",
    "stopped": "终止参保",
}
#: the social security card's state at the card management system
CARD_STATUS_LABELS: dict[str, str] = {
    "normal": "正常",
    "lost": "已挂失",
    "replaced": "已补换（旧卡作废）",
    "none": "未制卡",
}
#: what the person receives
BENEFIT_STATUS_LABELS: dict[str, str] = {
    "none": "未领取待遇",
    "pension": "按月领取基本养老金",
    "suspended": "待遇暂停发放",
    "deceased": "已死亡（待遇终止）",
}
EMPLOYER_STATUS_LABELS: dict[str, str] = {
    "normal": "正常参保",
    "suspended": "暂停缴费",
    "cancelled": "已注销",
}
#: the most staff an employer lookup lists (the count is always whole); the rest page through the
#: one-stop query, never a bulk copy to the terminal
MAX_STAFF_LISTED = 200


class LookupReasonIn(WireIn):
    """Why the clerk looks someone up."""

    kind: ReasonKind = Field(description="card_read / id_card_read: the person's card was read at the window; "
                                         "typed: the clerk wrote why in ``note``")
    note: str | None = Field(default=None, min_length=REASON_NOTE_MIN, max_length=REASON_NOTE_MAX,
                             pattern=PLAIN_TEXT, description="the clerk's words; required when kind is typed")
    item_code: str | None = Field(default=None, max_length=64, pattern=r"^[a-z0-9_]+$",
                                  description="the service item being handled, when there is one")

    @model_validator(mode="after")
    def _typed_has_note(self) -> Self:
        if self.kind == "typed" and not (self.note or "").strip():
            raise ValueError("a typed reason needs its note")
        return self


class _LookupIn(StampedIn):
    id: str = Field(description="terminal-made UUID version 4, lower-case canonical form; names the lookup on "
                                "both sides")
    clerk_id: str = Identifier
    reason: LookupReasonIn
    created_at: str = Field(max_length=MAX_TIME_LENGTH, description="ISO 8601 time at the terminal, with offset")



class PersonLookupIn(_LookupIn):
    """``POST /v1/lookup/person``: one person by resident ID number."""

    id_number: str = Field(pattern=ID_NUMBER_PATTERN)


class EmployerLookupIn(_LookupIn):
    """``POST /v1/lookup/employer``: one employer by unit number or unified social credit code (exactly one)."""

    unit_number: str | None = Field(default=None, pattern=UNIT_NUMBER_PATTERN)
    uscc: str | None = Field(default=None, pattern=USCC_PATTERN)

    @model_validator(mode="after")
    def _one_key(self) -> Self:
        if (self.unit_number is None) == (self.uscc is None):
            raise ValueError("give exactly one of unit_number and uscc")
        return self


class EmployerRef(BaseModel):
    unit_number: str
    uscc: str | None = None
    name: str


class InsuranceOut(BaseModel):
    """One insurance of a person: its state and the months actually paid (实际缴费月数)."""

    insurance: str = Field(description="pension, medical, unemployment, injury, maternity")
    status: str = Field(description="insured, suspended, stopped (INSURED_STATUS_LABELS)")
    since: str | None = Field(default=None, description="first insured month, YYYY-MM")
    months: int = Field(ge=0, description="months paid in total")
    last_paid_month: str | None = Field(default=None, description="YYYY-MM")


class ContributionPeriodOut(BaseModel):
    """A stretch of months paid for one insurance at one employer (or as a flexible worker) at one base."""

    insurance: str
    start_month: str = Field(description="YYYY-MM")
    end_month: str = Field(description="YYYY-MM, inclusive")
    months: int = Field(ge=0, description="months paid within the stretch (arrears not yet paid are not counted)")
    base: str = Field(description="monthly contribution base in yuan, two decimals")
    employer: EmployerRef | None = Field(default=None, description="none: paid as a flexible worker")


class PensionAccountOut(BaseModel):
    """What the retirement panel needs from the pension record (养老保险权益记录)."""

    paid_months: int = Field(ge=0, description="实际缴费月数")
    deemed_months: int = Field(ge=0, description="视同缴费月数 (years before 1996 in a state unit)")
    account_balance: str = Field(description="个人账户储存额 in yuan, two decimals")
    avg_contribution_index: str = Field(description="平均缴费指数, two decimals")


class BenefitOut(BaseModel):
    status: str = Field(description="none, pension, suspended, deceased (BENEFIT_STATUS_LABELS)")
    since: str | None = Field(default=None, description="YYYY-MM-DD the status began")
    monthly_amount: str | None = Field(default=None, description="the monthly pension in yuan while received")
    paid_until: str | None = Field(default=None, description="YYYY-MM of the last month paid")
    pension_months: int | None = Field(default=None, ge=0,
                                       description="months of pension received (the survivor panel's input)")


class CardOut(BaseModel):
    status: str = Field(description="normal, lost, replaced, none (CARD_STATUS_LABELS)")
    card_number: str | None = None
    issued_on: str | None = Field(default=None, description="YYYY-MM-DD")
    changed_on: str | None = Field(default=None, description="YYYY-MM-DD the card was reported lost or replaced")


class PersonOut(BaseModel):
    id_number: str
    name: str
    sex: str = Field(description="male or female (the forms' values)")
    birth_date: str = Field(description="YYYY-MM-DD")
    ethnicity: str | None = None
    phone: str | None = None
    address: str | None = None
    household_address: str | None = None
    insured_category: str | None = Field(default=None, description="employee or flexible (the forms' values)")
    employer: EmployerRef | None = None
    work_start_date: str | None = Field(default=None, description="YYYY-MM-DD")
    insurances: list[InsuranceOut] = []
    periods: list[ContributionPeriodOut] = []
    pension: PensionAccountOut | None = None
    benefit: BenefitOut
    card: CardOut
    as_of: str = Field(description="ISO 8601 time the registry's record is of")


class PersonLookupAnswer(BaseModel):
    lookup_id: str
    found: bool = Field(description="false: no person with this ID number has ever been registered")
    person: PersonOut | None = None
    looked_up_at: str


class ContactOut(BaseModel):
    role: str = Field(description="e.g. 社保经办人, 法定代表人, 财务负责人")
    name: str
    phone: str | None = None


class StaffOut(BaseModel):
    id_number_masked: str = Field(description="first 3 and last 2 characters kept, as core.mask_id_number")
    name: str
    insurances: list[str] = Field(description="the insurances the person is insured for at this unit")
    since: str | None = Field(default=None, description="YYYY-MM")


class EmployerOut(BaseModel):
    unit_number: str
    uscc: str
    name: str
    status: str = Field(description="normal, suspended, cancelled (EMPLOYER_STATUS_LABELS)")
    registered_on: str = Field(description="YYYY-MM-DD")
    address: str | None = None
    legal_representative: str | None = None
    contacts: list[ContactOut] = []
    insurances: list[str] = []
    insured_staff: int = Field(ge=0, description="persons insured at this unit now")
    arrears_amount: str = Field(description="contributions owed in yuan, two decimals (0.00: none)")
    arrears_months: int = Field(ge=0)
    staff: list[StaffOut] = Field(default_factory=list, description=f"at most {MAX_STAFF_LISTED}")
    as_of: str


class EmployerLookupAnswer(BaseModel):
    lookup_id: str
    found: bool
    employer: EmployerOut | None = None
    looked_up_at: str


#: the most ID numbers one ``POST /v1/lookup/registered`` checks: an employer's batch import of new staff
#: (人员新增) takes at most this many rows, and checks them all at once
MAX_REGISTERED_CHECK = 10_000


class RegisteredCheckIn(_LookupIn):
    """``POST /v1/lookup/registered``: which of these ID numbers the registry knows, and where they are insured
    (the employer batch import's duplicate check). The reason is the employer's file: kind ``typed``, its note
    naming the batch."""

    unit_number: str | None = Field(default=None, pattern=UNIT_NUMBER_PATTERN,
                                    description="the unit whose batch this is (``same_unit`` in the answer)")
    id_numbers: list[Annotated[str, Field(pattern=ID_NUMBER_PATTERN)]] = Field(
        min_length=1, max_length=MAX_REGISTERED_CHECK, description=f"at most {MAX_REGISTERED_CHECK}")


class RegisteredOut(BaseModel):
    """One number of the batch the registry knows (the numbers it does not know are simply absent)."""

    id_number: str = Field(description="as sent (the terminal sent it; nothing new is disclosed)")
    name: str = Field(description="the registered name, to tell a wrong number from a namesake")
    insured: bool = Field(description="insured now (paying or suspended) for at least one insurance")
    insured_category: str | None = Field(default=None, description="employee, flexible; none: never insured")
    unit_number: str | None = Field(default=None, description="the unit the person is insured at now")
    unit_name: str | None = None
    same_unit: bool = Field(description="already insured at the unit the batch is for")
    insurances: list[str] = Field(default_factory=list, description="insurances insured now (paying or suspended)")
    benefit_status: str = Field(description="none, pension, suspended, deceased (BENEFIT_STATUS_LABELS)")


class RegisteredCheckAnswer(BaseModel):
    lookup_id: str
    checked: int = Field(ge=0, description="how many distinct numbers were checked")
    registered: list[RegisteredOut] = Field(default_factory=list, description="the known ones, in the order sent")
    looked_up_at: str


# -- 到龄确认查询 by unit (issue 20, the query screens) ---------------------------------------------------------
#: the furthest ahead a retirement-due query looks, in months (a year's planning for an employer's HR)
MAX_DUE_AHEAD_MONTHS = 24


class RetirementDueIn(_LookupIn):
    """``POST /v1/query/retirement-due``: the staff of one employer who reach the statutory retirement age by
    ``through_month`` (or have reached it and draw no pension yet): 到龄确认 for a unit. Exactly one of
    ``unit_number`` and ``uscc``; the reason is the clerk's (an employer has no card to read)."""

    unit_number: str | None = Field(default=None, pattern=UNIT_NUMBER_PATTERN)
    uscc: str | None = Field(default=None, pattern=USCC_PATTERN)
    through_month: str = Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="YYYY-MM, inclusive")

    @model_validator(mode="after")
    def _one_key(self) -> Self:
        if (self.unit_number is None) == (self.uscc is None):
            raise ValueError("give exactly one of unit_number and uscc")
        return self


class RetirementDueOut(BaseModel):
    """One person of the unit at or near retirement age; the terminal shows the months under its own rules."""

    id_number_masked: str = Field(description="first 3 and last 2 characters kept, as core.mask_id_number")
    name: str
    sex: str = Field(description="male or female")
    birth_date: str = Field(description="YYYY-MM-DD")
    insured_category: str | None = Field(default=None, description="employee or flexible")
    paid_months: int = Field(ge=0, description="pension months actually paid")
    deemed_months: int = Field(ge=0, description="视同缴费月数")
    retirement_month: str = Field(description="YYYY-MM the statutory age is reached (for a woman employee whose "
                                              "post is not recorded: the worker's, the earlier one)")
    post_decides: bool = Field(default=False, description="a woman employee: worker (50) or cadre (55) decides her "
                                                          "age, the archive says which")


class RetirementDueAnswer(BaseModel):
    lookup_id: str
    found: bool = Field(description="false: no employer with this key")
    employer: EmployerRef | None = None
    through_month: str
    persons: list[RetirementDueOut] = Field(default_factory=list, description=f"at most {MAX_STAFF_LISTED}, "
                                                                                "earliest first")
    looked_up_at: str
