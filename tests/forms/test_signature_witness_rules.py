"""Who signs when the applicant cannot (``forms.signature``): a witness, only without an agent, with a reason."""

from __future__ import annotations

from forms.definitions import load_form
from forms.signature import (
    WITNESS_KEY,
    Witness,
    signer_name,
    signer_of,
    witness_note,
    witness_of,
    witness_problem,
)

FORM = load_form("personal_registration")
WITNESS = {"name": "赵敏", "reason": "不识字"}


def test_a_recorded_witness_signs_for_an_applicant_acting_alone() -> None:
    values = {"name": "李秀英", WITNESS_KEY: WITNESS}
    assert signer_of(FORM, values) == "witness"
    assert signer_name(FORM, values) == "赵敏"
    assert signer_of(FORM, {"name": "李秀英"}) == "applicant"


def test_an_agent_signs_as_the_agent_even_with_a_witness_recorded() -> None:
    values = {"name": "李秀英", "agent_name": "王小明", WITNESS_KEY: WITNESS}
    assert signer_of(FORM, values) == "agent"
    assert signer_name(FORM, values) == "王小明"


def test_a_malformed_witness_entry_is_no_witness() -> None:
    assert witness_of({WITNESS_KEY: "赵敏"}) is None
    assert witness_of({WITNESS_KEY: {"name": "赵敏", "reason": ""}}) is None
    assert witness_of({WITNESS_KEY: {"name": " 赵敏 ", "reason": "不识字"}}) == Witness("赵敏", "不识字")


def test_the_rules_refuse_a_missing_reason_a_missing_name_and_the_applicant_as_witness() -> None:
    assert witness_problem(Witness("赵敏", "不识字"), "李秀英") is None
    assert witness_problem(Witness("赵敏", "其他原因：右手骨折打石膏"), "李秀英") is None
    assert "原因" in (witness_problem(Witness("赵敏", ""), "李秀英") or "")
    assert "原因" in (witness_problem(Witness("赵敏", "无"), "李秀英") or "")
    assert "姓名" in (witness_problem(Witness("", "不识字"), "李秀英") or "")
    assert "姓名" in (witness_problem(Witness("110101", "不识字"), "李秀英") or "")
    assert "本人" in (witness_problem(Witness("李秀英", "不识字"), "李秀英") or "")


def test_the_note_says_who_could_not_sign_why_and_who_signed() -> None:
    note = witness_note(Witness("赵敏", "视力残疾"), "李秀英")
    assert note == "申请人李秀英因视力残疾无法签字，由见证人赵敏见证并代为签字"
