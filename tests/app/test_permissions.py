"""Who may do what (issue 16): every role against every guarded use case, through the use cases.

Each case runs on a real terminal with its encrypted SQLite file; the acting clerk is created with one
role and signs in with their password, so the roles come from the database as in the window. A refused
command must also leave the data as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app import usecases
from app.permissions import ROLE_PERMISSIONS, Permission, PermissionDenied, allowed
from app.terminal import Terminal
from core.errors import AuthenticationError, ValidationError
from forms.definitions import load_form
from local_db.clerks import ClerkInfo, Role, add_clerk, list_clerks
from local_db.models import SubmissionState
from local_db.submissions import get_submission, list_submissions

from .conftest import CLERK, PASSWORD
from .samples import REGISTRATION, RETIREMENT, WAIVER

ACTOR_ID, ACTOR_PASSWORD = "2001", "actor-pass-1"
TARGET_ID, TARGET_PASSWORD = "3001", "target-pass-1"


def _submit(terminal: Terminal, actor: ClerkInfo) -> None:
    usecases.submit_application(terminal, usecases.SubmitRequest(
        actor, load_form("personal_registration"), REGISTRATION, waivers={"identity_document": WAIVER}))


def _submitted(terminal: Terminal) -> bool:
    return any(v.state is not SubmissionState.DRAFT for v in list_submissions(terminal.db))


def _draft(terminal: Terminal, actor: ClerkInfo) -> None:
    usecases.save_draft(terminal, actor, load_form("personal_registration"), REGISTRATION)


def _drafted(terminal: Terminal) -> bool:
    return any(v.state is SubmissionState.DRAFT for v in list_submissions(terminal.db))


def _awaiting(terminal: Terminal) -> str:
    """A retirement case submitted by another clerk (1001), waiting for its second signature."""
    return usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, load_form("retirement_approval"), RETIREMENT, waivers={"identity_document": WAIVER})).view.id


def _approve(terminal: Terminal, actor: ClerkInfo) -> None:
    waiting = next(v.id for v in list_submissions(terminal.db) if v.state is SubmissionState.AWAITING_APPROVAL)
    usecases.approve(terminal, actor.id, ACTOR_PASSWORD, waiting)


def _approved(terminal: Terminal) -> bool:
    return all(v.approved_by == ACTOR_ID for v in list_submissions(terminal.db))


def _reviewed(terminal: Terminal) -> str:
    """A retirement case (复核 + 审批) whose 复核 another reviewer (2002) has signed: 审批 is due."""
    add_clerk(terminal.db, "2002", "复核柜员", "review-pass-2", roles=frozenset({Role.REVIEW}))
    waiting = _awaiting(terminal)
    usecases.approve(terminal, "2002", "review-pass-2", waiting, step="review")
    return waiting


def _final_approve(terminal: Terminal, actor: ClerkInfo) -> None:
    waiting = next(v.id for v in list_submissions(terminal.db) if v.state is SubmissionState.AWAITING_APPROVAL)
    usecases.approve(terminal, actor.id, ACTOR_PASSWORD, waiting, step="approval")


def _final_approved(terminal: Terminal) -> bool:
    return any(g.step == "approval" and g.clerk_id == ACTOR_ID and v.state is SubmissionState.QUEUED
               for v in list_submissions(terminal.db) for g in v.signatures)


def _send(terminal: Terminal, actor: ClerkInfo) -> None:
    waiting = next(v.id for v in list_submissions(terminal.db) if v.state is SubmissionState.AWAITING_APPROVAL)
    usecases.send_for_review(terminal, actor, waiting)


def _sent(terminal: Terminal) -> bool:
    return any(v.state is SubmissionState.REVIEW_ELSEWHERE for v in list_submissions(terminal.db))


def _add(terminal: Terminal, actor: ClerkInfo) -> None:
    usecases.create_clerk(terminal, actor, "4001", "新柜员", "new-clerk-pass", frozenset({Role.FRONT_DESK}))


def _added(terminal: Terminal) -> bool:
    return "4001" in {c.id for c in list_clerks(terminal.db)}


def _disable(terminal: Terminal, actor: ClerkInfo) -> None:
    usecases.disable_clerk(terminal, actor, TARGET_ID)


def _disabled(terminal: Terminal) -> bool:
    return not next(c for c in list_clerks(terminal.db) if c.id == TARGET_ID).active


def _reset(terminal: Terminal, actor: ClerkInfo) -> None:
    usecases.reset_password(terminal, actor, TARGET_ID, "changed-pass-2")


def _was_reset(terminal: Terminal) -> bool:
    try:
        usecases.sign_in(terminal, TARGET_ID, "changed-pass-2")
    except AuthenticationError:
        return False
    return True


Setup = Callable[[Terminal], object]
#: use case → (what it needs first, the command, whether it took effect)
USE_CASES: dict[str, tuple[Setup | None, Callable[[Terminal, ClerkInfo], None], Callable[[Terminal], bool]]] = {
    "submit": (None, _submit, _submitted),
    "save_draft": (None, _draft, _drafted),
    "approve": (_awaiting, _approve, _approved),
    "final_approve": (_reviewed, _final_approve, _final_approved),
    "send_for_review": (_awaiting, _send, _sent),
    "clerk_add": (None, _add, _added),
    "clerk_disable": (None, _disable, _disabled),
    "clerk_reset": (None, _reset, _was_reset),
}

#: the expected matrix, written out rather than derived from ROLE_PERMISSIONS
MAY: dict[Role, set[str]] = {
    Role.FRONT_DESK: {"submit", "save_draft"},
    Role.REVIEW: {"approve", "send_for_review"},
    Role.APPROVAL: {"final_approve"},
    Role.SUPERVISOR: set(),
    Role.AUDITOR: set(),
    Role.ADMIN: {"clerk_add", "clerk_disable", "clerk_reset"},
}

MATRIX = [(role, case) for role in Role for case in USE_CASES]


@pytest.mark.parametrize(("role", "case"), MATRIX, ids=[f"{r.value}-{c}" for r, c in MATRIX])
def test_permission_matrix(qapp: Any, make_terminal: Any, role: Role, case: str) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    add_clerk(terminal.db, ACTOR_ID, "当事柜员", ACTOR_PASSWORD, roles=frozenset({role}))
    add_clerk(terminal.db, TARGET_ID, "目标柜员", TARGET_PASSWORD, roles=frozenset({Role.FRONT_DESK}))
    setup, command, took_effect = USE_CASES[case]
    if setup is not None:
        setup(terminal)
    actor = usecases.sign_in(terminal, ACTOR_ID, ACTOR_PASSWORD)
    assert actor.roles == {role}
    if case in MAY[role]:
        command(terminal, actor)
        assert took_effect(terminal)
    else:
        with pytest.raises(PermissionDenied) as refused:
            command(terminal, actor)
        assert refused.value.user_message.startswith(f"柜员 {ACTOR_ID} 无权") and refused.value.hint
        assert not took_effect(terminal)


def test_the_table_is_what_the_matrix_expects() -> None:
    """The data the checks use agrees with the written-out matrix (and the admin does no business)."""
    business = {Permission.SUBMIT, Permission.SAVE_DRAFT, Permission.APPROVE, Permission.FINAL_APPROVE}
    assert not ROLE_PERMISSIONS[Role.ADMIN] & business
    assert all(Permission.MANAGE_CLERKS not in ROLE_PERMISSIONS[r] for r in Role if r is not Role.ADMIN)
    several = ClerkInfo("9", "兼岗", frozenset({Role.FRONT_DESK, Role.REVIEW}))
    assert allowed(several, Permission.SUBMIT) and allowed(several, Permission.APPROVE)
    assert not allowed(several, Permission.MANAGE_CLERKS)


def test_the_administrator_holds_no_business_role(qapp: Any, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    with pytest.raises(ValidationError, match="系统管理员不能兼任业务岗位"):
        add_clerk(terminal.db, "5001", "管理员", "admin-pass-1", roles=frozenset({Role.ADMIN, Role.REVIEW}))
    admin = add_clerk(terminal.db, "5001", "管理员", "admin-pass-1", roles=frozenset({Role.ADMIN}))
    with pytest.raises(ValidationError, match="系统管理员不能兼任业务岗位"):
        usecases.create_clerk(terminal, admin, "5002", "兼岗", "mixed-pass-1", frozenset({Role.ADMIN, Role.FRONT_DESK}))
    assert {c.id for c in list_clerks(terminal.db)} == {CLERK.id, "5001"}


def test_a_reviewer_still_cannot_approve_their_own_case(qapp: Any, make_terminal: Any) -> None:
    from core.errors import StateError

    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    waiting = _awaiting(terminal)
    with pytest.raises(StateError, match="own submission"):
        usecases.approve(terminal, CLERK.id, PASSWORD, waiting)
    view = get_submission(terminal.db, waiting)
    assert view is not None and view.state is SubmissionState.AWAITING_APPROVAL


def test_sign_in_locks_after_the_configured_failures(qapp: Any, make_terminal: Any) -> None:
    """The lockout's threshold and length are settings; the message says until when."""
    import dataclasses
    from datetime import UTC, datetime, timedelta

    from local_db.clerks import AccountLocked

    built = make_terminal("http://127.0.0.1:9", start_sender=False)
    terminal = dataclasses.replace(built, settings=built.settings.model_copy(
        update={"signin_max_failures": 2, "signin_lockout_minutes": 30}))
    t0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    with pytest.raises(AuthenticationError) as first:
        usecases.sign_in(terminal, CLERK.id, "wrong-pass", now=t0)
    assert not isinstance(first.value, AccountLocked)
    with pytest.raises(AccountLocked) as locked:
        usecases.sign_in(terminal, CLERK.id, "wrong-pass", now=t0)
    assert locked.value.until == t0 + timedelta(minutes=30)
    with pytest.raises(AccountLocked):  # a signature on an approval is a sign-in too
        usecases.approve(terminal, CLERK.id, PASSWORD, "any", now=t0 + timedelta(minutes=29))
    assert usecases.sign_in(terminal, CLERK.id, PASSWORD, now=t0 + timedelta(minutes=30)).id == CLERK.id
