"""What is stored per accepted submission and rulebook key (checks.stored): the roster rules' findings
and the board's facts for each span of days.

Written when a submission is stored and by `campaign refresh-results`; read by the board, which takes
only rows of the campaign's current key, so a changed rulebook or threshold never reuses old results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from checks.campaign import Campaign
from checks.results import DeadlineState, Finding, Severity
from checks.rulebook import Rulebook
from checks.schema import SchoolReport
from checks.serialize import dump
from checks.stored import Derived, RosterFindings, derive, facts_key, results_key
from checks.timeline import Facts, Segment
from tenants.models import BoardFact, StoredResult, Submission, utcnow
from tenants.reports import IDS_PER_QUERY, load_reports
from tenants.submissions import china_day

REPORTS_PER_BATCH = 50  # reports (rosters) held in memory at once while refreshing


def store_results(session: Session, submission_id: int, tenant_code: str, derived: Derived, campaign: Campaign) -> None:
    """Store what was derived from an accepted submission's report (checks.stored.derive): the roster rules'
    findings, which the caller has also assessed it with, under the campaign's results key, and the board's
    facts under its facts key (nothing for a campaign without a pinned rulebook, whose board always
    assesses every school)."""
    key, facts = results_key(campaign), facts_key(campaign)
    if key is None or facts is None:
        return
    _store_findings(session, submission_id, tenant_code, key, derived.found)
    _store_facts(session, submission_id, tenant_code, facts, derived.segments)


def _store_findings(session: Session, submission_id: int, tenant_code: str, key: str, found: RosterFindings) -> None:
    session.add(
        StoredResult(
            submission_id=submission_id,
            tenant_code=tenant_code,
            rulebook_key=key,
            computed_at=utcnow(),
            findings={rule_id: dump(findings) for rule_id, findings in found.items()},
        )
    )


def _store_facts(session: Session, submission_id: int, tenant_code: str, key: str, segments: list[Segment]) -> None:
    session.add_all(
        BoardFact(
            submission_id=submission_id,
            tenant_code=tenant_code,
            facts_key=key,
            first_day=segment.first,
            last_day=segment.last,
            score=segment.facts.score,
            verdict=segment.facts.verdict,
            states=[str(state) for state in segment.facts.states],
            task_scores=list(segment.facts.task_scores),
        )
        for segment in segments
    )


def stored_results(session: Session, submission_ids: Iterable[int], key: str) -> dict[int, RosterFindings]:
    """Per submission that has them under `key`, its roster rules' findings."""
    ids = list(dict.fromkeys(submission_ids))
    result: dict[int, RosterFindings] = {}
    for start in range(0, len(ids), IDS_PER_QUERY):
        query = select(StoredResult.submission_id, StoredResult.findings).where(
            StoredResult.rulebook_key == key, StoredResult.submission_id.in_(ids[start : start + IDS_PER_QUERY])
        )
        result.update(
            {
                submission_id: {rule_id: tuple(map(_finding, findings)) for rule_id, findings in found.items()}
                for submission_id, found in session.execute(query)
            }
        )
    return result


def _finding(data: dict[str, Any]) -> Finding:
    """A stored Finding back: written out field by field because the generic checks.serialize.load,
    resolving type hints for every value, took 40% of the cold board (tests/test_stored_results.py
    compares the result with the findings the rules make)."""
    due, done_on = data["due"], data["done_on"]
    return Finding(
        rule=data["rule"],
        severity=Severity(data["severity"]),
        message=data["message"],
        sources=tuple(data["sources"]),
        due=None if due is None else date.fromisoformat(due),
        early=data["early"],
        done_on=None if done_on is None else date.fromisoformat(done_on),
    )


def board_facts(session: Session, submission_ids: Iterable[int], key: str, day: date) -> dict[int, Facts]:
    """Per submission whose stored facts under `key` (checks.stored.facts_key) cover `day`, its facts on that
    day."""
    ids = list(dict.fromkeys(submission_ids))
    result: dict[int, Facts] = {}
    row = BoardFact
    for start in range(0, len(ids), IDS_PER_QUERY):
        query = select(row.submission_id, row.score, row.verdict, row.states, row.task_scores).where(
            row.facts_key == key,
            row.submission_id.in_(ids[start : start + IDS_PER_QUERY]),
            and_(row.first_day <= day, row.last_day >= day),
        )
        result.update(
            {
                submission_id: Facts(score, verdict, tuple(map(DeadlineState, states)), tuple(task_scores))
                for submission_id, score, verdict, states, task_scores in session.execute(query)
            }
        )
    return result


def reports_with_findings(
    session: Session, submission_ids: Iterable[int], key: str | None
) -> tuple[dict[int, SchoolReport], dict[int, RosterFindings]]:
    """The reports of these accepted submissions, and the roster rules' findings stored for them under `key`:
    a report whose findings are stored is read without its roster, which no other rule reads."""
    ids = list(dict.fromkeys(submission_ids))
    found = {} if key is None else stored_results(session, ids, key)
    reports = load_reports(session, found, roster=False) | load_reports(session, [i for i in ids if i not in found])
    return reports, found


def refresh_results(
    session: Session, rulebook: Rulebook, campaign: Campaign, progress: Callable[[int, int], None]
) -> int:
    """Store the findings and board facts of every accepted submission of the campaign that lacks them
    under its current key, reading REPORTS_PER_BATCH reports at a time; `progress(done, total)` after each
    batch. Returns how many submissions were completed."""
    key, facts = results_key(campaign), facts_key(campaign)
    if key is None or facts is None:
        return 0
    with_facts = select(BoardFact.submission_id).where(BoardFact.facts_key == facts)
    missing = session.execute(
        select(Submission.id, Submission.tenant_code, Submission.received_at)
        .where(Submission.campaign_id == campaign.id, Submission.accepted, Submission.id.not_in(with_facts))
        .order_by(Submission.id)
    ).all()
    for start in range(0, len(missing), REPORTS_PER_BATCH):
        batch = {
            submission_id: (tenant, received)
            for submission_id, tenant, received in missing[start : start + REPORTS_PER_BATCH]
        }
        # After a deadline moves the findings' key is unchanged: their rosters are not read again.
        reports, found = reports_with_findings(session, batch, key)
        for submission_id, report in reports.items():
            tenant, received = batch[submission_id]
            derived = derive(report, rulebook, campaign, china_day(received), found.get(submission_id))
            if submission_id not in found:
                _store_findings(session, submission_id, tenant, key, derived.found)
            _store_facts(session, submission_id, tenant, facts, derived.segments)
        session.flush()
        progress(min(start + REPORTS_PER_BATCH, len(missing)), len(missing))
    return len(missing)
