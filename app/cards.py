"""What a social security card read means for the clerk: checks, warnings, form values.

The device layer returns what the card holds; here it meets the rules (the
SSN must be a valid citizen ID number that agrees with the card's own birth
date and sex), because devices/ may not import forms/.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.errors import mask_id_number
from devices.card.sscard import SocialSecurityCardRecord
from forms.idnumber import find_problem, parse


@dataclass(frozen=True)
class IdentityReading:
    """One person's identity as read from a document: what to fill, and what the clerk should check."""

    source: str  # the document, as the clerk calls it: 社保卡, 居民身份证, ...
    name: str
    id_number: str
    warnings: tuple[str, ...] = ()
    ssn_valid: bool = True
    #: identity attributes (id_number, name, sex, birth_date, ethnicity, address) -> value
    values: dict[str, str] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        return f"{self.name}（{mask_id_number(self.id_number)}）"


def check_card(record: SocialSecurityCardRecord, *, today: date | None = None) -> IdentityReading:
    """Cross-check the card and turn it into form values; problems become warnings, not errors.

    A card that holds odd data is still the applicant's card: the clerk sees
    each problem and decides, nothing is silently dropped.
    """
    warnings: list[str] = []
    problem = find_problem(record.ssn, today=today)
    if problem is not None:
        warnings.append(f"卡内社会保障号码不符合公民身份号码规则：{problem.message}。请核对身份证件。")
    else:
        info = parse(record.ssn, today=today, regions={})
        if record.birth_date is not None and record.birth_date != info.birth_date:
            warnings.append("卡内出生日期与社会保障号码不一致，请核对身份证件。")
        if record.sex is not None and record.sex != info.sex:
            warnings.append("卡内性别与社会保障号码不一致，请核对身份证件。")
    if record.expired:
        until = record.expiry_date.isoformat() if record.expiry_date else "未知"
        warnings.append(f"社保卡已过期（有效期至 {until}），可继续办理，请提醒持卡人换领新卡。")
    if record.name_undecodable:
        warnings.append("姓名含卡内编码无法显示的字，已用“�”代替。请按身份证件人工更正姓名。")

    values = {"id_number": record.ssn.upper()}
    if not record.name_undecodable:
        values["name"] = record.name
    if record.sex:
        values["sex"] = record.sex
    if record.birth_date:
        values["birth_date"] = record.birth_date.isoformat()
    if record.ethnicity_code:
        values["ethnicity"] = record.ethnicity_code
    return IdentityReading(source="社保卡", name=record.name, id_number=record.ssn, warnings=tuple(warnings),
                           ssn_valid=problem is None, values=values)
