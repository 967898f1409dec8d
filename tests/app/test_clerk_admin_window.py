"""The administrator's clerk management in the window (issue 16 item 1): create, refuse a taken staff number,
the password policy in Chinese, the administrator's post exclusive, disable, reset password, change
roles; each through the use cases, on the audit trail, with a real database.
"""

from __future__ import annotations

from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from pytestqt.qtbot import QtBot

from app import usecases
from app.ui.admin_window import AdminWindow
from app.ui.clerk_admin import ClerkAdminPage, CreateClerkDialog, ResetPasswordDialog, RolesDialog
from app.ui.ops import OpRunner
from core.errors import AuthenticationError
from local_db.clerks import AccountLocked, ClerkInfo, Role, add_clerk, list_clerks

from .conftest import CLERK, PASSWORD

ADMIN = ClerkInfo("9001", "系统管理员甲", frozenset({Role.ADMIN}))


@pytest.fixture
def admin_page(qtbot: QtBot, make_terminal: Any) -> ClerkAdminPage:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    add_clerk(terminal.db, ADMIN.id, ADMIN.name, "admin-pass-1", roles=ADMIN.roles)
    window = AdminWindow(terminal, ADMIN, OpRunner())
    qtbot.addWidget(window)
    window.show()
    page = window.clerks
    qtbot.waitUntil(lambda: len(page.clerks) == 2, timeout=10000)
    return page


def ok(qtbot: QtBot, dialog: Any) -> None:
    button = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or dialog.buttons.isEnabled(), timeout=10000)


def create(qtbot: QtBot, page: ClerkAdminPage, clerk_id: str, name: str, password: str,
           roles: tuple[Role, ...], again: str | None = None) -> CreateClerkDialog | None:
    """The dialog, still open with its refusal, or None when it closed on success."""
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, CreateClerkDialog)
    dialog.id_edit.setText(clerk_id)
    dialog.name_edit.setText(name)
    dialog.password_edit.setText(password)
    dialog.again_edit.setText(password if again is None else again)
    for role in roles:
        dialog.role_checks.boxes[role].setChecked(True)
    ok(qtbot, dialog)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return dialog if shiboken6.isValid(dialog) else None


def trail(page: ClerkAdminPage) -> list[tuple[str | None, str, str | None, dict[str, object]]]:
    terminal = page.ctx.terminal
    return [(r.clerk_id, r.action, r.subject, r.detail) for r in terminal.audit.find(terminal.db)]


def test_create_lists_the_clerk_and_a_taken_staff_number_is_refused(qtbot: QtBot, admin_page: ClerkAdminPage) -> None:
    page = admin_page
    dialog = create(qtbot, page, "1003", "新柜员", "new-clerk-3", (Role.FRONT_DESK, Role.APPROVAL))
    assert dialog is None  # closed on success
    qtbot.waitUntil(lambda: len(page.clerks) == 3, timeout=10000)
    row = [c.id for c in page.clerks].index("1003")
    assert [page.table.item(row, c).text() for c in range(4)] == ["1003", "新柜员", "受理、审批", "正常"]
    assert (ADMIN.id, "clerk_change", "1003", {"change": "create", "roles": ["approval", "front_desk"]}) \
        in trail(page)

    # the existing clerk is not overwritten: the old password still signs in, the new one does not
    taken = create(qtbot, page, CLERK.id, "冒名者", "other-pass-9", (Role.REVIEW,))
    assert taken is not None and "已存在" in taken.message.text()
    terminal = page.ctx.terminal
    assert usecases.sign_in(terminal, CLERK.id, PASSWORD).name == CLERK.name
    with pytest.raises(AuthenticationError):
        usecases.sign_in(terminal, CLERK.id, "other-pass-9")
    taken.reject()


def test_the_password_policy_and_the_exclusive_administrator_post(qtbot: QtBot, admin_page: ClerkAdminPage) -> None:
    page = admin_page
    short = create(qtbot, page, "1004", "短密码", "short", (Role.FRONT_DESK,))
    assert short is not None and "密码至少8位" in short.message.text()
    short.reject()
    same = create(qtbot, page, "1004abcd", "同工号", "1004ABCD", (Role.FRONT_DESK,))
    assert same is not None and "不能与工号相同" in same.message.text()
    same.reject()
    typo = create(qtbot, page, "1004", "输错", "good-pass-4", (Role.FRONT_DESK,), again="good-pass-5")
    assert typo is not None and "不一致" in typo.message.text()
    typo.reject()

    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, CreateClerkDialog)
    checks = dialog.role_checks
    checks.boxes[Role.FRONT_DESK].setChecked(True)
    checks.boxes[Role.REVIEW].setChecked(True)
    checks.boxes[Role.ADMIN].setChecked(True)
    assert checks.roles() == {Role.ADMIN}
    checks.boxes[Role.AUDITOR].setChecked(True)
    assert checks.roles() == {Role.AUDITOR}
    dialog.reject()
    assert len(list_clerks(page.ctx.terminal.db)) == 2


def test_disable_reset_and_change_roles(qtbot: QtBot, admin_page: ClerkAdminPage) -> None:
    page = admin_page
    terminal = page.ctx.terminal
    page.select(ADMIN.id)
    assert not page.disable_button.isEnabled()  # not one's own account

    # a locked-out clerk: the list says until when; the reset lifts it
    for _ in range(terminal.settings.signin_max_failures):
        with pytest.raises(AuthenticationError):
            usecases.sign_in(terminal, CLERK.id, "wrong-password")
    page.reload()
    qtbot.waitUntil(lambda: bool(page.table.item(0, 4) and page.table.item(0, 4).text()), timeout=10000)
    page.select(CLERK.id)
    qtbot.mouseClick(page.reset_button, Qt.MouseButton.LeftButton)
    reset = page.dialog
    assert isinstance(reset, ResetPasswordDialog)
    reset.password_edit.setText("fresh-pass-7")
    reset.again_edit.setText("fresh-pass-7")
    ok(qtbot, reset)
    qtbot.waitUntil(lambda: page.table.item(0, 4).text() == "", timeout=10000)
    assert usecases.sign_in(terminal, CLERK.id, "fresh-pass-7").id == CLERK.id

    page.select(CLERK.id)
    qtbot.mouseClick(page.roles_button, Qt.MouseButton.LeftButton)
    roles = page.dialog
    assert isinstance(roles, RolesDialog)
    roles.role_checks.boxes[Role.REVIEW].setChecked(False)
    roles.role_checks.boxes[Role.SUPERVISOR].setChecked(True)
    ok(qtbot, roles)
    qtbot.waitUntil(lambda: page.table.item(0, 2).text() == "受理、业务主管", timeout=10000)

    page.select(CLERK.id)
    qtbot.mouseClick(page.disable_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.item(0, 3).text() == "已停用", timeout=10000)
    with pytest.raises(AuthenticationError) as refused:
        usecases.sign_in(terminal, CLERK.id, "fresh-pass-7")
    assert not isinstance(refused.value, AccountLocked)
    changes = [(s, d.get("change")) for c, a, s, d in trail(page) if a == "clerk_change" and c == ADMIN.id]
    assert changes == [(CLERK.id, "reset_password"), (CLERK.id, "roles"), (CLERK.id, "disable")]


def test_only_an_administrator_may_list_or_change_clerks(make_terminal: Any) -> None:
    from app.permissions import PermissionDenied

    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    with pytest.raises(PermissionDenied):
        usecases.list_clerks(terminal, CLERK)
    with pytest.raises(PermissionDenied):
        usecases.set_clerk_roles(terminal, CLERK, CLERK.id, frozenset({Role.ADMIN}))
    with pytest.raises(PermissionDenied):
        usecases.create_clerk(terminal, CLERK, "1009", "自建", "self-made-1", frozenset({Role.REVIEW}))
