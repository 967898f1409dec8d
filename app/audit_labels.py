"""How the audit trail's actions and chain problems read, apart from the use cases so that building the
command line (``app.audit_cli``: ``--action`` choices) loads nothing heavy: ``sicounter gui`` builds the whole
parser before its sign-in window (bench/startup.py; this import once cost 570 ms of the start-up).
"""

from __future__ import annotations

#: how each action reads in a list (the stored value is shown for one a newer release wrote)
ACTION_LABELS: dict[str, str] = {
    "sign_in": "登录", "sign_in_failed": "登录失败", "sign_out": "退出登录", "lock": "锁屏", "unlock": "解锁",
    "unlock_failed": "解锁失败", "switch_clerk": "切换柜员",
    "submit": "受理提交", "save_draft": "暂存草稿", "delete_draft": "删除草稿", "approve": "复核通过",
    "return": "退回", "view_case": "查看业务", "view_records": "查看办件记录", "view_scan": "查看扫描件",
    "show_id_number": "显示完整证件号码", "print_receipt": "打印回执", "export": "导出",
    "card_override": "更正读卡信息", "waiver": "免交材料", "clerk_change": "柜员管理",
    "settings_change": "修改设置", "reference_confirm": "确认参考数据变更", "reference_update": "参考数据生效",
    "reference_refused": "拒收参考数据", "purge": "清理个人数据",
    "read_audit": "查阅审计日志", "reassign": "改派业务", "due_recount": "重算办结期限", "remind": "催办",
    "rate": "好差评",
    "lookup": "查询中心系统",
    "issue_certificate": "出具证明",
    "batch_import": "批量导入",
    "inform": "一次性告知", "print_notice": "打印告知书",
    "view_statistics": "查看业务统计",
}
#: how a broken chain is said
PROBLEM_LABELS: dict[str, str] = {"edited": "记录被修改", "deleted": "记录被删除", "inserted": "被插入了记录"}
