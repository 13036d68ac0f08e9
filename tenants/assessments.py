"""Stored assessments (what the checks concluded, as of a date) and the on-site inspectors' results."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from checks.results import DeadlineState, OnsiteResult, SchoolAssessment, Verdict, VerdictOverride
from checks.serialize import dump, load
from tenants.models import (
    Assessment,
    CampaignSchool,
    Document,
    OnsiteResultRow,
    Submission,
    VerdictOverrideRow,
    utcnow,
)
from tenants.queries import latest_per_tenant


def save_assessment(
    session: Session, submission_id: int | None, assessment: SchoolAssessment, computed_at: datetime | None = None
) -> Assessment:
    """Store an assessment; submission_id is None for a school that has submitted nothing."""
    row = Assessment(
        submission_id=submission_id,
        tenant_code=assessment.tenant,
        campaign_id=assessment.campaign_id,
        as_of=assessment.as_of,
        computed_at=computed_at or utcnow(),
        score=assessment.score,
        verdict=assessment.verdict,
        overdue_count=assessment.count(DeadlineState.OVERDUE),
        payload=dump(assessment),
    )
    session.add(row)
    return row


def assessment_result(row: Assessment) -> SchoolAssessment:
    return load(SchoolAssessment, row.payload)


def latest_assessments(
    session: Session, campaign_id: str, tenant_codes: Iterable[str] | None = None, as_of: date | None = None
) -> dict[str, Assessment]:
    """Per school, the most recently computed assessment (only those as of `as_of`, when given)."""
    conditions = [Assessment.campaign_id == campaign_id]
    if as_of is not None:
        conditions.append(Assessment.as_of == as_of)
    return latest_per_tenant(
        session,
        Assessment,
        *conditions,
        newest_first=(Assessment.computed_at.desc(), Assessment.id.desc()),
        tenant_codes=tenant_codes,
    )


def save_onsite_results(
    session: Session,
    *,
    tenant_code: str,
    campaign_id: str,
    submission_id: int | None,
    results: Iterable[OnsiteResult],
    source_sha256: str,
    loaded_at: datetime | None = None,
) -> bool:
    """Store the results read from one verification sheet; False (nothing stored) if it was loaded before."""
    already = session.scalar(
        select(OnsiteResultRow.id)
        .where(
            OnsiteResultRow.tenant_code == tenant_code,
            OnsiteResultRow.campaign_id == campaign_id,
            OnsiteResultRow.source_sha256 == source_sha256,
        )
        .limit(1)
    )
    if already is not None:
        return False
    at = loaded_at or utcnow()
    session.add_all(
        OnsiteResultRow(
            tenant_code=tenant_code,
            campaign_id=campaign_id,
            submission_id=submission_id,
            item_id=result.item_id,
            result=result.result,
            note=result.note,
            inspectors=result.inspectors,
            inspected_on=result.inspected_on,
            loaded_at=at,
            source_sha256=source_sha256,
        )
        for result in results
    )
    return True


def onsite_results_for(
    session: Session, campaign_id: str, tenant_codes: Iterable[str] | None = None
) -> dict[str, dict[str, OnsiteResult]]:
    """school code -> item id -> the latest result loaded for that item."""
    query = (
        select(OnsiteResultRow)
        .where(OnsiteResultRow.campaign_id == campaign_id)
        .order_by(OnsiteResultRow.loaded_at, OnsiteResultRow.id)
    )
    if tenant_codes is not None:
        query = query.where(OnsiteResultRow.tenant_code.in_(list(tenant_codes)))
    results: dict[str, dict[str, OnsiteResult]] = {}
    for row in session.scalars(query):  # oldest first: a later sheet overrides an item
        results.setdefault(row.tenant_code, {})[row.item_id] = OnsiteResult(
            item_id=row.item_id,
            result=row.result,
            note=row.note,
            inspectors=row.inspectors,
            inspected_on=row.inspected_on,
        )
    return results


def record_override(
    session: Session,
    *,
    tenant_code: str,
    campaign_id: str,
    verdict: Verdict | None,
    reason: str,
    decided_by: str,
    decided_at: datetime | None = None,
) -> None:
    """Record a verdict override (None withdraws the one in force); earlier decisions stay on record."""
    session.add(
        VerdictOverrideRow(
            tenant_code=tenant_code,
            campaign_id=campaign_id,
            verdict=verdict,
            reason=reason,
            decided_by=decided_by,
            decided_at=decided_at or utcnow(),
        )
    )


def overrides_for(
    session: Session, campaign_id: str, tenant_codes: Iterable[str] | None = None, before: datetime | None = None
) -> dict[str, VerdictOverride]:
    """school code -> the override in force (the latest decision made before `before`, unless it
    withdrew the override)."""
    conditions = [VerdictOverrideRow.campaign_id == campaign_id]
    if before is not None:
        conditions.append(VerdictOverrideRow.decided_at < before)
    latest = latest_per_tenant(
        session,
        VerdictOverrideRow,
        *conditions,
        newest_first=(VerdictOverrideRow.decided_at.desc(), VerdictOverrideRow.id.desc()),
        tenant_codes=tenant_codes,
    )
    return {
        code: VerdictOverride(row.verdict, row.reason, row.decided_by, row.decided_at)
        for code, row in latest.items()
        if row.verdict is not None
    }


def data_version(session: Session, campaign_id: str) -> tuple[int, ...]:
    """(number of schools on the campaign's list, then the last id of the campaign's submissions, stored
    assessments, on-site results, verdict overrides and documents), in one round trip: these rows are only
    ever added, never changed."""
    schools = select(func.count()).where(CampaignSchool.campaign_id == campaign_id).scalar_subquery()
    last_ids = [
        select(func.coalesce(func.max(model.id), 0)).where(model.campaign_id == campaign_id).scalar_subquery()
        for model in (Submission, Assessment, OnsiteResultRow, VerdictOverrideRow, Document)
    ]
    return tuple(int(n) for n in session.execute(select(schools, *last_ids)).one())


def verdicts_at_upload(
    session: Session, campaign_id: str, as_of: date, tenant_codes: Iterable[str]
) -> list[tuple[str, date, Verdict]]:
    """(school, day, verdict) of each upload's assessment stored at ingest up to `as_of`, in date order."""
    query = (
        select(Assessment.tenant_code, Assessment.as_of, Assessment.verdict)
        .where(
            Assessment.campaign_id == campaign_id,
            Assessment.submission_id.is_not(None),
            Assessment.as_of <= as_of,
            Assessment.tenant_code.in_(list(tenant_codes)),
        )
        .order_by(Assessment.as_of, Assessment.computed_at, Assessment.id)
    )
    return [(code, day, verdict) for code, day, verdict in session.execute(query)]
