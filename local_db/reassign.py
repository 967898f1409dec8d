"""Reassigning a case (改派): the clerk a case still in the office's hands belongs to changes.

Only a draft (暂存) and a case the central system returned for correction (已退回) can change hands:
both wait for a 受理 clerk to act, and the clerk they belong to is who the records list and the
supervisor hold to it. A case awaiting review on this terminal is refused: the clerk who took it is
the one the tiered review keeps from signing it (the reviewer is not the submitter), so moving it to
another clerk would free the clerk who actually took it to sign it; and nothing waits for the clerk
who took it (a reviewer signs it or sends it elsewhere). A case sent to or closed by the central system
is refused too (its body carries the clerk who took it), and so is one whose personal data was purged.
The change and its audit entry are written in one transaction; whether the target may take the case
is checked inside it, so a clerk disabled meanwhile cannot receive it.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from core.errors import StateError, StorageError
from local_db.clerks import ClerkInfo, UnknownClerk, _roles_of
from local_db.database import Database
from local_db.models import Clerk, Submission, SubmissionState
from local_db.submissions import SubmissionView, _view

__all__ = ["REASSIGNABLE", "ReassignHook", "reassign_submission"]

#: the states in which a case can change hands (a 受理 clerk acts on it next)
REASSIGNABLE = frozenset({SubmissionState.DRAFT, SubmissionState.RETURNED})
#: writes the audit entry inside the change's transaction: the session, the case as it will be committed,
#: and the clerk it belonged to before
ReassignHook = Callable[[Session, SubmissionView, str], object]


def reassign_submission(db: Database, submission_id: str, to_clerk_id: str, *,
                        may_take: Callable[[ClerkInfo], bool], audit: ReassignHook | None = None) -> SubmissionView:
    """Give the case to ``to_clerk_id``, who must be active and pass ``may_take`` (their post), with ``audit``
    writing its entry in the same transaction. ``StateError`` (in Chinese) when the case or the clerk
    does not allow it; nothing is changed then."""
    with db.sessions.begin() as s:
        sub = s.get(Submission, submission_id)
        if sub is None:
            raise StorageError(f"no submission {submission_id}", user_message="找不到该笔业务。")
        _check_case(sub)
        target = s.get(Clerk, to_clerk_id)
        if target is None:
            raise UnknownClerk(to_clerk_id)
        if not target.active:
            raise StateError(f"clerk {to_clerk_id} is disabled",
                             user_message=f"柜员 {to_clerk_id} 已停用，不能接收改派。", hint="请选择在岗的柜员。")
        if target.id == sub.clerk_id:
            raise StateError(f"{submission_id} already belongs to {to_clerk_id}",
                             user_message=f"该笔业务已由柜员 {to_clerk_id} 负责，无需改派。")
        if not may_take(ClerkInfo(target.id, target.name, _roles_of(s, target.id))):
            raise StateError(f"clerk {to_clerk_id} may not take {submission_id}",
                             user_message=f"柜员 {to_clerk_id} 不在受理岗位，不能接办暂存或退回的业务。",
                             hint="请选择具备“受理”岗位的柜员。")
        previous, sub.clerk_id = sub.clerk_id, target.id
        s.flush()
        view = _view(sub)
        if audit is not None:
            audit(s, view, previous)
        return view


def _check_case(sub: Submission) -> None:
    """``StateError`` unless the case is in the office's hands, waits for a 受理 clerk, and still holds its data."""
    if sub.purged_at is not None:
        raise StateError(f"submission {sub.id} is purged",
                         user_message="该笔业务的个人信息已按保存期限清理，不能改派。")
    state = SubmissionState(sub.state)
    if state is SubmissionState.AWAITING_APPROVAL:
        raise StateError(f"submission {sub.id} awaits review", user_message=(
            "待复核的业务不能改派：受理人须保持不变，以保证复核人不是受理人。"),
            hint="待复核的业务由复核/审批岗位签字，或送中心复核，无需受理人在场。")
    if state not in REASSIGNABLE:
        raise StateError(f"submission {sub.id} is {state.value}",
                         user_message="该笔业务已报送中心系统或已办结，不能改派。",
                         hint="只能改派暂存的草稿和被退回待更正的业务。")
