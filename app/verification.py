"""人员信息核验: what a card or ID card says, checked item by item against the central registry (issue 20).

The clerk reads the applicant's ID card or social security card; the lookup returns the registry's record; each
identity item is 一致 or 不一致, the card's state at the card management system is 正常 or not, and one verdict
says whether the person may be served on this document. Pure: ``IdentityReading`` and ``PersonOut`` in, a
``Verification`` out; the widget shows it, the tests build both values.

What the document itself could not give (a name the card's coding cannot hold) is 无法核验, not 一致: the
verdict is only 一致 when every item was compared and agreed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from app.cards import IdentityReading
from app.person_query import SEX_LABELS
from core.errors import mask_id_number
from protocol.lookup import (
    BENEFIT_STATUS_LABELS,
    CARD_STATUS_LABELS,
    INSURANCE_LABELS,
    INSURED_STATUS_LABELS,
    PersonOut,
)


class Match(enum.StrEnum):
    SAME = "一致"
    DIFFERENT = "不一致"
    UNKNOWN = "无法核验"


@dataclass(frozen=True)
class CheckedItem:
    label: str
    document: str
    registry: str
    match: Match


@dataclass(frozen=True)
class Verification:
    """Items compared, the registry's other facts (参保, 待遇), and the verdict in a sentence."""

    items: tuple[CheckedItem, ...]
    facts: tuple[str, ...]
    consistent: bool
    verdict: str


#: (identity attribute, label, how to show a value)
_ITEMS = (
    ("name", "姓名"),
    ("id_number", "公民身份号码"),
    ("sex", "性别"),
    ("birth_date", "出生日期"),
)


def _shown(key: str, value: str | None) -> str:
    if not value:
        return "—"
    if key == "id_number":
        return mask_id_number(value)
    if key == "sex":
        return SEX_LABELS.get(value, value)
    return value


def verify(reading: IdentityReading, person: PersonOut | None) -> Verification:
    """Compare the document with the registry; ``person`` None: the central system has no such person."""
    if person is None:
        return Verification(items=(), facts=(), consistent=False, verdict=(
            f"不一致：中心系统没有{reading.source}上这个号码（{mask_id_number(reading.id_number)}）的参保登记记录。"
            "如本人从未参保，可办理个人参保登记；如曾参保，请核对证件号码或到参保地核实。"))
    registry = {"name": person.name, "id_number": person.id_number, "sex": person.sex,
                "birth_date": person.birth_date}
    items: list[CheckedItem] = []
    for key, label in _ITEMS:
        read = reading.values.get(key) or (reading.id_number if key == "id_number" else None)
        if key == "name" and read is None and reading.name and "\ufffd" not in reading.name:
            read = reading.name
        if read is None:
            match = Match.UNKNOWN
        else:
            match = Match.SAME if read.strip().upper() == registry[key].strip().upper() else Match.DIFFERENT
        items.append(CheckedItem(label, _shown(key, read), _shown(key, registry[key]), match))
    card_ok = person.card.status == "normal"
    items.append(CheckedItem("社保卡状态", "—", CARD_STATUS_LABELS.get(person.card.status, person.card.status),
                             Match.SAME if card_ok else Match.DIFFERENT))
    facts = []
    pension = next((i for i in person.insurances if i.insurance == "pension"), None)
    facts.append(f"{INSURANCE_LABELS['pension']}："
                 + (f"{INSURED_STATUS_LABELS.get(pension.status, pension.status)}，累计缴费 {pension.months} 个月"
                    if pension is not None else "未查询到参保信息"))
    facts.append(f"职工养老待遇：{BENEFIT_STATUS_LABELS.get(person.benefit.status, person.benefit.status)}")
    facts.extend(f"读卡提示：{warning}" for warning in reading.warnings)
    different = [i.label for i in items if i.match is Match.DIFFERENT]
    unknown = [i.label for i in items if i.match is Match.UNKNOWN]
    if different:
        what = "、".join(different)
        todo = ("社保卡已挂失或补换，此卡不能使用；请核实持卡人身份。" if not card_ok
                else "请核对证件原件；如登记信息有误，请办理“职工/退休参保信息变更登记”。")
        if not card_ok and len(different) > 1:
            todo += "登记信息不一致之处请核对证件原件。"
        verdict = f"不一致：{what}与中心系统登记不符。{todo}"
    elif unknown:
        verdict = f"无法完全核验：{'、'.join(unknown)}未能从证件读取，请人工核对证件原件。"
    else:
        verdict = "一致：证件信息与中心系统登记一致，社保卡状态正常。"
    if person.benefit.status == "deceased":
        verdict += "注意：中心系统记载该人员已死亡。"
    return Verification(items=tuple(items), facts=tuple(facts), consistent=not different and not unknown
                        and person.benefit.status != "deceased", verdict=verdict)
