"""Who signs a case at the counter (issue 19): the agent when one acts for the applicant, else the applicant,
or a witness when the applicant cannot sign.

Pure, so that the form page, the receipt, its reprint and the case view decide it the same way from the
values, and nothing about the signer needs storing beyond them.

An applicant who cannot write their name (never learnt to, cannot see the pad, a hand that cannot hold a
pen) and came without an agent is not turned away: as on paper forms (“本人无法签字的，由见证人签字并注明”),
a witness present at the counter signs in their place, and the case keeps why and who (``WITNESS_KEY`` in
its values, so it travels with the case to the central system and prints on the receipt and its reprint).
An agent who acts for the applicant signs as the agent: a witness is only for an applicant acting alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from forms.definitions import FormDef

Signer = Literal["applicant", "agent", "witness"]
#: the words printed under the signature and shown above the pad
SIGNER_LABELS: Mapping[Signer, str] = {"applicant": "申请人", "agent": "代办人", "witness": "见证人"}
#: the case value (a mapping: ``reason``, ``name``) naming the witness who signed for the applicant
WITNESS_KEY = "_signature_witness"
#: why an applicant cannot sign, as the clerk picks it (another reason may be typed)
UNABLE_REASONS: tuple[str, ...] = ("不识字", "视力残疾", "肢体残疾或手部伤病", "年老体弱或病重")
_NAME_CHARS = (1, 30)
_REASON_CHARS = (2, 40)


@dataclass(frozen=True)
class Witness:
    """Who signed for an applicant who could not, and why."""

    name: str
    reason: str

    def as_value(self) -> dict[str, str]:
        return {"name": self.name, "reason": self.reason}


def witness_problem(witness: Witness, applicant_name: str = "") -> str | None:
    """Why this witness cannot be recorded (in the clerk's words), or None."""
    name, reason = witness.name.strip(), witness.reason.strip()
    if not _REASON_CHARS[0] <= len(reason) <= _REASON_CHARS[1]:
        return f"请说明申请人无法签字的原因（{_REASON_CHARS[0]}-{_REASON_CHARS[1]}个字）。"
    if not _NAME_CHARS[0] <= len(name) <= _NAME_CHARS[1] or any(c.isdigit() for c in name):
        return "请填写见证人的姓名。"
    if applicant_name.strip() and name == applicant_name.strip():
        return "见证人不能是申请人本人。"
    return None


def witness_of(values: Mapping[str, object]) -> Witness | None:
    """The witness recorded in a case's values, or None (also for a malformed entry)."""
    found = values.get(WITNESS_KEY)
    if not isinstance(found, Mapping):
        return None
    name, reason = str(found.get("name") or "").strip(), str(found.get("reason") or "").strip()
    return Witness(name, reason) if name and reason else None


def witness_note(witness: Witness, applicant_name: str = "") -> str:
    """The line printed above the witness's signature and shown in the case."""
    who = f"申请人{applicant_name}" if applicant_name else "申请人"
    return f"{who}因{witness.reason}无法签字，由见证人{witness.name}见证并代为签字"


def has_agent(form: FormDef | None, values: Mapping[str, object]) -> bool:
    """The form names an agent (代办) in these values."""
    agent_name = form.identity_field("name", "agent") if form is not None else None
    return agent_name is not None and bool(str(values.get(agent_name.key) or "").strip())


def signer_of(form: FormDef | None, values: Mapping[str, object]) -> Signer:
    """Who signs: the agent when the form names one (代办), otherwise the applicant, or the witness recorded
    for an applicant who could not sign."""
    if has_agent(form, values):
        return "agent"
    return "witness" if witness_of(values) is not None else "applicant"


def signer_name(form: FormDef, values: Mapping[str, object]) -> str:
    """The signer's name as typed or read from a card ("" when not filled in yet)."""
    signer = signer_of(form, values)
    if signer == "witness":
        witness = witness_of(values)
        return witness.name if witness is not None else ""
    field = form.identity_field("name", signer)
    return str(values.get(field.key) or "").strip() if field is not None else ""
