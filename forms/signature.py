"""Who signs a case at the counter (issue 19): the agent when one acts for the applicant, else the applicant.

Pure, so that the form page, the receipt, its reprint and the case view decide it the same way from the
values, and nothing about the signer needs storing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from forms.definitions import FormDef

Signer = Literal["applicant", "agent"]
#: the words printed under the signature and shown above the pad
SIGNER_LABELS: Mapping[Signer, str] = {"applicant": "申请人", "agent": "代办人"}


def signer_of(form: FormDef | None, values: Mapping[str, object]) -> Signer:
    """Who signs: the agent when the form names one (代办), otherwise the applicant."""
    if form is None:
        return "applicant"
    agent_name = form.identity_field("name", "agent")
    if agent_name is not None and str(values.get(agent_name.key) or "").strip():
        return "agent"
    return "applicant"


def signer_name(form: FormDef, values: Mapping[str, object]) -> str:
    """The signer's name as typed or read from a card ("" when not filled in yet)."""
    field = form.identity_field("name", signer_of(form, values))
    return str(values.get(field.key) or "").strip() if field is not None else ""
