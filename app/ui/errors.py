"""The one place that shows errors to the clerk, in Chinese, with what to do next."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from core.errors import CounterError

log = logging.getLogger(__name__)


def describe(exc: BaseException) -> tuple[str, str]:
    """(what happened, what to do) for any exception, never leaking internals."""
    if isinstance(exc, CounterError):
        return exc.user_message, exc.hint
    log.error("unexpected error shown to clerk", exc_info=exc)
    return (QCoreApplication.translate("errors", "程序内部错误，操作未完成。"),
            QCoreApplication.translate("errors", "已保存的业务不受影响。请重试；如仍失败，请联系系统管理员。"))


def sentence(exc: BaseException) -> str:
    """What happened and what to do, as one line for a notice bar."""
    what, todo = describe(exc)
    if what and what[-1] not in "。！？.!?":
        what += "。"
    return f"{what}{todo}"


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    message, hint = describe(exc)
    title = QCoreApplication.translate("errors", "提示")
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    if hint:
        box.setInformativeText(hint)
    box.setObjectName("errorBox")
    box.open()
