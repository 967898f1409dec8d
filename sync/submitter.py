"""Posting a batch of submissions and reading the central system's per-item answers.

The answers arrive as typed results (``protocol.models.SubmissionBatchResult``, the same from a batch
request or, against an older central system, from single posts); each row is decided on its own:
accepted (with its receipt number, and its status if reviewers already decided it, for a resend),
retried shortly (scans incomplete at the server, or no answer for it), or failed (refused).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.errors import SyncError
from local_db import outbox
from local_db.review import REVIEW_REFUSED
from protocol.body import QueuedBody
from protocol.limits import SUBMISSION_BATCH_BODY
from protocol.models import ErrorDetail, SubmissionBatchResult
from sync.client import CentralClient

log = logging.getLogger(__name__)

#: refusals of one body: not ours (403 terminal mismatch), "same id, other body" (409), invalid (422)
_REFUSED = (403, 409, 422)
INCOMPLETE = "中心系统尚未收齐本笔业务的材料，正在补传。"
BUSY = "中心系统暂时繁忙，已离线保存。"
#: the central system's refusal of a case whose review tier needs signatures it does not carry
REVIEW_INCOMPLETE = "review_incomplete"
#: a body larger than the central system takes (413): alone, it will never fit
BODY_TOO_LARGE = "body_too_large"
TOO_LARGE = "这笔业务的数据量超过中心系统允许的单笔上限，重发也无法送达。"
#: what the clerk reads for a refused row, by the central system's error code: what happened (the row stays
#: here, failed; the good rows of its batch went through), and the hint says what to do
REFUSALS = {
    "validation_error": "中心系统拒收：这笔业务的数据不符合接口要求（格式或取值超出范围）。",
    "idempotency_conflict": "中心系统拒收：该业务编号已被另一份申请使用。",
    "case_conflict": "中心系统拒收：补正版本与中心系统的记录不符。",
    "terminal_mismatch": "中心系统拒收：终端编号与授权凭据不符。",
}
REFUSED = "中心系统拒收了这笔业务。"
#: the envelope ``{"submissions":[...]}`` around a batch's bodies, and a comma between two
_ENVELOPE = len('{"submissions":[]}')


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

    def submit(self, items: Sequence[outbox.OutboxItem], settlement: outbox.Settlement,
               max_bytes: int = SUBMISSION_BATCH_BODY) -> Submitted:
        """Post ``items`` and write each one's ending into ``settlement``.

        One request as a rule: more only if their bodies together exceed ``max_bytes`` (the central
        system's default batch limit, so it never answers 413 to a batch of ours unless configured
        lower). A batch refused with 413 is split in halves and each sent again (nothing of it was
        stored); a single body refused with 413 fails alone, for good (``TOO_LARGE``). Raises
        ``SyncError`` when the first request fails as a whole (then no row is decided); when a later
        one does, the rows without an answer are retried shortly.
        """
        groups = deque(_by_size(items, max_bytes))
        results: list[SubmissionBatchResult] = []
        retry_in = timedelta(seconds=1)
        while groups:
            group = groups.popleft()
            try:
                results.extend(self._client.post_submission_batch(
                    [QueuedBody(i.submission_id, i.body_text) for i in group]))
            except SyncError as exc:
                if exc.status == 413 and len(group) > 1:
                    half = len(group) // 2
                    log.info("batch of %d refused as too large; sending it in halves", len(group))
                    groups.extendleft([group[half:], group[:half]])
                    continue
                if exc.status == 413:
                    results.append(SubmissionBatchResult(
                        id=group[0].submission_id, ok=False, status_code=413, answer=None,
                        error=ErrorDetail(code=BODY_TOO_LARGE, message=exc.detail)))
                    continue
                if not results:
                    raise
                log.info("sending stopped after %d results: %s", len(results), exc.detail)
                retry_in = timedelta(seconds=max(1.0, exc.retry_after or 0.0))
                break
        return settle_results(items, results, settlement, retry_in=retry_in)


def _by_size(items: Sequence[outbox.OutboxItem], max_bytes: int) -> list[list[outbox.OutboxItem]]:
    """``items`` in order, in groups whose batch body stays within ``max_bytes`` (a body larger than
    that on its own is a group of its own)."""
    groups: list[list[outbox.OutboxItem]] = []
    size = 0
    for item in items:
        length = len(item.body_text.encode("utf-8")) + 1
        if groups and size + length <= max_bytes:
            groups[-1].append(item)
            size += length
        else:
            groups.append([item])
            size = _ENVELOPE + length
    return groups


def settle_results(items: Sequence[outbox.OutboxItem], results: Sequence[SubmissionBatchResult],
                   settlement: outbox.Settlement, retry_in: timedelta = timedelta(seconds=1)) -> Submitted:
    """Turn the typed answers into the rows' endings (``settlement``) and what else they say; a row
    without an answer is retried after ``retry_in``."""
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
            if code == REVIEW_INCOMPLETE and result.error is not None:
                why = f"{REVIEW_REFUSED}{result.error.message}"
            elif code == BODY_TOO_LARGE or result.status_code == 413:
                why = TOO_LARGE
            else:
                why = REFUSALS.get(code, REFUSED)
            refused = SyncError(f"central refused {sid}: {code}", retryable=False, status=result.status_code,
                                code=code, user_message=why, hint="业务已保存在本机，请联系系统管理员处理。")
            settlement.failed.append((sid, refused.user_message))
            submitted.refused.append((sid, refused))
        else:  # no answer for it, or a passing fault: again with the next batch
            settlement.retry.append((sid, BUSY, retry_in))
    return submitted


def _refused(status_code: int) -> bool:
    """A client error that resending cannot cure (a batch's items are 403, 409 or 422; a single post
    of an older central system may answer any other 4xx), not authentication, timeouts or throttling."""
    return status_code in _REFUSED or (400 <= status_code < 500 and status_code not in (401, 408, 429))
