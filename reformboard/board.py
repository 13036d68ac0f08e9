"""How every school in a scope stands on a date: the data behind `score` and the acceptance board.

Submissions are immutable, so the board as it stood on any date is exact: take each school's latest
accepted submission uploaded by the end of that day and assess it as of that day. For the same reason
an assessment of a submission on a date never goes stale: callers that redraw the board often pass a
memo (submission id -> assessment on that date) and only new uploads are read and assessed again.

The board itself shows only each school's facts (checks.timeline), which are stored per submission for
every day (checks.stored): `board_lines` reads them, one row per school, and assesses only the schools
they do not cover.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from checks.campaign import Campaign
from checks.engine import assess
from checks.final import final_verdict
from checks.results import OnsiteResult, SchoolAssessment, Verdict, VerdictOverride
from checks.rulebook import Rulebook
from checks.stored import facts_key, results_key
from checks.timeline import Facts, facts_of
from reformboard.bulk import cycle_collection_paused
from tenants.access import PermissionAction, require_tenants
from tenants.models import Submission, Tenant
from tenants.principal import Principal, UserRole
from tenants.store import (
    board_facts,
    end_of_day,
    latest_accepted,
    list_schools,
    onsite_results_for,
    overrides_for,
    reports_with_findings,
)

Memo = MutableMapping[int, SchoolAssessment]  # submission id -> its assessment on one date, one campaign

BOARD_ROLES = (UserRole.PROVINCE_ADMIN, UserRole.PROVINCE_VIEWER, UserRole.UNIT)  # who sees the board (and its 通报)


@dataclass(frozen=True)
class Standing:
    """A school's assessment with what the on-site inspectors found, and the verdict that stands."""

    school: Tenant
    submission: Submission | None  # the accepted submission assessed; None when there is none yet
    assessment: SchoolAssessment
    onsite: Mapping[str, OnsiteResult]  # item id -> the inspectors' latest result; empty until inspected
    override: VerdictOverride | None  # a province administrator's recorded decision, when there is one
    final_verdict: Verdict  # the override's, else the system's combined with the inspectors'


@dataclass(frozen=True)
class BoardLine:
    """What the board shows of a school on a date."""

    school: Tenant
    submission: Submission | None
    as_of: date
    facts: Facts
    inspected: int  # sub-items with an on-site result
    overridden: bool
    final_verdict: Verdict

    @classmethod
    def of(cls, standing: Standing) -> BoardLine:
        return cls(
            standing.school,
            standing.submission,
            standing.assessment.as_of,
            facts_of(standing.assessment),
            len(standing.onsite),
            standing.override is not None,
            standing.final_verdict,
        )


@dataclass(frozen=True)
class _Scope:
    """The schools of a board and what is recorded of them by the end of its date."""

    schools: list[Tenant]
    latest: dict[str, Submission]
    onsite: dict[str, dict[str, OnsiteResult]]
    overrides: dict[str, VerdictOverride]


def _scope(
    session: Session, principal: Principal, campaign: Campaign, as_of: date, tenant_codes: Collection[str] | None
) -> _Scope:
    tenant_codes = require_tenants(session, principal, tenant_codes, PermissionAction.VIEW_STANDINGS)
    schools = [
        s for s in list_schools(session, campaign_id=campaign.id) if tenant_codes is None or s.code in tenant_codes
    ]
    codes = [s.code for s in schools]
    return _Scope(
        schools,
        latest_accepted(session, campaign.id, as_of, codes),
        onsite_results_for(session, campaign.id, codes),
        overrides_for(session, campaign.id, codes, before=end_of_day(as_of)),
    )


def standings(
    session: Session,
    principal: Principal,
    rulebook: Rulebook,
    campaign: Campaign,
    as_of: date,
    tenant_codes: Collection[str] | None = None,
    memo: Memo | None = None,
) -> list[Standing]:
    """One standing per school in scope (`tenant_codes`, else every school the principal sees), in
    school-code order; 未提交 where nothing was accepted. Only the schools on the campaign's list are
    there. A school outside the principal's scope is refused (AccessDenied, audited)."""
    scope = _scope(session, principal, campaign, as_of, tenant_codes)
    return _standings(session, rulebook, campaign, as_of, scope, scope.schools, {} if memo is None else memo)


def board_lines(
    session: Session,
    principal: Principal,
    rulebook: Rulebook,
    campaign: Campaign,
    as_of: date,
    tenant_codes: Collection[str] | None = None,
    memo: Memo | None = None,
) -> list[BoardLine]:
    """What the board shows of each school in scope, as `standings` would give it: from the stored facts
    where they cover `as_of`, else (no stored facts yet, a day past their horizon, a school inspected on
    site, whose final verdict weighs the items' findings) from assessing the school."""
    scope = _scope(session, principal, campaign, as_of, tenant_codes)
    key = facts_key(campaign)
    ids = [sub.id for code, sub in scope.latest.items() if code not in scope.onsite]
    stored = {} if key is None else board_facts(session, ids, key, as_of)
    assessed = [s for s in scope.schools if (sub := scope.latest.get(s.code)) is None or sub.id not in stored]
    lines = {
        standing.school.code: BoardLine.of(standing)
        for standing in _standings(session, rulebook, campaign, as_of, scope, assessed, {} if memo is None else memo)
    }
    for school in scope.schools:
        if school.code not in lines:
            submission, override = scope.latest[school.code], scope.overrides.get(school.code)
            facts = stored[submission.id]
            verdict = facts.verdict if override is None else override.verdict
            lines[school.code] = BoardLine(school, submission, as_of, facts, 0, override is not None, verdict)
    return [lines[school.code] for school in scope.schools]


def _standings(
    session: Session,
    rulebook: Rulebook,
    campaign: Campaign,
    as_of: date,
    scope: _Scope,
    schools: list[Tenant],
    memo: Memo,
) -> list[Standing]:
    """The standings of `schools`, some or all of the scope's."""
    latest = {s.code: scope.latest[s.code] for s in schools if s.code in scope.latest}
    assessed = _assess_latest(session, rulebook, campaign, as_of, schools, latest, memo)
    result = []
    for school in schools:
        assessment = assessed.get(school.code) or assess(
            None, rulebook, campaign, as_of, tenant=school.code, school=school.name
        )
        inspected, override = scope.onsite.get(school.code, {}), scope.overrides.get(school.code)
        result.append(
            Standing(
                school,
                latest.get(school.code),
                assessment,
                inspected,
                override,
                verdict_in_force(assessment, inspected, override, rulebook),
            )
        )
    return result


def assess_schools(
    session: Session,
    principal: Principal,
    rulebook: Rulebook,
    campaign: Campaign,
    as_of: date,
    tenant_codes: Collection[str] | None = None,
    memo: Memo | None = None,
) -> list[SchoolAssessment]:
    """The system's assessment of each school in scope (without on-site results or overrides)."""
    return [s.assessment for s in standings(session, principal, rulebook, campaign, as_of, tenant_codes, memo)]


def _assess_latest(
    session: Session,
    rulebook: Rulebook,
    campaign: Campaign,
    as_of: date,
    schools: list[Tenant],
    latest: Mapping[str, Submission],
    memo: Memo,
) -> dict[str, SchoolAssessment]:
    """Per school code, the assessment of its latest accepted submission; reads only reports not in `memo`,
    and their rosters only where the roster rules' findings are not stored under the campaign's key."""
    names = {s.code: s.name for s in schools}
    missing = {sub.id: sub.tenant_code for sub in latest.values() if sub.id not in memo}
    with cycle_collection_paused():
        reports, found = reports_with_findings(session, missing, results_key(campaign))
        for submission_id, report in reports.items():
            code = missing[submission_id]
            memo[submission_id] = assess(
                report, rulebook, campaign, as_of, tenant=code, school=names[code], found=found.get(submission_id)
            )
    return {code: memo[sub.id] for code, sub in latest.items()}


def verdict_in_force(
    assessment: SchoolAssessment,
    onsite: Mapping[str, OnsiteResult],
    override: VerdictOverride | None,
    rulebook: Rulebook,
) -> Verdict:
    """The verdict that stands: the override's when one is in force, else the system's combined with the
    inspectors' results (the system's alone until the school is inspected)."""
    if override is not None:
        return override.verdict
    return final_verdict(assessment, onsite, rulebook) if onsite else assessment.verdict
