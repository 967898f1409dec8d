"""The signature rule the terminal and the central system share (forms/review.py), table-driven."""

from __future__ import annotations

import pytest

from forms.review import Signer, next_step, sign_refusal, signature_problems

SUBMITTER = "1001"

#: (tier, signatures as (step, clerk), complete?) → whether the signatures are right
CASES = [
    ("none", [], True),
    ("review", [], False),
    ("review", [("review", "2001")], True),
    ("review", [("review", SUBMITTER)], False),  # self-signed
    ("review", [("approval", "2001")], False),  # a step the tier has not
    ("review_approval", [], False),  # unsigned
    ("review_approval", [("review", "2001")], False),  # half-signed
    ("review_approval", [("review", "2001"), ("approval", "3001")], True),
    ("review_approval", [("review", "2001"), ("approval", "2001")], False),  # one clerk, both steps
    ("review_approval", [("review", SUBMITTER), ("approval", "3001")], False),  # the submitter reviews
    ("review_approval", [("review", "2001"), ("approval", SUBMITTER)], False),  # the submitter approves
    ("review_approval", [("approval", "3001"), ("review", "2001")], False),  # out of order
    ("review_approval", [("review", "2001"), ("review", "2002"), ("approval", "3001")], False),  # twice
]


@pytest.mark.parametrize(("tier", "signed", "right"), CASES,
                         ids=[f"{t}-{'+'.join(f'{s}:{c}' for s, c in g) or 'unsigned'}" for t, g, _ in CASES])
def test_signatures_a_case_is_sent_with(tier: str, signed: list[tuple[str, str]], right: bool) -> None:
    problems = signature_problems(tier, SUBMITTER, [Signer(s, c) for s, c in signed], complete=True)
    assert (problems == []) is right, problems
    assert all(isinstance(p, str) and p for p in problems)


def test_a_case_sent_for_review_elsewhere_may_carry_some_but_not_wrong_ones() -> None:
    assert signature_problems("review_approval", SUBMITTER, [], complete=False) == []
    assert signature_problems("review_approval", SUBMITTER, [Signer("review", "2001")], complete=False) == []
    [problem] = signature_problems("review_approval", SUBMITTER, [Signer("review", SUBMITTER)], complete=False)
    assert "本人受理" in problem


def test_the_next_step_and_who_may_sign_it() -> None:
    assert next_step("review_approval", []) == "review"
    assert next_step("review_approval", [Signer("review", "2001")]) == "approval"
    assert next_step("review_approval", [Signer("review", "2001"), Signer("approval", "3001")]) is None
    assert sign_refusal("review_approval", SUBMITTER, [], "review", "2001") is None
    assert "审批" in (sign_refusal("review_approval", SUBMITTER, [], "approval", "3001") or "")
    assert "本人" in (sign_refusal("review_approval", SUBMITTER, [], "review", SUBMITTER) or "")
    assert "同一柜员" in (sign_refusal("review_approval", SUBMITTER, [Signer("review", "2001")], "approval",
                                       "2001") or "")
    assert "无需再签" in (sign_refusal("review", SUBMITTER, [Signer("review", "2001")], "review", "3001") or "")
