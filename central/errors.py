"""Errors of the reference central system.

They derive from the terminal's ``CounterError`` so that code calling the central
package in-process (the demo launcher registering its terminal, for example) can
let app/'s single error display handle them. Each also carries the protocol's
error ``code`` and HTTP status, so the API turns any of them into an answer in
one place instead of every endpoint choosing its own status codes.
"""

from __future__ import annotations

from typing import Any

from core.errors import CounterError
from protocol.ids import TERMINAL_ID_RULE


class CentralError(CounterError):
    """Root of what the central server refuses or fails on purpose."""

    #: the ``error.code`` the protocol sends for this error
    code: str = "internal_error"
    #: the HTTP status the protocol answers with
    http_status: int = 500
    user_message = "中心系统处理失败。"
    hint = "请稍后重试；如仍失败，请联系系统管理员。"


class InvalidTerminalId(CentralError):
    code = "invalid_terminal_id"
    http_status = 400
    user_message = "终端编号格式不正确。"
    hint = f"{TERMINAL_ID_RULE}。"


class Unauthorized(CentralError):
    code = "unauthorized"
    http_status = 401
    user_message = "终端未获中心系统授权。"
    hint = "请联系系统管理员重新登记本终端。"


class TerminalMismatch(CentralError):
    code = "terminal_mismatch"
    http_status = 403
    user_message = "终端编号与授权凭据不符。"
    hint = "请联系系统管理员检查终端配置。"


class NotFound(CentralError):
    code = "not_found"
    http_status = 404
    user_message = "中心系统中没有这条记录。"


class IdempotencyConflict(CentralError):
    """The client reused a submission id for a different body."""

    code = "idempotency_conflict"
    http_status = 409
    user_message = "该业务编号已被另一份申请使用。"
    hint = "请联系系统管理员。"


class CentralStorageError(CentralError):
    """The central database cannot be opened or used."""

    code = "storage_error"
    http_status = 500
    user_message = "中心系统数据库无法使用。"
    hint = "请联系系统管理员。"


class ReceiptsExhausted(CentralError):
    """The six-digit daily receipt sequence ran out (one million receipts in a day)."""

    code = "receipts_exhausted"
    http_status = 503
    user_message = "中心系统今日受理编号已用完。"


class CentralStartError(CentralError):
    """A central server child process did not come up (see ``central.process``)."""

    code = "start_failed"
    user_message = "中心系统模拟服务未能启动。"
    hint = "请查看中心系统日志，或换一个数据目录后重试。"


class AttachmentsIncomplete(CentralError):
    """A submission names blobs this terminal has not (completely) uploaded yet."""

    code = "attachments_incomplete"
    http_status = 409
    user_message = "附件尚未全部上传到中心系统。"
    hint = "系统会在附件上传完成后自动重新提交。"


class CaseConflict(CentralError):
    """A case version that does not follow a returned latest version of its case."""

    code = "case_conflict"
    http_status = 409
    user_message = "该业务的补正版本与中心系统记录不符。"
    hint = "请联系系统管理员核对该业务的办理状态。"


class AlreadyDecided(CentralError):
    """The reviewer tried to decide a submission whose status is already final."""

    code = "already_decided"
    http_status = 409
    user_message = "该申请已审核，不能再次审核。"


class BlobSizeConflict(CentralError):
    code = "blob_size_conflict"
    http_status = 409
    user_message = "附件与中心系统已有的同名附件大小不符。"


class OffsetMismatch(CentralError):
    """The chunk does not start where the stored bytes end; ``received`` says where they do."""

    code = "offset_mismatch"
    http_status = 409
    user_message = "附件上传位置不一致。"

    def __init__(self, message: str, *, received: int, **context: Any) -> None:
        super().__init__(message, received=received, **context)
        self.received = received


class BlobOverflow(CentralError):
    code = "blob_overflow"
    http_status = 409
    user_message = "附件上传的数据超出声明的大小。"


class ChunkTooLarge(CentralError):
    code = "chunk_too_large"
    http_status = 413
    user_message = "附件分块过大。"


class HashMismatch(CentralError):
    """The completed bytes do not hash to the blob's sha256; they were discarded."""

    code = "hash_mismatch"
    http_status = 422
    user_message = "附件上传后校验不一致，需重新上传。"


class BadChunk(CentralError):
    """A PATCH that is malformed (headers, empty body, media type)."""

    code = "validation_error"
    http_status = 422
    user_message = "附件上传请求格式不正确。"


class StorageBusy(CentralError):
    """The server is (or pretends to be, with ``--busy-every``) unable to take the request now."""

    code = "storage_unavailable"
    http_status = 503
    user_message = "中心系统繁忙。"


class BatchTooLarge(CentralError):
    """A blob batch over its limits (body size, item count or item size)."""

    code = "batch_too_large"
    http_status = 413
    user_message = "附件批量上传请求过大。"


class AuditChainError(CentralError):
    """A batch of audit entries that does not continue the terminal's trail as the central system holds it.

    Nothing of the batch is stored. ``seq`` is the first entry at fault; the subclasses say how.
    """

    http_status = 409
    user_message = "本终端的审计日志与中心系统保存的不一致。"
    hint = "审计日志可能被改动过，请立即报告系统管理员和稽核人员，并保留本机数据。"

    def __init__(self, message: str, *, seq: int, **context: Any) -> None:
        super().__init__(message, seq=seq, **context)
        self.seq = seq


class AuditGap(AuditChainError):
    """The batch starts after an entry the central system does not hold."""

    code = "audit_gap"


class AuditFork(AuditChainError):
    """A new entry does not link to the entry before it (another chain, or one rewritten)."""

    code = "audit_fork"


class AuditConflict(AuditChainError):
    """An entry the central system holds already arrives again with another hash."""

    code = "audit_conflict"


class AuditHashMismatch(AuditChainError):
    """An entry's content does not hash to the hash it carries (edited after it was chained)."""

    code = "audit_hash_mismatch"


class CentralConfigError(CentralError):
    """The central system cannot start as configured (no signing key, unreadable TLS files)."""

    code = "config_error"
    user_message = "中心系统配置有误。"
    hint = "请检查中心系统的启动参数。"


class ReviewIncomplete(CentralError):
    """A submission whose review tier (computed here from the central system's own form definitions)
    needs signatures it does not carry, or whose signers are the submitter or each other. The
    message is the reason in Chinese, for the clerk."""

    code = "review_incomplete"
    http_status = 422
    user_message = "该笔业务的复核审批签字不全或不合规，中心系统拒收。"
    hint = "请由其他柜员在本机完成复核审批，或送中心/他机复核。"


class ReviewRefused(CentralError):
    """A signature or a return on a case awaiting review that the rules do not allow (the message says
    why, in Chinese)."""

    code = "review_refused"
    http_status = 409
    user_message = "中心系统不接受该签字。"
    hint = "请刷新待复核列表后重试。"


class SignatureMissing(CentralError):
    """A submission of an item whose definition (as the central system serves it) asks for the applicant's
    or agent's signature, without one attached (issue 19)."""

    code = "signature_missing"
    http_status = 422
    user_message = "该事项须由申请人（代办人）签字，这笔业务没有签字，中心系统拒收。"
    hint = "请联系申请人到窗口补签后重新受理。"
