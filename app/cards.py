"""What a card read means for the clerk: checks, warnings, form values.

The device layer returns what a social security card or an ID card holds; here
it meets the rules (the number must be a valid citizen ID number that agrees
with the document's own birth date and sex), because devices/ may not import
forms/. Problems become warnings the clerk sees, never silent corrections.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.errors import mask_id_number
from devices.card.sscard import SocialSecurityCardRecord
from devices.idcard.record import IdCardRecord
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
    #: the social security card's own number (卡号), to tell the card read from one the registry reports lost
    card_number: str | None = None

    @property
    def summary(self) -> str:
        return f"{self.name}（{mask_id_number(self.id_number)}）"


def _number_warnings(number: str, birth: date | None, sex: str | None, what: str,
                     today: date | None) -> tuple[bool, list[str]]:
    """Is ``number`` a valid GB 11643 number that agrees with the document's own birth date and sex?"""
    problem = find_problem(number, today=today)
    if problem is not None:
        return False, [f"{what}不符合公民身份号码规则：{problem.message}。请核对证件。"]
    info = parse(number, today=today, regions={})
    warnings = []
    if birth is not None and birth != info.birth_date:
        warnings.append(f"证件上的出生日期与{what}不一致，请核对证件。")
    if sex is not None and sex != info.sex:
        warnings.append(f"证件上的性别与{what}不一致，请核对证件。")
    return True, warnings


def _identity_values(id_number: str, name: str | None, sex: str | None, birth: date | None,
                     ethnicity: str | None, address: str | None) -> dict[str, str]:
    """Identity attributes for the form; what a document does not hold is left out, not blanked."""
    values = {"id_number": id_number.upper(), "name": name, "sex": sex,
              "birth_date": birth.isoformat() if birth else None, "ethnicity": ethnicity, "address": address}
    return {key: value for key, value in values.items() if value}


def check_card(record: SocialSecurityCardRecord, *, today: date | None = None) -> IdentityReading:
    """Cross-check the card and turn it into form values; problems become warnings, not errors.

    A card that holds odd data is still the applicant's card: the clerk sees
    each problem and decides, nothing is silently dropped.
    """
    valid, warnings = _number_warnings(record.ssn, record.birth_date, record.sex, "卡内社会保障号码", today)
    if record.expired:
        until = record.expiry_date.isoformat() if record.expiry_date else "未知"
        warnings.append(f"社保卡已过期（有效期至 {until}），可继续办理，请提醒持卡人换领新卡。")
    if record.name_undecodable:
        warnings.append("姓名含卡内编码无法显示的字，已用“�”代替。请按身份证件人工更正姓名。")

    values = _identity_values(record.ssn, None if record.name_undecodable else record.name, record.sex,
                              record.birth_date, record.ethnicity_code, None)
    return IdentityReading(source="社保卡", name=record.name, id_number=record.ssn, warnings=tuple(warnings),
                           ssn_valid=valid, values=values, card_number=record.card_number or None)


#: what the clerk calls each kind of card the ID reader reads
ID_CARD_NAMES = {
    "resident": "居民身份证",
    "hkmt_permit": "港澳台居民居住证",
    "foreign_old": "外国人永久居留身份证",
    "foreign_2023": "外国人永久居留身份证",
}


def check_id_card(record: IdCardRecord, *, today: date | None = None) -> IdentityReading:
    """An ID reader's card as form values, with the number checked where GB 11643 applies."""
    today = today or date.today()
    source = ID_CARD_NAMES[record.card_type]
    warnings: list[str] = []
    valid = True
    if record.card_type in ("resident", "hkmt_permit"):  # both carry a GB 11643 number
        valid, warnings = _number_warnings(record.id_number, record.birth_date, record.sex,
                                           f"{source}号码", today)
    if not record.valid_long_term and record.valid_to is not None and record.valid_to < today:
        warnings.append(f"{source}已过期（有效期至 {record.valid_to.isoformat()}），请核对后决定是否受理。")
    values = _identity_values(record.id_number, record.name, record.sex, record.birth_date,
                              record.ethnicity_code, record.address)
    return IdentityReading(source=source, name=record.name, id_number=record.id_number,
                           warnings=tuple(warnings), ssn_valid=valid, values=values)
