"""The roster rules' findings stored per accepted submission and rulebook key (checks.stored).

Written when a submission is stored and by `campaign refresh-results`; read by the board, which takes
only rows of the campaign's current key, so a changed rulebook or threshold never reuses old findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from checks.campaign import Campaign
from checks.results import Finding, Severity
from checks.rulebook import Rulebook
from checks.serialize import dump
from checks.stored import RosterFindings, results_key, roster_findings
from tenants.models import StoredResult, Submission, utcnow
from tenants.reports import IDS_PER_QUERY, load_reports

REPORTS_PER_BATCH = 50  # reports (rosters) held in memory at once while refreshing


def store_results(
    session: Session, submission_id: int, tenant_code: str, found: RosterFindings, campaign: Campaign
) -> None:
    """Store what the roster rules found in an accepted submission's report (checks.stored.roster_findings,
    which the caller has also assessed it with), under the campaign's key (nothing for a campaign without a
    pinned rulebook, whose board always reads the rosters)."""
    key = results_key(campaign)
    if key is None:
        return
    session.add(
        StoredResult(
            submission_id=submission_id,
            tenant_code=tenant_code,
            rulebook_key=key,
            computed_at=utcnow(),
            findings={rule_id: dump(findings) for rule_id, findings in found.items()},
        )
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


def refresh_results(
    session: Session, rulebook: Rulebook, campaign: Campaign, progress: Callable[[int, int], None]
) -> int:
    """Store the findings of every accepted submission of the campaign that has none under its current
    key, reading REPORTS_PER_BATCH reports at a time; `progress(done, total)` after each batch. Returns
    how many were stored."""
    key = results_key(campaign)
    if key is None:
        return 0
    stored = select(StoredResult.submission_id).where(StoredResult.rulebook_key == key)
    missing = session.execute(
        select(Submission.id, Submission.tenant_code)
        .where(Submission.campaign_id == campaign.id, Submission.accepted, Submission.id.not_in(stored))
        .order_by(Submission.id)
    ).all()
    tenants = dict(missing)
    ids = list(tenants)
    for start in range(0, len(ids), REPORTS_PER_BATCH):
        for submission_id, report in load_reports(session, ids[start : start + REPORTS_PER_BATCH]).items():
            found = roster_findings(report, rulebook, campaign)
            store_results(session, submission_id, tenants[submission_id], found, campaign)
        session.flush()
        progress(min(start + REPORTS_PER_BATCH, len(ids)), len(ids))
    return len(ids)
