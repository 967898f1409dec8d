"""Errors of the ID card reader path, each with what the clerk sees and can do next.

One class per SW3 status of the SAM protocol (``error_for_sw3``), plus the transport
ones (port missing or lost, no reply in time, garbled replies). They subclass the
shared hierarchy in ``core.errors``; messages never contain card data.
"""

from __future__ import annotations

from core.errors import CardError, DeviceDisconnected, DeviceError, DeviceNotFound, DeviceTimeout

__all__ = [
    "IdCardAuthenticationFailed", "IdCardDataCorrupt", "IdCardInformationCheckFailed", "IdCardReadFailed",
    "IdCardSelectFailed", "IdCardUnknownType", "IdFieldEmpty", "IdReaderChecksumRejected",
    "IdReaderCommandRejected", "IdReaderGarbled", "IdReaderLengthRejected", "IdReaderNotFound",
    "IdReaderPortLost", "IdReaderStatusError", "IdReaderTimeout", "IdReaderUnauthorised",
    "IdReaderUnknownError", "NoIdCard", "RandomNumberFailed", "SamAuthenticationFailed", "SamNotAuthorised",
    "SamSelfTestFailed", "UnexpectedReaderStatus", "error_for_sw3",
]


# --- transport ---------------------------------------------------------------------------------------

class IdReaderNotFound(DeviceNotFound):
    """No serial port answered the SAM status command (or the named port cannot be opened)."""

    user_message = "未找到身份证阅读器。"
    hint = "请检查身份证阅读器的串口（或USB转串口）连接和电源后重试。"


class IdReaderPortLost(DeviceDisconnected):
    """The serial port vanished or failed while we used it."""

    user_message = "身份证阅读器已断开。"
    hint = "请重新连接身份证阅读器，系统会自动重新查找。"


class IdReaderTimeout(DeviceTimeout):
    """The reader sent no complete reply within the command's time limit."""

    user_message = "身份证阅读器响应超时。"
    hint = "请将身份证平放在阅读器感应区，不要移动，然后重试。"


class IdReaderGarbled(DeviceError):
    """Replies kept arriving damaged (bad checksum, torn) after our retries."""

    user_message = "与身份证阅读器通信出错（数据校验失败）。"
    hint = "请检查串口线是否松动、波特率设置是否正确，然后重试。"


class IdCardDataCorrupt(CardError):
    """The reply frame was intact but its content does not have the expected layout."""

    user_message = "身份证数据格式错误，未读取。"
    hint = "请重新放置身份证再读一次；如仍失败，请手工录入并核对证件。"


# --- SW3 statuses ------------------------------------------------------------------------------------

class IdReaderStatusError(CardError):
    """Base of the errors a reply's SW3 reports; ``sw`` holds the SW3 byte."""

    sw3: int = -1
    user_message = "身份证阅读器返回错误。"


class IdFieldEmpty(IdReaderStatusError):
    sw3 = 0x91
    user_message = "身份证中没有所请求的信息。"
    hint = "该证件可能不含此项信息（如指纹），请改用读取文字和照片。"


class IdReaderChecksumRejected(IdReaderStatusError):
    sw3 = 0x10
    user_message = "身份证阅读器报告接收数据校验和错误。"
    hint = "请检查串口线连接和波特率后重试。"


class IdReaderLengthRejected(IdReaderStatusError):
    sw3 = 0x11
    user_message = "身份证阅读器报告接收数据长度错误。"
    hint = "请检查串口线连接和波特率后重试。"


class IdReaderCommandRejected(IdReaderStatusError):
    sw3 = 0x21
    user_message = "身份证阅读器不支持此命令。"
    hint = "请确认阅读器型号符合公安部标准，或联系系统管理员。"


class IdReaderUnauthorised(IdReaderStatusError):
    sw3 = 0x23
    user_message = "身份证阅读器拒绝越权操作。"
    hint = "请重新启动阅读器后重试；如仍失败，请联系系统管理员。"


class IdReaderUnknownError(IdReaderStatusError):
    sw3 = 0x24
    user_message = "身份证阅读器发生无法识别的错误。"
    hint = "请重新启动阅读器后重试。"


class IdCardAuthenticationFailed(IdReaderStatusError):
    sw3 = 0x31
    user_message = "身份证认证安全模块失败（卡认证机具失败）。"
    hint = "请将身份证重新放置后再读；如多次失败，证件可能损坏，请核对原件后手工录入。"


class SamAuthenticationFailed(IdReaderStatusError):
    sw3 = 0x32
    user_message = "安全模块认证身份证失败（机具认证卡失败）。"
    hint = "请将身份证重新放置后再读；如多次失败，请核验证件真伪。"


class IdCardInformationCheckFailed(IdReaderStatusError):
    sw3 = 0x33
    user_message = "身份证信息验证错误。"
    hint = "请核验证件真伪；如证件无误，请手工录入并报告系统管理员。"


class IdCardUnknownType(IdReaderStatusError):
    sw3 = 0x40
    user_message = "无法识别的卡片类型。"
    hint = "请确认放置的是居民身份证、港澳台居民居住证或外国人永久居留身份证。"


class IdCardReadFailed(IdReaderStatusError):
    sw3 = 0x41
    user_message = "读取身份证失败。"
    hint = "请将身份证平放在感应区，读取完成前不要移动，然后重试。"


class RandomNumberFailed(IdReaderStatusError):
    sw3 = 0x47
    user_message = "身份证阅读器取随机数失败。"
    hint = "请重新放置身份证后重试。"


class SamSelfTestFailed(IdReaderStatusError):
    sw3 = 0x60
    user_message = "身份证阅读器安全模块自检失败。"
    hint = "阅读器可能故障，请重新启动阅读器；如仍失败，请更换阅读器。"


class SamNotAuthorised(IdReaderStatusError):
    sw3 = 0x66
    user_message = "身份证阅读器安全模块未获授权，无法读卡。"
    hint = "请联系系统管理员或阅读器供应商为安全模块授权。"


class NoIdCard(IdReaderStatusError):
    """80: find card failed. While polling this only means 'no card'."""

    sw3 = 0x80
    user_message = "阅读器上没有身份证。"
    hint = "请将身份证平放在阅读器感应区。"


class IdCardSelectFailed(IdReaderStatusError):
    sw3 = 0x81
    user_message = "选取身份证失败。"
    hint = "请将身份证平放在感应区，不要移动，然后重试。"


class UnexpectedReaderStatus(IdReaderStatusError):
    """Any SW3 not in the protocol's table."""

    user_message = "身份证阅读器返回了无法识别的状态。"
    hint = "请重新放置身份证后重试；如仍失败，请联系系统管理员。"


_BY_SW3: dict[int, type[IdReaderStatusError]] = {
    cls.sw3: cls
    for cls in (
        IdFieldEmpty, IdReaderChecksumRejected, IdReaderLengthRejected, IdReaderCommandRejected,
        IdReaderUnauthorised, IdReaderUnknownError, IdCardAuthenticationFailed, SamAuthenticationFailed,
        IdCardInformationCheckFailed, IdCardUnknownType, IdCardReadFailed, RandomNumberFailed,
        SamSelfTestFailed, SamNotAuthorised, NoIdCard, IdCardSelectFailed,
    )
}


def error_for_sw3(sw3: int, command: str = "") -> IdReaderStatusError:
    """The typed error for a non-success SW3 (``command`` names the command for the log)."""
    cls = _BY_SW3.get(sw3, UnexpectedReaderStatus)
    return cls(f"{command or 'command'} answered SW3={sw3:02X}", sw=sw3)
