"""Exports: the on-site verification sheets and the province summary, each audited once as an export.

The caller names the principal (the scope defaults to what it sees; codes outside it are refused) and
owns the transaction; the loaders turn what is gathered here into workbooks.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from checks.campaign import Campaign
from checks.engine import assess
from checks.results import Verdict
from checks.rulebook import Rulebook
from loaders.province_summary import SummaryRow, province_summary
from loaders.verification_sheet import SheetContext, SheetEntry, verification_batch, verification_sheet
from reformboard.board import standings
from reformboard.files.store import FileStore
from reformboard.services.materials import with_documents
from tenants.access import PermissionAction, require_role, require_tenants
from tenants.audit import AuditAction, audit
from tenants.models import Tenant
from tenants.principal import Principal, UserRole
from tenants.store import latest_accepted, list_schools, list_units, load_reports
from tenants.submissions import received_text


@dataclass(frozen=True)
class VerificationInputs:
    entries: list[SheetEntry]  # one per school with an accepted submission, in school-code order
    not_submitted: list[Tenant]  # schools in scope without one: no sheet can be made for them


@dataclass(frozen=True)
class SheetsExport:
    data: bytes | None  # None when no school in scope has an accepted submission
    inputs: VerificationInputs


@dataclass(frozen=True)
class SummaryExport:
    data: bytes
    schools: int


def export_sheets(
    session: Session,
    principal: Principal,
    rulebook: Rulebook,
    campaign: Campaign,
    as_of: date,
    tenant_codes: Collection[str] | None = None,
    *,
    store: FileStore,
    zipped: bool,
) -> SheetsExport:
    """The verification sheets of the schools in scope that have an accepted submission, each listing the
    school's materials and evidence: a .zip with an index and the files beside each sheet (the evidence
    pack) when `zipped`, else the one school's .xlsx."""
    inputs = verification_inputs(session, principal, rulebook, campaign, as_of, tenant_codes)
    if not inputs.entries:
        return SheetsExport(None, inputs)
    inputs = replace(
        inputs, entries=with_documents(session, principal, store, rulebook, campaign, inputs.entries, pack=zipped)
    )
    if zipped:
        data = verification_batch(rulebook, inputs.entries)
    else:
        entry = inputs.entries[0]
        data = verification_sheet(entry.context, rulebook, entry.report, entry.assessment)
    contexts = [entry.context for entry in inputs.entries]
    _audit_export(
        session,
        principal,
        campaign,
        as_of,
        None if zipped else contexts[0].school_code,
        "verification_sheets",
        schools=[c.school_code for c in contexts],
        submissions=[c.submission_id for c in contexts],
    )
    return SheetsExport(data, inputs)


def export_summary(
    session: Session,
    principal: Principal,
    rulebook: Rulebook,
    campaign: Campaign,
    as_of: date,
    tenant_codes: Collection[str] | None = None,
) -> SummaryExport:
    """The province summary workbook (province roles only)."""
    require_role(session, principal, UserRole.PROVINCE_ADMIN, UserRole.PROVINCE_VIEWER, action=PermissionAction.EXPORT)
    rows = summary_rows(session, principal, rulebook, campaign, as_of, tenant_codes)
    _audit_export(session, principal, campaign, as_of, None, "province_summary", schools=len(rows))
    return SummaryExport(province_summary(rulebook, campaign, rows), len(rows))


def _audit_export(
    session: Session,
    principal: Principal,
    campaign: Campaign,
    as_of: date,
    tenant_code: str | None,
    kind: str,
    **detail: object,
) -> None:
    audit(
        session,
        principal.username,
        AuditAction.EXPORT,
        tenant_code,
        kind=kind,
        campaign=campaign.id,
        as_of=as_of,
        **detail,
    )


def verification_inputs(
    session: Session,
    principal: Principal,
    rulebook: Rulebook,
    campaign: Campaign,
    as_of: date,
    tenant_codes: Collection[str] | None = None,
) -> VerificationInputs:
    """Per school in scope (`tenant_codes`, else every school the principal sees), its latest accepted
    submission as of the date, its report and assessment; a school outside the principal's scope is
    refused (AccessDenied, audited)."""
    codes = require_tenants(session, principal, tenant_codes, PermissionAction.EXPORT)
    schools = [s for s in list_schools(session, campaign_id=campaign.id) if codes is None or s.code in codes]
    latest = latest_accepted(session, campaign.id, as_of, [s.code for s in schools])
    reports = load_reports(session, [sub.id for sub in latest.values()])
    units = _unit_names(session)
    entries, missing = [], []
    for school in schools:
        submission = latest.get(school.code)
        if submission is None:
            missing.append(school)
            continue
        report = reports[submission.id]
        context = SheetContext(
            school_code=school.code,
            school_name=school.name,
            unit=units.get(school.unit_code, school.unit_code),
            campaign_id=campaign.id,
            campaign_name=campaign.name,
            as_of=as_of,
            submission_id=str(submission.id),
            submission_sha256=submission.sha256,
            received=received_text(submission),
        )
        assessment = assess(report, rulebook, campaign, as_of, tenant=school.code, school=school.name)
        entries.append(SheetEntry(context, report, assessment))
    return VerificationInputs(entries, missing)


def summary_rows(
    session: Session,
    principal: Principal,
    rulebook: Rulebook,
    campaign: Campaign,
    as_of: date,
    tenant_codes: Collection[str] | None = None,
) -> list[SummaryRow]:
    """One row per school in scope: its assessment as of the date and, once inspected or overridden,
    the final verdict."""
    units = _unit_names(session)
    rows = []
    for standing in standings(session, principal, rulebook, campaign, as_of, tenant_codes):
        school, assessment = standing.school, standing.assessment
        submitted = assessment.verdict is not Verdict.NOT_SUBMITTED
        decided = standing.onsite or standing.override
        rows.append(
            SummaryRow(
                school_code=school.code,
                school_name=school.name,
                unit=units.get(school.unit_code, school.unit_code),
                assessment=assessment if submitted else None,
                final_verdict=standing.final_verdict if decided else None,
            )
        )
    return rows


def _unit_names(session: Session) -> dict[str, str]:
    return {unit.code: unit.name for unit in list_units(session)}
