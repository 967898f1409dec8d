"""The workbench's reads (issue 18): how many cases wait in each of the clerk's lists, and the first rows of each.

Counts and rows are selected in SQL over the indexed columns (state, clerk_id, due_date, created_at), so a
terminal with years of cases answers in one pass for the counts and one small, limited query per list.
The bounds (whose lists, which dates count as "soon") are worked out by the caller
(``app.workbench``), which knows the holiday calendar and the clerk's posts; this module only selects.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true
from sqlalchemy.orm import selectinload

from local_db.database import Database
from local_db.models import Submission, SubmissionState
from local_db.submissions import SubmissionView
from local_db.submissions import _view as view_of


class WorkList(enum.StrEnum):
    """The workbench's lists, in the order the window shows their tiles."""

    DRAFTS = "drafts"  # 暂存
    AWAITING = "awaiting"  # 待复核
    RETURNED = "returned"  # 已退回（需更正）
    DUE_SOON = "due_soon"  # 即将到期
    OVERDUE = "overdue"  # 已逾期
    ANSWERS = "answers"  # 反馈通知


#: the central system has not answered yet: the time limit still runs (here or there)
OPEN_STATES = (SubmissionState.AWAITING_APPROVAL, SubmissionState.REVIEW_ELSEWHERE, SubmissionState.QUEUED,
               SubmissionState.SENDING, SubmissionState.ACCEPTED)
WAITING_STATES = (SubmissionState.AWAITING_APPROVAL, SubmissionState.REVIEW_ELSEWHERE)


@dataclass(frozen=True)
class WorkbenchBounds:
    """Whose cases each list holds and which dates count.

    ``own``: the clerk's id for the lists of one's own work (drafts, returned, answers); None: everyone's
    (the supervisor). ``clerk_id``: the clerk, whose own waiting cases are in 待复核; ``approver``: the clerk
    may sign, so every case waiting for a signature is in 待复核. ``today``: due today is not overdue;
    ``soon_until``: the last due date that counts as soon; ``answered_since``: the oldest answer still news.
    """

    own: str | None
    clerk_id: str
    approver: bool
    today: date
    soon_until: date
    answered_since: datetime


def _states(states: tuple[SubmissionState, ...]) -> ColumnElement[bool]:
    return Submission.state.in_([s.value for s in states])


def _mine(own: str | None) -> ColumnElement[bool]:
    return true() if own is None else Submission.clerk_id == own


def conditions(b: WorkbenchBounds) -> dict[WorkList, ColumnElement[bool]]:
    """What puts a submission in each list (the same conditions count and list it)."""
    # only drafts and closed cases are ever purged (``local_db.retention``): the other lists need no test of
    # ``purged_at``, so their counts are read from the (state, …) indexes alone
    return {
        WorkList.DRAFTS: and_(Submission.state == SubmissionState.DRAFT.value, _mine(b.own),
                              Submission.purged_at.is_(None)),
        WorkList.AWAITING: and_(_states(WAITING_STATES),
                                or_(true() if b.approver else false(), Submission.clerk_id == b.clerk_id)),
        WorkList.RETURNED: and_(Submission.state == SubmissionState.RETURNED.value, _mine(b.own)),
        WorkList.DUE_SOON: and_(_states(OPEN_STATES), Submission.due_date >= b.today,
                                Submission.due_date <= b.soon_until),
        WorkList.OVERDUE: and_(_states(OPEN_STATES), Submission.due_date < b.today),
        WorkList.ANSWERS: and_(_states((SubmissionState.RETURNED, SubmissionState.CLOSED)), _mine(b.own),
                               Submission.answered_at >= b.answered_since),
    }


#: most urgent first: the earliest due, then the oldest; news and drafts newest first
_ORDER = {
    WorkList.DRAFTS: (Submission.updated_at.desc(),),
    WorkList.AWAITING: (Submission.due_date.is_(None), Submission.due_date, Submission.created_at),
    WorkList.RETURNED: (Submission.answered_at.desc(), Submission.created_at.desc()),
    WorkList.DUE_SOON: (Submission.due_date, Submission.created_at),
    WorkList.OVERDUE: (Submission.due_date, Submission.created_at),
    WorkList.ANSWERS: (Submission.answered_at.desc(),),
}


def workbench_counts(db: Database, bounds: WorkbenchBounds) -> dict[WorkList, int]:
    """How many submissions each list holds, in one query (every list, zeros included)."""
    where = conditions(bounds)
    # one COUNT per list, each able to use its own index, in one statement (a SUM(CASE …) over the whole
    # table would read every submission of the years the terminal keeps)
    columns = [select(func.count()).select_from(Submission).where(cond).scalar_subquery().label(name.value)
               for name, cond in where.items()]
    with db.sessions() as s:
        row = s.execute(select(*columns)).one()
    return {name: int(row._mapping[name.value]) for name in where}


def workbench_rows(db: Database, bounds: WorkbenchBounds, lists: tuple[WorkList, ...],
                   limit: int) -> dict[WorkList, list[SubmissionView]]:
    """The first ``limit`` submissions of each of ``lists``, most urgent (or newest) first."""
    where = conditions(bounds)
    result: dict[WorkList, list[SubmissionView]] = {}
    with db.sessions() as s:
        for name in lists:
            q = (select(Submission).where(where[name])
                 .options(selectinload(Submission.attachments), selectinload(Submission.applicant),
                          selectinload(Submission.signatures), selectinload(Submission.outbox))
                 .order_by(*_ORDER[name]).limit(limit))
            result[name] = [view_of(sub) for sub in s.scalars(q)]
    return result
