"""Who may do what: permissions by post (个人权益记录管理办法 Art. 7), checked inside the use cases.

The role → permission table is data (``ROLE_PERMISSIONS``), so the permission matrix test and a later
clerk-management screen read the same thing the checks use. The administrator (系统管理员) manages
clerks, the terminal and its settings and never handles business or personal data (Art. 26); a clerk
may hold several business roles but never the administrator's as well (``local_db.clerks.check_roles``).
The window may hide what a clerk cannot do; the use cases refuse it regardless.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

from core.errors import CounterError
from local_db.clerks import ROLE_LABELS, ClerkInfo, Role

__all__ = ["ROLE_LABELS", "ROLE_PERMISSIONS", "ClerkInfo", "Permission", "PermissionDenied", "Role", "allowed",
           "require"]


class Permission(enum.StrEnum):
    SUBMIT = "submit"  # 受理并提交
    SAVE_DRAFT = "save_draft"  # 保存草稿
    APPROVE = "approve"  # 复核签字（分级审核）
    FINAL_APPROVE = "final_approve"  # 审批（第二级）
    VIEW_STATISTICS = "view_statistics"  # 业务统计
    REASSIGN = "reassign"  # 改派业务
    READ_AUDIT = "read_audit"  # 查阅审计记录
    MANAGE_CLERKS = "manage_clerks"  # 柜员增、停用、重置密码
    MANAGE_TERMINAL = "manage_terminal"  # 终端与设置
    VIEW_CASE = "view_case"  # 查阅业务（字段、来源、扫描件）
    SHOW_ID_NUMBER = "show_id_number"  # 显示完整证件号码
    LOOKUP = "lookup"  # 查询中心系统（人员、单位）
    ISSUE_CERTIFICATE = "issue_certificate"  # 出具参保、缴费证明


PERMISSION_LABELS: Mapping[Permission, str] = MappingProxyType({
    Permission.SUBMIT: "受理提交", Permission.SAVE_DRAFT: "保存草稿", Permission.APPROVE: "复核签字",
    Permission.FINAL_APPROVE: "审批", Permission.VIEW_STATISTICS: "查看统计", Permission.REASSIGN: "改派业务",
    Permission.READ_AUDIT: "查阅审计记录", Permission.MANAGE_CLERKS: "管理柜员",
    Permission.MANAGE_TERMINAL: "管理终端设置", Permission.VIEW_CASE: "查阅业务",
    Permission.SHOW_ID_NUMBER: "显示完整证件号码", Permission.LOOKUP: "查询中心系统",
    Permission.ISSUE_CERTIFICATE: "出具证明",
})
#: what every business post may do: read the cases it works on, and deliberately show a full ID number
#: (audited). The auditor reads the trail, not the cases; the administrator sees no personal data (Art. 26).
_CASE_READING = frozenset({Permission.VIEW_CASE, Permission.SHOW_ID_NUMBER, Permission.LOOKUP})

ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = MappingProxyType({
    Role.FRONT_DESK: frozenset({Permission.SUBMIT, Permission.SAVE_DRAFT,
                                Permission.ISSUE_CERTIFICATE}) | _CASE_READING,
    Role.REVIEW: frozenset({Permission.APPROVE}) | _CASE_READING,
    Role.APPROVAL: frozenset({Permission.FINAL_APPROVE}) | _CASE_READING,
    Role.SUPERVISOR: frozenset({Permission.VIEW_STATISTICS, Permission.REASSIGN}) | _CASE_READING,
    Role.AUDITOR: frozenset({Permission.READ_AUDIT}),
    Role.ADMIN: frozenset({Permission.MANAGE_CLERKS, Permission.MANAGE_TERMINAL}),
})


class PermissionDenied(CounterError):
    """The signed-in clerk's roles do not include this permission."""

    def __init__(self, clerk: ClerkInfo, permission: Permission) -> None:
        label = PERMISSION_LABELS[permission]
        held = "、".join(ROLE_LABELS[r] for r in sorted(clerk.roles)) or "无"
        needed = "、".join(ROLE_LABELS[r] for r in sorted(ROLE_PERMISSIONS) if permission in ROLE_PERMISSIONS[r])
        super().__init__(f"clerk {clerk.id!r} lacks {permission.value}",
                         user_message=f"柜员 {clerk.id} 无权{label}（当前岗位：{held}）。",
                         hint=f"此操作需要“{needed}”岗位，请由具备该岗位的柜员办理或联系系统管理员。")
        self.permission = permission


def allowed(clerk: ClerkInfo, permission: Permission) -> bool:
    """Whether any of the clerk's roles grants ``permission`` (for hiding what cannot be done)."""
    return any(permission in ROLE_PERMISSIONS.get(role, frozenset()) for role in clerk.roles)


def require(clerk: ClerkInfo, permission: Permission) -> None:
    """``PermissionDenied`` unless the clerk may do this; the first line of every guarded use case."""
    if not allowed(clerk, permission):
        raise PermissionDenied(clerk, permission)
