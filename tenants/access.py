"""The one tenant-scoped access layer: what a principal may see and change, checked and audited here.

Pages and commands open their transaction with scoped_transaction (on PostgreSQL it also sets the
row-level-security scope, see tenants.rls) and call require_tenant / require_role before touching a
school's data. A refusal is written to the audit log in a transaction of its own, so it survives the
caller's rollback: at once on PostgreSQL; on SQLite, which has a single writer that may well be the
caller itself, as soon as the caller's transaction ends (committed or not).

Visibility: province roles see every school; a unit sees the schools it supervises; a school sees
itself. A deactivated school is outside every unit's and school's scope. Writing: the province
administrator any school, a school its own; viewers and units never write.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, SessionTransaction

from checks.errors import DomainError
from tenants import rls
from tenants.audit import AuditAction, audit
from tenants.db import make_sessionmaker
from tenants.labels import LabelledAction
from tenants.models import Tenant
from tenants.principal import Principal, UserRole

_PENDING = "tenants.access.pending_denials"  # session.info key: refusals waiting for the transaction's end
_SHOWN_CODE_LENGTH = 20  # a code typed into a URL is echoed in the message, but not at any length


class PermissionAction(LabelledAction):
    """What a principal asked to do when it is checked (a refusal's audit entry records it as `attempted`)."""

    # pages
    VIEW_HOME = "view_home", "查看本校首页"
    VIEW_BOARD = "view_board", "查看验收总览"
    VIEW_SCHOOL = "view_school", "查看学校详情"
    VIEW_EXPORTS = "view_exports", "打开导出页面"
    VIEW_REMINDERS = "view_reminders", "查看提醒督办"
    VIEW_ADMIN = "view_admin", "打开管理页面"
    # reading a school's data
    VIEW_STANDINGS = "view_standings", "查看学校验收情况"
    VIEW_REPORT = "view_report", "查看填报内容"
    VIEW_HISTORY = "view_history", "查看提交记录"
    VIEW_AUDIT_LOG = "view_audit_log", "查看审计日志"
    COMPARE_SUBMISSIONS = "compare_submissions", "对比两次提交"
    DOWNLOAD_SUBMISSION = "download_submission", "下载原始填报文件"
    VIEW_MATERIALS = "view_materials", "查看报送材料情况"
    VIEW_DOCUMENTS = "view_documents", "查看材料与佐证文件列表"
    DOCUMENT_VIEW = "document_view", "查看或下载材料文件"
    EXPORT = "export", "导出核查表或汇总表"
    EXPORT_PROGRESS_REPORT = "export_progress_report", "导出工作进展情况通报"
    DOCUMENT_EXPORT = "document_export", "随核查表导出材料文件"
    # changing it
    UPLOAD = "upload", "上传填报"
    BACKFILL = "backfill", "补录此前收到的填报"
    DOCUMENT_UPLOAD = "document_upload", "上传报送材料或佐证文件"
    INSPECTION_LOAD = "inspection_load", "导入现场核查结果"
    VERDICT_OVERRIDE = "verdict_override", "改判验收结论"
    REMINDER_SEND = "reminder_send", "登记提醒函已发送"
    REMIND = "remind", "按计划发送提醒邮件"
    CONTACTS_SET = "contacts_set", "设置联系邮箱"
    # the directory, campaigns and accounts
    UNIT_ADD = "unit_add", "添加主管单位"
    SCHOOL_ADD = "school_add", "添加学校"
    SCHOOL_IMPORT = "school_import", "导入学校名单"
    CAMPAIGN_DEADLINES = "campaign_deadlines", "调整完成时限"
    CAMPAIGN_THRESHOLD = "campaign_threshold", "调整验收批次核验参数（阈值）"
    CAMPAIGN_RULEBOOK = "campaign_rulebook", "更新验收批次的规则手册"
    CAMPAIGN_DEFAULT = "campaign_default", "设定默认验收批次"
    USER_ADD = "user_add", "添加用户"
    USER_PASSWD = "user_passwd", "修改他人密码"
    USER_DISABLE = "user_disable", "停用用户"
    USER_LIST = "user_list", "查看用户列表"


class AccessDenied(DomainError):
    """The principal may not do this; str() is a Chinese sentence fit for the user."""


class UnknownTenant(AccessDenied):
    """A province role named a school that does not exist."""


def visible_tenants(session: Session, principal: Principal) -> list[Tenant]:
    query = select(Tenant).where(Tenant.active).order_by(Tenant.code)
    if principal.role is UserRole.UNIT:
        query = query.where(Tenant.unit_code == principal.unit_code)
    elif principal.role is UserRole.SCHOOL:
        query = query.where(Tenant.code == principal.tenant_code)
    return list(session.scalars(query))


def visible_codes(session: Session, principal: Principal) -> frozenset[str]:
    return frozenset(school.code for school in visible_tenants(session, principal))


def require_tenant(
    session: Session, principal: Principal, tenant_code: str, action: PermissionAction, *, write: bool = False
) -> Tenant:
    """The school, when the principal may read it (write=True: change it); else audit and refuse."""
    school = session.get(Tenant, tenant_code)
    if principal.is_province and school is None:
        raise UnknownTenant(f"找不到学校标识码为 {_shown(tenant_code)} 的学校")
    if school is None or not _may(principal, school, write):
        _audit_apart(session, principal, tenant_code, attempted=action, tenant=tenant_code)
        verb = "修改" if write else "查看"
        raise AccessDenied(f"您没有权限{verb}学校 {_shown(tenant_code)} 的数据")
    return school


def require_role(session: Session, principal: Principal, *roles: UserRole, action: PermissionAction) -> None:
    """Refuse (audited) unless the principal holds one of `roles`."""
    if principal.role not in roles:
        _audit_apart(session, principal, None, attempted=action)
        raise AccessDenied(f"您的角色（{principal.role.label}）无权进行此项操作")


def require_tenants(
    session: Session, principal: Principal, tenant_codes: Collection[str] | None, action: PermissionAction
) -> Collection[str] | None:
    """The codes to read for the principal: `tenant_codes` when all may be read (refusing, audited, at the
    first that may not), every visible school's when None; None again for province roles, who see all."""
    if principal.is_province:
        return tenant_codes
    visible = visible_codes(session, principal)
    if tenant_codes is None:
        return visible
    for code in tenant_codes:
        if code not in visible:
            require_tenant(session, principal, code, action)  # refuses and audits
    return tenant_codes


def can_see_names(principal: Principal, tenant_code: str) -> bool:
    """Students' names and numbers: the owning school and the province only; a unit sees figures."""
    return principal.is_province or (principal.role is UserRole.SCHOOL and principal.tenant_code == tenant_code)


@contextmanager
def scoped_transaction(engine: Engine, principal: Principal, *, writes: bool = False) -> Iterator[Session]:
    """A transaction (committed when the block ends, rolled back on error) limited to the principal's
    schools: on PostgreSQL the row-level-security scope is set before anything else runs. `writes`: see
    tenants.db.make_sessionmaker."""
    with make_sessionmaker(engine, writes=writes).begin() as session:
        if engine.dialect.name == "postgresql":
            rls.set_scope(
                session, principal.username, None if principal.is_province else visible_codes(session, principal)
            )
        yield session


def _may(principal: Principal, school: Tenant, write: bool) -> bool:
    if principal.role is UserRole.PROVINCE_ADMIN:
        return True
    if principal.role is UserRole.PROVINCE_VIEWER:
        return not write
    if principal.role is UserRole.UNIT:
        return not write and school.active and school.unit_code == principal.unit_code
    return school.active and school.code == principal.tenant_code


def _audit_apart(session: Session, principal: Principal, tenant_code: str | None, **detail: str) -> None:
    """Record a refusal in its own transaction on the same database, so the caller's rollback keeps it."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    entry = (principal.username, tenant_code, detail)
    if engine.dialect.name == "sqlite" and session.in_transaction():
        session.info.setdefault(_PENDING, []).append((engine, entry))
    else:
        _append(engine, *entry)


@event.listens_for(Session, "after_transaction_end")
def _write_pending_denials(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction: its connection has let go of its locks
        for engine, entry in session.info.pop(_PENDING, []):
            _append(engine, *entry)


def _append(engine: Engine, actor: str, tenant_code: str | None, detail: dict[str, Any]) -> None:
    with make_sessionmaker(engine, writes=True).begin() as apart:
        rls.sign_actor(apart, actor)
        audit(apart, actor, AuditAction.PERMISSION_DENIED, tenant_code, **detail)


def _shown(tenant_code: str) -> str:
    return str(tenant_code)[:_SHOWN_CODE_LENGTH]
