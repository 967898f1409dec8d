"""Posting a batch of submissions and reading the central system's per-item answers.

The answers arrive as typed results (``protocol.models.SubmissionBatchResult``, the same from a batch
request or, against an older central system, from single posts); each row is decided on its own:
accepted (with its receipt number, and its status if reviewers already decided it, for a resend),
retried shortly (scans incomplete at the server, or no answer for it), or failed (refused).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.errors import SyncError
from local_db import outbox
from local_db.review import REVIEW_REFUSED
from protocol.body import QueuedBody
from protocol.models import SubmissionBatchResult
from sync.client import CentralClient

#: refusals of one body: not ours (403 terminal mismatch), "same id, other body" (409), invalid (422)
_REFUSED = (403, 409, 422)
INCOMPLETE = "中心系统尚未收齐本笔业务的材料，正在补传。"
BUSY = "中心系统暂时繁忙，已离线保存。"
#: the central system's refusal of a case whose review tier needs signatures it does not carry
REVIEW_INCOMPLETE = "review_incomplete"
#: what the clerk reads for a refused row, by the central system's error code: what happened (the row stays
#: here, failed; the good rows of its batch went through), and the hint says what to do
REFUSALS = {
    "validation_error": "中心系统拒收：这笔业务的数据不符合接口要求（格式或取值超出范围）。",
    "idempotency_conflict": "中心系统拒收：该业务编号已被另一份申请使用。",
    "case_conflict": "中心系统拒收：补正版本与中心系统的记录不符。",
    "terminal_mismatch": "中心系统拒收：终端编号与授权凭据不符。",
}
REFUSED = "中心系统拒收了这笔业务。"


@dataclass
class Submitted:
    """What the answers mean beyond the settlement: statuses to apply, refusals to report."""

    #: resends of submissions the central system has reviewed already: their status comes with the answer
    decided: list[outbox.StatusChange] = field(default_factory=list)
    #: (submission id, why) of the refused ones
    refused: list[tuple[str, SyncError]] = field(default_factory=list)


class Submitter:
    def __init__(self, client: CentralClient) -> None:
        self._client = client

    def submit(self, items: Sequence[outbox.OutboxItem], settlement: outbox.Settlement) -> Submitted:
        """Post ``items`` in one request and write each one's ending into ``settlement``.

        Raises ``SyncError`` when the request as a whole fails (then no row is decided).
        """
        results = self._client.post_submission_batch([QueuedBody(i.submission_id, i.body_text) for i in items])
        return settle_results(items, results, settlement)


def settle_results(items: Sequence[outbox.OutboxItem], results: Sequence[SubmissionBatchResult],
                   settlement: outbox.Settlement) -> Submitted:
    """Turn the typed answers into the rows' endings (``settlement``) and what else they say."""
    by_id = {r.id: r for r in results if r.id is not None}
    submitted = Submitted()
    for item in items:
        sid = item.submission_id
        result = by_id.get(sid)
        code = result.error.code if result is not None and result.error is not None else ""
        if result is not None and result.ok and result.answer is not None:
            answer = result.answer
            at = datetime.fromisoformat(answer.received_at)
            settlement.accepted.append((sid, answer.receipt_number, at))
            if answer.status == "awaiting_review":  # kept as 待复核 until signed elsewhere; the feed says when
                settlement.review_elsewhere.append(sid)
            elif answer.status != "accepted":
                submitted.decided.append(outbox.StatusChange(sid, answer.status, answer.reason,
                                                             answer.receipt_number, at))
        elif code == "attachments_incomplete":
            settlement.reupload.append(sid)
            settlement.retry.append((sid, INCOMPLETE, timedelta(seconds=1)))
        elif result is not None and _refused(result.status_code):
            why = (f"{REVIEW_REFUSED}{result.error.message}" if code == REVIEW_INCOMPLETE and result.error is not None
                   else REFUSALS.get(code, REFUSED))
            refused = SyncError(f"central refused {sid}: {code}", retryable=False, status=result.status_code,
                                code=code, user_message=why, hint="业务已保存在本机，请联系系统管理员处理。")
            settlement.failed.append((sid, refused.user_message))
            submitted.refused.append((sid, refused))
        else:  # no answer for it, or a passing fault: again with the next batch
            settlement.retry.append((sid, BUSY, timedelta(seconds=1)))
    return submitted


def _refused(status_code: int) -> bool:
    """A client error that resending cannot cure (a batch's items are 403, 409 or 422; a single post
    of an older central system may answer any other 4xx), not authentication, timeouts or throttling."""
    return status_code in _REFUSED or (400 <= status_code < 500 and status_code not in (401, 408, 429))
