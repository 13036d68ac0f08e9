"""The audit log: who did what, when. The application only ever appends to it (reading: tenants.audit_trail).

Every action it records is a member of AuditAction, with the Chinese words the administrators read; a new
action is one line here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from checks.serialize import dump
from tenants.labels import LabelledAction
from tenants.models import AuditEntry, utcnow


class AuditAction(LabelledAction):
    """What an audit entry records."""

    # signing in and out
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败（密码错误、账号锁定、已停用或未登记）"
    LOGOUT = "logout", "退出登录"
    SESSION_EXPIRED = "session_expired", "会话超时结束"
    SESSION_ENDED_DISABLED = "session_ended_disabled", "账号停用，会话结束"
    SESSION_ENDED_CREDENTIALS_CHANGED = "session_ended_credentials_changed", "账号信息变更，会话结束"
    PERMISSION_DENIED = "permission_denied", "越权操作被拒绝"
    # accounts
    ADMIN_BOOTSTRAPPED = "admin_bootstrapped", "创建首个管理员账号"
    USER_ADDED = "user_added", "添加用户"
    PASSWORD_CHANGED = "password_changed", "修改密码"
    USER_DISABLED = "user_disabled", "停用用户"
    # the directory and campaigns
    UNIT_ADDED = "unit_added", "添加主管单位"
    SCHOOL_ADDED = "school_added", "添加学校"
    SCHOOL_UPDATED = "school_updated", "修改学校信息"
    SCHOOL_ENROLLED = "school_enrolled", "学校列入验收批次"
    CAMPAIGN_DEADLINES_CHANGED = "campaign_deadlines_changed", "调整验收批次完成时限"
    CAMPAIGN_RULEBOOK_UPDATED = "campaign_rulebook_updated", "验收批次改用新的规则手册文本"
    CAMPAIGN_THRESHOLD_SET = "campaign_threshold_set", "调整验收批次核验参数（阈值）"
    CAMPAIGN_DEFAULT_SET = "campaign_default_set", "设定默认验收批次"
    # schools' data
    UPLOAD_ACCEPTED = "upload_accepted", "上传填报（已接收）"
    UPLOAD_REJECTED = "upload_rejected", "上传填报（已拒收）"
    SUBMISSION_DOWNLOADED = "download_submission", "下载原始填报文件"
    DOCUMENT_UPLOADED = "document_upload", "上传报送材料或佐证文件"
    DOCUMENT_VIEWED = "document_view", "查看或下载材料文件"
    DOCUMENT_EXPORTED = "document_export", "随核查表导出材料文件（证据包）"
    INSPECTION_LOADED = "inspection_loaded", "导入现场核查结果"
    INSPECTION_REJECTED = "inspection_rejected", "现场核查表被拒收"
    VERDICT_OVERRIDE = "verdict_override", "改判或撤销改判验收结论"
    REMINDER_SENT = "reminder_sent", "登记提醒函已发送"
    REMINDER_EMAILED = "reminder_emailed", "发送提醒邮件"
    ESCALATION_EMAILED = "escalation_emailed", "向主管单位发送督办邮件"
    CONTACTS_SET = "contacts_set", "设置学校或主管单位的联系邮箱"
    EXPORT = "export", "导出核查表或汇总表"
    PROGRESS_REPORT_EXPORTED = "progress_report_exported", "导出工作进展情况通报"


def audit(
    session: Session, actor: str, action: AuditAction, /, tenant_code: str | None = None, **detail: Any
) -> AuditEntry:
    """Append an entry; `detail` may hold dates, enums and dataclasses (stored as plain JSON)."""
    entry = AuditEntry(at=utcnow(), actor=actor, action=str(action), tenant_code=tenant_code, detail=dump(detail))
    session.add(entry)
    return entry
