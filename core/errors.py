"""The one error hierarchy of the terminal.

Every package raises these (devices/ included, which is why they live in this
dependency-free package rather than in app/). Each error carries structured
fields for code and logs, plus a Chinese sentence for the clerk and a hint on
what to do next; app/ has exactly one place that turns them into dialogs.
Messages must never contain a full ID number: use ``mask_id_number``.
"""

from __future__ import annotations

from typing import Any


def mask_id_number(value: str) -> str:
    """Keep the region's first 3 and the last 2 characters, hide the rest."""
    value = value.strip()
    if len(value) <= 5:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


class CounterError(Exception):
    """Root of everything the terminal raises on purpose."""

    #: what happened, for the clerk (Simplified Chinese)
    user_message: str = "操作未能完成。"
    #: what the clerk can do next
    hint: str = "请重试；如仍失败，请联系系统管理员。"

    def __init__(self, detail: str = "", *, user_message: str | None = None, hint: str | None = None,
                 **fields: Any) -> None:
        super().__init__(detail or self.user_message)
        self.detail = detail
        if user_message is not None:
            self.user_message = user_message
        if hint is not None:
            self.hint = hint
        self.fields = fields


class DeviceError(CounterError):
    user_message = "设备操作失败。"
    hint = "请检查设备连接后重试。"


class DeviceNotFound(DeviceError):
    user_message = "未找到设备。"
    hint = "请确认设备已连接并已开机。"


class DeviceDisconnected(DeviceError):
    user_message = "设备已断开。"
    hint = "请重新连接设备。"


class DeviceTimeout(DeviceError):
    user_message = "设备响应超时。"
    hint = "请重新放置卡片或重新连接设备后重试。"


class CardError(DeviceError):
    """A card answered with a status word that is not success."""

    user_message = "卡片读取失败。"

    def __init__(self, detail: str = "", *, sw: int | None = None, **kw: Any) -> None:
        super().__init__(detail, **kw)
        self.sw = sw


class ValidationError(CounterError):
    """A form value breaks a rule; ``field`` names the form field."""

    user_message = "填写内容有误。"
    hint = "请按提示修改后再提交。"

    def __init__(self, field: str, message: str, **kw: Any) -> None:
        super().__init__(message, user_message=message, **kw)
        self.field = field


class AuthenticationError(CounterError):
    user_message = "工号或密码错误。"
    hint = "请核对后重新输入。"


class StorageError(CounterError):
    user_message = "本地数据库操作失败。"
    hint = "请联系系统管理员。"


class StateError(CounterError):
    """The submission is not in a state that allows this (approving a sent one, resending an accepted one)."""

    user_message = "该笔业务当前状态不允许此操作。"
    hint = "请刷新业务列表后再试。"


class DatabaseUnreadable(StorageError):
    """The file is not a database we can read (corrupt, or not SQLite at all)."""

    def __init__(self, path: str, detail: str = "") -> None:
        super().__init__(
            detail or f"unreadable database: {path}",
            user_message=f"本地数据库文件无法读取，可能已损坏：{path}",
            hint="文件未被改动。请联系系统管理员从备份恢复，或指定其他数据目录。",
            path=path,
        )
        self.path = path


class DatabaseTooNew(StorageError):
    """The file was written by a newer version of the terminal."""

    def __init__(self, path: str, revision: str) -> None:
        super().__init__(
            f"database {path} is at unknown revision {revision}",
            user_message=f"本地数据库文件由更高版本的程序创建，本程序无法使用：{path}",
            hint="文件未被改动。请升级本程序后再打开。",
            path=path,
            revision=revision,
        )
        self.path = path
        self.revision = revision


class SyncError(CounterError):
    """Talking to the central system failed; ``retryable`` says whether to try again."""

    user_message = "与中心系统通信失败。"
    hint = "稍后将自动重试。"

    def __init__(self, detail: str = "", *, retryable: bool, status: int | None = None,
                 retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(detail, **kw)
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after


class CentralUnreachable(SyncError):
    user_message = "未连接中心系统，已离线保存。"
    hint = "网络恢复后将自动发送，无需重新录入。"

    def __init__(self, detail: str = "", **kw: Any) -> None:
        super().__init__(detail, retryable=True, **kw)


class CentralTooSlow(CentralUnreachable):
    """The line carried the request, but no answer came in time: a slow or congested network."""

    user_message = "网络缓慢，中心系统未及时应答，已离线保存。"
    hint = "将自动以较小的批次重试，无需重新录入。"


class CentralNotTrusted(CentralUnreachable):
    """The central system's TLS certificate did not verify: whoever answers may not be the central system.

    Nothing is sent to it; everything stays queued (retryable, so an administrator's fix of the CA
    setting or the server's certificate unblocks it without re-entry)."""

    user_message = "无法验证中心系统的证书，未与其通信，业务已离线保存。"
    hint = "请联系系统管理员检查中心系统地址和本单位 CA 证书配置（central_ca_file）。"


class ConfigError(CounterError):
    user_message = "配置文件有误。"
    hint = "请联系系统管理员检查配置文件。"


class UserCancelled(CounterError):
    user_message = "操作已取消。"
    hint = ""
