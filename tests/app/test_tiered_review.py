"""Tiered review on the terminal, through the use cases on a real encrypted SQLite file.

The tier is computed from the values when a case is submitted and kept with the raise reasons; a case of
tier 复核＋审批 is queued only after a 复核 clerk and then a different 审批 clerk sign, neither of them the
submitter, each with their own password. Every refused signature leaves the case as it was.
"""

from __future__ import annotations

from typing import Any

import pytest

from app import usecases
from app.permissions import PermissionDenied
from app.terminal import Terminal
from core.errors import StateError
from forms.definitions import load_form
from local_db.clerks import Role, add_clerk
from local_db.models import SubmissionState
from local_db.submissions import get_submission, pending_count
from tests.app.samples import SIGNATURE

from .conftest import CLERK
from .samples import ID_NUMBER, RETIREMENT, WAIVER

REFUND = {"id_type": "01", "id_number": ID_NUMBER, "name": "李秀英", "refund_from": "2024-01",
          "refund_to": "2024-06", "refund_amount": "100.00", "refund_reason": "duplicate",
          "bank_name": "中国工商银行铜川分行", "bank_account": "6222021234567890123", "account_holder": "李秀英",
          "phone": "13800138000"}

CLERKS = {  # staff number: (password, roles)
    "2001": ("review-pass-1", {Role.REVIEW}),
    "2002": ("review-pass-2", {Role.REVIEW}),
    "3001": ("final-pass-1", {Role.APPROVAL}),
    "4001": ("both-pass-1", {Role.REVIEW, Role.APPROVAL}),
    "1009": ("taker-pass-1", {Role.FRONT_DESK, Role.REVIEW, Role.APPROVAL}),  # takes the case in these tests
}


def _terminal(make_terminal: Any) -> Terminal:
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    for clerk_id, (password, roles) in CLERKS.items():
        add_clerk(terminal.db, clerk_id, f"柜员{clerk_id}", password, roles=frozenset(roles))
    return terminal


@pytest.mark.parametrize(("amount", "tier", "reasons", "state"), [
    ("100.00", "none", 0, SubmissionState.QUEUED),
    ("6000.00", "review", 1, SubmissionState.AWAITING_APPROVAL),
    ("60000.00", "review_approval", 2, SubmissionState.AWAITING_APPROVAL),
])
def test_the_tier_is_computed_from_the_values_and_kept_with_its_reasons(
        make_terminal: Any, amount: str, tier: str, reasons: int, state: SubmissionState) -> None:
    terminal = _terminal(make_terminal)
    form = load_form("overpaid_refund")
    view = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, form, REFUND | {"refund_amount": amount}, waivers={"identity_document": WAIVER},
            signature=SIGNATURE)).view
    stored = get_submission(terminal.db, view.id)
    assert stored is not None and (stored.review_tier, stored.state) == (tier, state)
    assert len(stored.review_reasons) == reasons and all("退费金额超过" in r for r in stored.review_reasons)
    assert usecases.pending_step(stored) == (None if tier == "none" else "review")


def _retirement(terminal: Terminal) -> str:
    taker = usecases.sign_in(terminal, "1009", "taker-pass-1")
    return usecases.submit_application(terminal, usecases.SubmitRequest(
        taker, load_form("retirement_approval"), RETIREMENT, waivers={"identity_document": WAIVER},
            signature=SIGNATURE)).view.id


OK_WAITING, QUEUED = "awaiting", "queued"
#: attempts in order: (signer, step shown or None) → what happens
SEQUENCES: dict[str, list[tuple[str, str | None, object]]] = {
    "复核 then 审批 by another": [("2001", None, OK_WAITING), ("3001", "approval", QUEUED)],
    "one clerk holding both roles signs once": [("4001", None, OK_WAITING), ("4001", "approval", StateError),
                                                ("3001", None, QUEUED)],
    "the submitter cannot review": [("1009", None, StateError), ("2001", "review", OK_WAITING)],
    "the submitter cannot approve": [("2001", None, OK_WAITING), ("1009", "approval", StateError),
                                     ("4001", "approval", QUEUED)],
    "审批 before 复核 is refused": [("3001", None, PermissionDenied), ("3001", "approval", StateError)],
    "复核 clerk cannot approve": [("2001", None, OK_WAITING), ("2002", "approval", PermissionDenied)],
    "a stale window shows 复核 after it was signed": [("2001", "review", OK_WAITING), ("4001", "review", StateError)],
}


@pytest.mark.parametrize("name", list(SEQUENCES))
def test_review_approval_needs_two_distinct_signers_neither_the_submitter(make_terminal: Any, name: str) -> None:
    terminal = _terminal(make_terminal)
    sid = _retirement(terminal)
    for signer, step, expected in SEQUENCES[name]:
        before = get_submission(terminal.db, sid)
        assert before is not None
        if isinstance(expected, type):
            with pytest.raises(expected):  # type: ignore[call-overload]
                usecases.approve(terminal, signer, CLERKS[signer][0], sid, step=step)
            after = get_submission(terminal.db, sid)
            assert after is not None and (after.state, after.signatures) == (before.state, before.signatures)
            continue
        view = usecases.approve(terminal, signer, CLERKS[signer][0], sid, step=step)
        if expected == QUEUED:
            assert view.state is SubmissionState.QUEUED and pending_count(terminal.db) == 1
            steps = [(g.step, g.clerk_id) for g in view.signatures]
            assert [s for s, _ in steps] == ["review", "approval"] and len({c for _, c in steps}) == 2
            assert "1009" not in {c for _, c in steps}
        else:
            assert view.state is SubmissionState.AWAITING_APPROVAL and pending_count(terminal.db) == 0
            assert [(g.step, g.clerk_id, g.terminal_id) for g in view.signatures] == [
                ("review", signer, terminal.settings.terminal_id)]
