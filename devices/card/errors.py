"""Errors of the social security card path, each with what the clerk sees and can do.

They subclass the shared hierarchy in ``core.errors`` so the UI's one error display
handles them without knowing about cards. The PC/SC ones are raised where pyscard's
result codes are translated (``devices.card.connection``); the card-content ones by
``devices.card.apdu`` / ``tlv`` / ``sscard``. Messages never contain card data.
"""

from __future__ import annotations

from core.errors import CardError, DeviceDisconnected, DeviceError, DeviceNotFound, DeviceTimeout

__all__ = [
    "CardApplicationMissing",
    "CardCommunicationError",
    "CardDataCorrupt",
    "CardMute",
    "CardRecordNotFound",
    "CardRemoved",
    "CardSecurityNotSatisfied",
    "NoCard",
    "PcscUnavailable",
    "ReaderBusy",
    "ReaderUnavailable",
    "UnexpectedCardStatus",
]


# --- the PC/SC service and the reader -------------------------------------------------------------

class PcscUnavailable(DeviceNotFound):
    """pcscd is not running (or stopped while we used it)."""

    user_message = "读卡服务未运行，无法读取社保卡。"
    hint = "请联系系统管理员启动读卡服务（pcscd）后重试。"


class ReaderUnavailable(DeviceNotFound):
    """The named reader is not (or no longer) known to pcscd."""

    user_message = "未找到社保卡读卡器，或读卡器已被拔出。"
    hint = "请检查读卡器的USB连接，重新插好后重试。"


class ReaderBusy(DeviceError):
    """Another program holds the reader exclusively."""

    user_message = "读卡器正被其他程序占用。"
    hint = "请关闭其他使用读卡器的程序后重试。"


# --- the card in the reader ------------------------------------------------------------------------

class NoCard(DeviceNotFound):
    """No card in the reader (when we wanted to read one)."""

    user_message = "读卡器中没有社保卡。"
    hint = "请将社保卡芯片朝向正确方向插入读卡器。"


class CardRemoved(DeviceDisconnected):
    """The card left the reader during the read; nothing of it was kept."""

    user_message = "读卡过程中社保卡被拔出，未读取任何信息。请重新插卡"
    hint = "请重新插入社保卡，读卡完成前不要拔卡。"


class CardMute(DeviceTimeout):
    """The card (or the reader) stopped answering within our time limit."""

    user_message = "社保卡无响应，读卡超时。"
    hint = "请拔出社保卡，擦拭芯片后重新插入；如仍无响应，可能是卡片损坏，请改用身份证办理。"


class CardCommunicationError(DeviceError):
    """The reader reported a transmission failure while the card stayed in place."""

    user_message = "与社保卡通信失败。"
    hint = "请拔出社保卡后重新插入再试；如仍失败，请更换读卡器。"


# --- what the card answered ------------------------------------------------------------------------

class CardApplicationMissing(CardError):
    """SELECT of the social security application (or one of its files) answered 6A82."""

    user_message = "此卡不是社会保障卡或社保应用缺失"
    hint = "请确认插入的是社会保障卡；如是社保卡，请持卡人到发卡机构检测。"


class CardSecurityNotSatisfied(CardError):
    """6982: the card wants an authentication we cannot do without a PSAM."""

    user_message = "社保卡拒绝读取个人信息（安全状态不满足）。"
    hint = "此卡需要带PSAM卡的专用读卡器；请改用身份证读取或手工录入。"


class CardDataCorrupt(CardError):
    """A record is malformed: bad TLV, truncated, wrong tag or bad BCD."""

    user_message = "社保卡数据格式错误，未读取。请重试或换卡"
    hint = "请重新插卡再读一次；如仍失败，请持卡人到发卡机构检测，本次可手工录入。"


class CardRecordNotFound(CardError):
    """A record the read needs is absent in both addressing modes (6A83 and the like)."""

    user_message = "社保卡缺少必要的个人信息记录，未读取。"
    hint = "请持卡人到发卡机构检测社保卡，本次可改用身份证读取或手工录入。"


class UnexpectedCardStatus(CardError):
    """Any other status word we have no specific handling for."""

    user_message = "社保卡返回了无法识别的状态，未读取。"
    hint = "请重新插卡后重试；如仍失败，请换卡或联系系统管理员。"
