"""Errors of the document camera path, each with what the clerk sees and can do next."""

from __future__ import annotations

from core.errors import DeviceDisconnected, DeviceError, DeviceNotFound, DeviceTimeout

__all__ = ["CameraBusy", "CameraDisconnected", "CameraNotFound", "CameraStopped", "CameraTimeout"]


class CameraNotFound(DeviceNotFound):
    """No camera is listed, or the one chosen cannot be opened any more."""

    user_message = "未找到高拍仪。"
    hint = "请确认高拍仪的USB线已插好；如已插好，请拔下后重新插入，系统会自动重新查找。"


class CameraBusy(DeviceError):
    """The camera is listed but will not open: usually another program holds it."""

    user_message = "高拍仪无法打开，可能正被其他程序占用。"
    hint = "请关闭其他正在使用高拍仪的程序（如厂商自带的拍照软件）后重试。"


class CameraDisconnected(DeviceDisconnected):
    """The camera vanished (or its stream ended) while we used it."""

    user_message = "高拍仪已断开。"
    hint = "请重新连接高拍仪，系统会自动重新打开。"


class CameraTimeout(DeviceTimeout):
    """The camera is there but sent no frame in time."""

    user_message = "高拍仪没有传回图像。"
    hint = "请将高拍仪直接插在电脑的USB口上（不要经过集线器），然后重试；如仍失败，请拔下后重新插入。"


class CameraStopped(DeviceError):
    """A still was requested but the camera watcher stopped before taking it."""

    user_message = "高拍仪已关闭，未能拍照。"
    hint = "请重新打开拍照窗口后再拍。"
