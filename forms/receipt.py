"""The acceptance receipt (受理回执): what the applicant takes home after the counter accepts a case.

Pure data so that the same receipt can be rendered (``app.receipt_render``), stored with the
submission and compared in tests without Qt. ``build_receipt`` is the one way in: it masks the ID
numbers before they reach any field (the receipt is handed out and may be lost, so a full ID number
must never be printed on it) and computes the due date from the legal time limit in working days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from core.errors import mask_id_number
from forms.agent import acting_text
from forms.rules.deadlines import HolidayCalendar, count_due_date, provisional_note

#: the office's legal time is Beijing time (UTC+8, no daylight saving since 1991); the working-day count
#: starts from the date there. A fixed offset needs no tz database, which a fresh Windows or slim
#: Debian install may lack.
CHINA_TZ = timezone(timedelta(hours=8), "CST")
#: printed when the terminal's configuration has no office name: the generic term of the regulation
DEFAULT_OFFICE_NAME = "社会保险经办机构"


@dataclass(frozen=True)
class ReceivedMaterial:
    """One material on the receipt, as the counter took it in (or waived it)."""

    name: str  # material name as in the form definition
    pages: int  # 0 when waived
    waived_reason: str | None = None  # 免于提交 with the clerk's reason

    def line(self) -> str:
        """The material's text after its number: pages received, or the waiver with its reason."""
        if self.waived_reason is not None:
            return f"{self.name}　免于提交（原因：{self.waived_reason}）"
        return f"{self.name}　{self.pages} 页"


@dataclass(frozen=True)
class Receipt:
    """Everything printed on one receipt, already masked and computed."""

    receipt_no: str
    office_name: str
    item_name: str
    applicant_name: str
    applicant_id_masked: str
    agent_name: str | None
    agent_id_masked: str | None
    received_at: datetime  # aware
    materials: tuple[ReceivedMaterial, ...]
    time_limit_days: int | None  # None: the regulation sets no day count for this item
    time_limit_basis: str  # e.g. 《社会保险经办条例》第十八条
    due: date | None  # None exactly when time_limit_days is None
    clerk_name: str
    clerk_id: str
    offline: bool  # accepted at the counter while the central system was unreachable
    #: years counted from the statutory holidays because their schedule was not published (预计); empty: final
    due_provisional_years: tuple[int, ...] = ()
    #: the agent's relation to the applicant as printed (子女), or None (no agent, or a receipt from before)
    agent_relation: str | None = None
    #: whom the agent acted for when not the applicant by name (a unit: ``FormDef.agent.acts_for``)
    agent_acts_for: str | None = None
    #: taken at the applicant's home (上门服务, issue 19), and the community or village named, if any
    home_visit: bool = False
    visit_place: str | None = None
    #: the signature drawn at the counter (a PNG, issue 19), printed in its box; None: the item asks for none
    signature_png: bytes | None = None
    #: who signed, printed before it: 申请人, 代办人 or 见证人
    signer_label: str = "申请人"
    #: printed above a witness's signature: who could not sign, why, and who signed for them
    signer_note: str | None = None

    def __post_init__(self) -> None:
        # The invariants hold for receipts read back from storage too, not only for build_receipt's.
        if not self.receipt_no.strip():
            raise ValueError("receipt_no must not be empty")
        if self.received_at.tzinfo is None or self.received_at.utcoffset() is None:
            raise ValueError("received_at must be timezone-aware")
        if (self.time_limit_days is None) != (self.due is None):
            raise ValueError("due must be None exactly when time_limit_days is None")
        if self.due is None and self.due_provisional_years:
            raise ValueError("only a due date can be provisional")

    @property
    def due_provisional(self) -> bool:
        """The due date was counted without a year's published schedule and may still move."""
        return bool(self.due_provisional_years)

    def received_local(self) -> datetime:
        """The time of receipt in Beijing time, as printed."""
        return self.received_at.astimezone(CHINA_TZ)

    def received_text(self) -> str:
        """``YYYY-MM-DD HH:MM`` in Beijing time."""
        return self.received_local().strftime("%Y-%m-%d %H:%M")

    def due_text(self) -> str:
        """The due date with the day count and its legal basis, or why there is none.

        Without a day count the basis itself says why (e.g. "《社会保险经办条例》第十九条（…未规定办理天数）"),
        as the form definition words it. A provisional date says so first, and which year's schedule
        decides it: "2027-01-18（预计，以2027年节假日安排公布后为准；20个工作日，依据…）".
        """
        if self.due is None or self.time_limit_days is None:
            return self.time_limit_basis
        if self.due_provisional_years:
            return (f"{self.due.isoformat()}（{provisional_note(self.due_provisional_years)}；"
                    f"{self.time_limit_days}个工作日，依据{self.time_limit_basis}）")
        return f"{self.due.isoformat()}（{self.time_limit_days}个工作日，依据{self.time_limit_basis}）"

    def applicant_text(self) -> str:
        """Name and masked ID number on one line."""
        return f"{self.applicant_name}（证件号码 {self.applicant_id_masked}）"

    def agent_text(self) -> str | None:
        """Who acted for whom, with the agent's relation and masked ID number (``forms.agent``), or None when
        the applicant came in person."""
        if self.agent_name is None:
            return None
        return acting_text(agent_name=self.agent_name, applicant_name=self.agent_acts_for or self.applicant_name,
                           relation=self.agent_relation or "", agent_id_masked=self.agent_id_masked)

    def service_text(self) -> str | None:
        """How the case was served when not at a window: "上门服务（城关镇幸福村）"; None at a window."""
        if not self.home_visit:
            return None
        return f"上门服务（{self.visit_place}）" if self.visit_place else "上门服务"

    def clerk_text(self) -> str:
        """``name（工号 id）``."""
        return f"{self.clerk_name}（工号 {self.clerk_id}）"


def build_receipt(*, receipt_no: str, office_name: str, item_name: str,
                  applicant_name: str, applicant_id_number: str,
                  agent_name: str | None = None, agent_id_number: str | None = None,
                  agent_relation: str | None = None, agent_acts_for: str | None = None,
                  received_at: datetime, materials: Sequence[ReceivedMaterial],
                  time_limit_days: int | None, time_limit_basis: str,
                  calendar: HolidayCalendar, clerk_name: str, clerk_id: str,
                  offline: bool = False, home_visit: bool = False,
                  visit_place: str | None = None, signature_png: bytes | None = None,
                  signer_label: str = "申请人", signer_note: str | None = None) -> Receipt:
    """A receipt with the ID numbers masked and the due date counted in Beijing working days.

    A naive ``received_at`` is refused: the terminal's clock zone is not necessarily China's, and
    guessing would shift the due date by a day for receipts late in the evening.
    A year after the last published schedule is counted from the statutory holidays and the date is
    marked provisional (``forms.rules.deadlines.count_due_date``); ``MissingHolidaySchedule`` propagates
    for a year beyond those: a guessed date on an official document is worse than none.
    """
    if not receipt_no.strip():
        raise ValueError("receipt_no must not be empty")
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise ValueError("received_at must be timezone-aware")
    due: date | None = None
    provisional: tuple[int, ...] = ()
    if time_limit_days is not None:
        counted = count_due_date(received_at.astimezone(CHINA_TZ).date(), time_limit_days, calendar)
        due, provisional = counted.day, counted.provisional_years
    return Receipt(
        receipt_no=receipt_no.strip(),
        office_name=office_name.strip() or DEFAULT_OFFICE_NAME,
        item_name=item_name,
        applicant_name=applicant_name,
        applicant_id_masked=mask_id_number(applicant_id_number),
        agent_name=agent_name,
        agent_id_masked=mask_id_number(agent_id_number) if agent_id_number else None,
        received_at=received_at,
        materials=tuple(materials),
        time_limit_days=time_limit_days,
        time_limit_basis=time_limit_basis,
        due=due,
        clerk_name=clerk_name,
        clerk_id=clerk_id,
        offline=offline,
        due_provisional_years=provisional,
        agent_relation=agent_relation if agent_name else None,
        agent_acts_for=agent_acts_for if agent_name else None,
        home_visit=home_visit,
        visit_place=(visit_place or "").strip() or None if home_visit else None,
        signature_png=signature_png,
        signer_label=signer_label,
        signer_note=signer_note if signature_png is not None else None,
    )
