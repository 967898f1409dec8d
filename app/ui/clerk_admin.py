"""The administrator's clerk management: the list of clerks, and creating, disabling, resetting, re-rolling them.

Every change goes through a named operation (``app/ui/operations/clerks.py``) to the use cases in
``app/usecases/clerks.py``, which check the administrator's permission and write the audit trail; the
list reloads itself when an operation reports ``clerks`` changed. Creating never replaces a clerk: a
staff number in use is refused with the use case's words. The administrator's post is exclusive: ticking
it clears the business posts and the other way round, and the use case refuses a mixture anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import usecases
from app.changes import OpChanges
from app.permissions import ROLE_LABELS, ClerkInfo, Role
from app.ui.errors import describe
from app.ui.operations import OpContext, QueryOp
from app.ui.operations import clerks as clerk_ops
from app.ui.pages import heading
from app.usecases.clerks import ClerkRecord
from core.errors import ValidationError

#: the posts in the order the screen lists them
ROLE_ORDER = (Role.FRONT_DESK, Role.REVIEW, Role.APPROVAL, Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN)
#: the least width of each column: staff number, name, posts, state, locked until
MIN_WIDTHS = (110, 130, 200, 90, 170)


def roles_text(roles: frozenset[Role]) -> str:
    return "、".join(ROLE_LABELS[r] for r in ROLE_ORDER if r in roles) or "—"


class RoleChecks(QWidget):
    """One check box per post; the administrator's excludes the others."""

    def __init__(self, roles: frozenset[Role] = frozenset(), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[Role, QCheckBox] = {}
        for n, role in enumerate(ROLE_ORDER):
            box = QCheckBox(ROLE_LABELS[role])
            box.setObjectName(f"role_{role.value}")
            box.setChecked(role in roles)
            box.toggled.connect(lambda on, r=role: self._toggled(r, on))
            grid.addWidget(box, n // 3, n % 3)
            self.boxes[role] = box

    def _toggled(self, role: Role, on: bool) -> None:
        if not on:
            return
        for other, box in self.boxes.items():
            if (role is Role.ADMIN) != (other is Role.ADMIN):
                box.setChecked(False)

    def roles(self) -> frozenset[Role]:
        return frozenset(r for r, box in self.boxes.items() if box.isChecked())


class _Form(QDialog):
    """A small dialog whose OK runs an operation; refusals are shown in it, it closes on success."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.form = QFormLayout()
        self.message = QLabel()
        self.message.setObjectName("clerkFormMessage")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def password_rows(self) -> tuple[QLineEdit, QLineEdit]:
        password, again = QLineEdit(), QLineEdit()
        for edit, name in ((password, "newPassword"), (again, "newPasswordAgain")):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setObjectName(name)
        password.setPlaceholderText(self.tr("至少8位，不能与工号相同"))
        self.form.addRow(self.tr("密码"), password)
        self.form.addRow(self.tr("再次输入"), again)
        return password, again

    def refuse(self, exc: BaseException) -> None:
        what, todo = describe(exc)
        self.message.setText(f"<span style='color:#c0392b'>{what}</span> {todo}")
        self.buttons.setEnabled(True)

    def _ok(self) -> None:
        self.message.clear()
        try:
            op = self.operation()
        except ValidationError as exc:  # checked here before anything runs (the passwords differ)
            self.refuse(exc)
            return
        self.buttons.setEnabled(False)
        op(self.accept, self.refuse)

    def operation(self) -> Callable[[Callable[[], None], Callable[[BaseException], None]], None]:
        raise NotImplementedError


def _same(password: QLineEdit, again: QLineEdit) -> str:
    if password.text() != again.text():
        raise ValidationError("password", "两次输入的密码不一致。")
    return password.text()


class CreateClerkDialog(_Form):
    def __init__(self, ctx: OpContext, admin: ClerkInfo, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("新建柜员"), parent)
        self.setObjectName("createClerkDialog")
        self._ctx, self._admin = ctx, admin
        self.id_edit = QLineEdit()
        self.id_edit.setObjectName("newClerkId")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("newClerkName")
        self.form.addRow(self.tr("工号"), self.id_edit)
        self.form.addRow(self.tr("姓名"), self.name_edit)
        self.password_edit, self.again_edit = self.password_rows()
        self.role_checks = RoleChecks()
        self.form.addRow(self.tr("岗位"), self.role_checks)

    def operation(self) -> Callable[[Callable[[], None], Callable[[BaseException], None]], None]:
        password = _same(self.password_edit, self.again_edit)
        op = clerk_ops.create_clerk(parent=self, admin=self._admin, clerk_id=self.id_edit.text(),
                                    name=self.name_edit.text(), password=password, roles=self.role_checks.roles())
        return lambda ok, failed: op.success(lambda _c: ok()).failure(failed).run_in_background(self._ctx)


class ResetPasswordDialog(_Form):
    def __init__(self, ctx: OpContext, admin: ClerkInfo, clerk: ClerkRecord, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("重置密码"), parent)
        self.setObjectName("resetPasswordDialog")
        self._ctx, self._admin, self._clerk = ctx, admin, clerk
        prompt = self.tr("为 {name}（{id}）设置新密码，并解除锁定。").format(name=clerk.name, id=clerk.id)
        self.form.addRow(QLabel(prompt))
        self.password_edit, self.again_edit = self.password_rows()

    def operation(self) -> Callable[[Callable[[], None], Callable[[BaseException], None]], None]:
        password = _same(self.password_edit, self.again_edit)
        op = clerk_ops.reset_password(parent=self, admin=self._admin, clerk_id=self._clerk.id, password=password)
        return lambda ok, failed: op.success(lambda _r: ok()).failure(failed).run_in_background(self._ctx)


class RolesDialog(_Form):
    def __init__(self, ctx: OpContext, admin: ClerkInfo, clerk: ClerkRecord, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("修改岗位"), parent)
        self.setObjectName("rolesDialog")
        self._ctx, self._admin, self._clerk = ctx, admin, clerk
        self.form.addRow(QLabel(self.tr("{name}（{id}）的岗位：").format(name=clerk.name, id=clerk.id)))
        self.role_checks = RoleChecks(clerk.roles)
        self.form.addRow(self.role_checks)

    def operation(self) -> Callable[[Callable[[], None], Callable[[BaseException], None]], None]:
        op = clerk_ops.set_roles(parent=self, admin=self._admin, clerk_id=self._clerk.id,
                                 roles=self.role_checks.roles())
        return lambda ok, failed: op.success(lambda _r: ok()).failure(failed).run_in_background(self._ctx)


class ClerkAdminPage(QWidget):
    """The clerks of this terminal for an administrator; ``loaded`` after each read of the list."""

    loaded = Signal()

    def __init__(self, ctx: OpContext, admin: ClerkInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clerkAdminPage")
        self.ctx, self.admin = ctx, admin
        self.clerks: list[ClerkRecord] = []
        self.dialog: QDialog | None = None
        self.table = QTableWidget(0, len(MIN_WIDTHS))
        self.table.setObjectName("clerkTable")
        self.table.setHorizontalHeaderLabels([self.tr("工号"), self.tr("姓名"), self.tr("岗位"), self.tr("状态"),
                                              self.tr("锁定至")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.create_button = QPushButton(self.tr("新建柜员…"))
        self.create_button.setObjectName("createClerkButton")
        self.create_button.setProperty("primary", True)
        self.create_button.clicked.connect(self.open_create)
        self.disable_button = QPushButton(self.tr("停用"))
        self.disable_button.setObjectName("disableClerkButton")
        self.disable_button.clicked.connect(self.disable_selected)
        self.reset_button = QPushButton(self.tr("重置密码…"))
        self.reset_button.setObjectName("resetPasswordButton")
        self.reset_button.clicked.connect(self.open_reset)
        self.roles_button = QPushButton(self.tr("修改岗位…"))
        self.roles_button.setObjectName("changeRolesButton")
        self.roles_button.clicked.connect(self.open_roles)
        self.message = QLabel()
        self.message.setObjectName("clerkAdminMessage")
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        for b in (self.create_button, self.disable_button, self.reset_button, self.roles_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(heading(self.tr("柜员管理")))
        tip = QLabel(self.tr("系统管理员负责柜员账号、岗位和终端设置，不办理业务、不查看个人信息。"
                             "每项操作均记入审计日志。"))
        tip.setObjectName("pageSubtitle")
        tip.setWordWrap(True)
        layout.addWidget(tip)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        ctx.runner.changed.connect(self._changed)
        self._selection_changed()
        self.reload()

    # -- the list -------------------------------------------------------------------------------
    def reload(self) -> None:
        QueryOp(self, lambda t: usecases.list_clerks(t, self.admin), self._show).run_in_background(self.ctx)

    def _changed(self, changes: OpChanges, _initiator: object) -> None:
        if changes.clerks:
            self.reload()

    def _show(self, clerks: list[ClerkRecord]) -> None:
        chosen = self.selected()
        now = datetime.now(UTC)  # a lockout that has run out is not shown (it is cleared at the next sign-in)
        self.clerks = clerks
        self.table.setRowCount(len(clerks))
        for row, clerk in enumerate(clerks):
            locked = (clerk.locked_until.astimezone().strftime("%Y-%m-%d %H:%M")
                      if clerk.locked_until is not None and clerk.locked_until > now else "")
            cells = (clerk.id, clerk.name, roles_text(clerk.roles),
                     self.tr("正常") if clerk.active else self.tr("已停用"), locked)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 3 and not clerk.active:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(row, col, item)
            if chosen is not None and clerk.id == chosen.id:
                self.table.selectRow(row)
        self.table.resizeColumnsToContents()
        for col, least in enumerate(MIN_WIDTHS):
            self.table.setColumnWidth(col, max(least, self.table.columnWidth(col)))
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self._selection_changed()
        self.loaded.emit()

    def selected(self) -> ClerkRecord | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.clerks[min(rows)] if rows and min(rows) < len(self.clerks) else None

    def select(self, clerk_id: str) -> None:
        for row, clerk in enumerate(self.clerks):
            if clerk.id == clerk_id:
                self.table.selectRow(row)

    def _selection_changed(self) -> None:
        clerk = self.selected()
        self.disable_button.setEnabled(clerk is not None and clerk.active and clerk.id != self.admin.id)
        self.reset_button.setEnabled(clerk is not None)
        self.roles_button.setEnabled(clerk is not None)

    # -- changes --------------------------------------------------------------------------------
    def _open(self, dialog: QDialog, done: str) -> None:
        dialog.accepted.connect(lambda: self.message.setText(done))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def open_create(self) -> None:
        self._open(CreateClerkDialog(self.ctx, self.admin, self), self.tr("已新建柜员。"))

    def open_reset(self) -> None:
        clerk = self.selected()
        if clerk is not None:
            self._open(ResetPasswordDialog(self.ctx, self.admin, clerk, self),
                       self.tr("已重置 {id} 的密码并解除锁定。").format(id=clerk.id))

    def open_roles(self) -> None:
        clerk = self.selected()
        if clerk is not None:
            self._open(RolesDialog(self.ctx, self.admin, clerk, self),
                       self.tr("已修改 {id} 的岗位，下次登录时生效。").format(id=clerk.id))

    def disable_selected(self) -> None:
        clerk = self.selected()
        if clerk is None:
            return
        clerk_ops.disable_clerk(parent=self, admin=self.admin, clerk_id=clerk.id) \
            .success(lambda _r: self.message.setText(self.tr("已停用 {id}。").format(id=clerk.id))) \
            .run_in_background(self.ctx)

