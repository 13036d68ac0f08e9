"""The province's progress report (通报): the board of a date written as an official notice, audited once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from checks.campaign import Campaign
from checks.rulebook import Rulebook
from reformboard.board import BOARD_ROLES, Memo
from reformboard.progress_figures import ProgressFigures, progress_figures
from reformboard.report_docx import progress_report_docx, title
from tenants.access import PermissionAction, require_role
from tenants.audit import AuditAction, audit
from tenants.principal import Principal
from textsafety import NAME_BYTES_IN_FILE_NAME, file_name_part

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class ProgressReport:
    data: bytes
    file_name: str
    figures: ProgressFigures


def export_progress_report(
    session: Session,
    principal: Principal,
    rulebook: Rulebook,
    campaign: Campaign,
    as_of: date,
    unit_code: str | None = None,
    memo: Memo | None = None,
) -> ProgressReport:
    """The report on the schools the principal's board shows (only `unit_code`'s when given) as of `as_of`."""
    require_role(session, principal, *BOARD_ROLES, action=PermissionAction.EXPORT_PROGRESS_REPORT)
    figures = progress_figures(session, principal, rulebook, campaign, as_of, unit_code, memo)
    data = progress_report_docx(figures)
    audit(
        session,
        principal.username,
        AuditAction.PROGRESS_REPORT_EXPORTED,
        None,
        campaign=campaign.id,
        as_of=as_of,
        scope=figures.scope,
        schools=len(figures.schools),
    )
    return ProgressReport(data, report_file_name(figures), figures)


def report_file_name(figures: ProgressFigures) -> str:
    name = file_name_part(title(figures).removeprefix("关于").removesuffix("的通报"), NAME_BYTES_IN_FILE_NAME)
    return f"{name}通报_{figures.as_of.isoformat()}.docx"
