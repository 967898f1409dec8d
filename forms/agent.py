"""Who acted for whom (issue 19 item 5): one sentence for the receipt, the result page, the case view and
the applicant's screen.

The applicant (or the person at home they came for) must be able to see that an agent acted, who, and
in what capacity; a clerk reviewing the case must see the same. One function words it, so the receipt
and the screens cannot disagree. Only the masked ID number is ever part of it: the sentence is printed
on a receipt that may be lost and shown on a screen facing the hall.

Pure, no Qt: ``acting_for(values, form)`` reads the form's values as the clerk entered them (or as a
submission stored them).
"""

from __future__ import annotations

from collections.abc import Mapping

from core.errors import mask_id_number
from forms.agent_section import ID_NUMBER, NAME, RELATION, RELATIONS, agent_acts
from forms.definitions import FormDef

#: why the agent cannot be the applicant: the entrusting (授权委托) is between two different people
AGENT_IS_APPLICANT = "代办人不能是申请人本人：代办人公民身份号码与申请人相同。本人到场办理时请清空代办人信息。"


def agent_problems(form: FormDef, values: Mapping[str, str]) -> dict[str, str]:
    """The agent's own rules beyond each field's: the agent is another person than the applicant, and than
    anyone else the form names by ID number (the deceased, the pensioner reported). Field key -> message.

    That the agent's name, ID number and relation are given once any of them is, and that the number
    passes the GB 11643 checks, are the standard fields' own rules (``forms.agent_section``).
    """
    agent = form.identity_field("id_number", "agent")
    if agent is None:
        return {}
    theirs = values.get(agent.key, "").strip().upper()
    if not theirs:
        return {}
    applicant = form.identity_field("id_number")
    if applicant is not None and values.get(applicant.key, "").strip().upper() == theirs:
        return {agent.key: AGENT_IS_APPLICANT}
    for section in form.sections:
        if section.role == "agent":
            continue
        for field in section.fields:
            if field.type == "idnumber" and values.get(field.key, "").strip().upper() == theirs:
                return {agent.key: f"代办人公民身份号码与“{field.label}”相同：代办人须是另一人。"
                                   "请核对后重新读取代办人证件。"}
    return {}


def relation_label(value: str) -> str:
    """The relation as printed (子女), or the stored value when it is not a standard one (an old case)."""
    return RELATIONS.get(value, value)


def relation_of(values: Mapping[str, object]) -> str | None:
    """The agent's relation as printed, from a form's values or a stored payload; None when not given."""
    value = str(values.get(RELATION) or "").strip()
    return relation_label(value) if value else None


def acting_text(*, agent_name: str, applicant_name: str, relation: str = "",
                agent_id_masked: str | None = None) -> str:
    """``代办人 王小梅（子女，证件号码 610***…）代 王建国 办理`` from parts already masked and labelled."""
    details = "，".join(part for part in (relation, f"证件号码 {agent_id_masked}" if agent_id_masked else "") if part)
    who = f"代办人 {agent_name or '（未填姓名）'}" + (f"（{details}）" if details else "")
    whom = f"代 {applicant_name} 办理" if applicant_name else "代申请人办理"
    return f"{who}{whom}"


def principal_name(values: Mapping[str, object], form: FormDef | None = None) -> str:
    """The name of whom the agent acts for: the definition's ``agent.acts_for`` field (a unit's name),
    else the applicant's name."""
    key = "name"
    if form is not None:
        name_field = form.identity_field("name")
        key = form.agent.acts_for or (name_field.key if name_field is not None else key)
    return str(values.get(key) or "").strip()


def acting_for(values: Mapping[str, object], form: FormDef | None = None, *, with_id: bool = True) -> str | None:
    """Who acted for whom, or None when the applicant came in person.

    ``form`` names the applicant's name field and whom the agent acts for; without it the standard keys
    are read. ``with_id``: add the agent's masked ID number (never the full one).
    """
    if not agent_acts(values):
        return None
    number = str(values.get(ID_NUMBER) or "").strip()
    return acting_text(agent_name=str(values.get(NAME) or "").strip(),
                       applicant_name=principal_name(values, form),
                       relation=relation_of(values) or "",
                       agent_id_masked=mask_id_number(number) if with_id and number else None)
