"""What is computed once when a submission is stored: the date-free part of its assessment, and the
board's facts for every day (checks.timeline).

The roster rules (registry.ROSTER_KINDS) read the rosters, thousands of rows a school, but never the
date, so their findings are stored per submission and rulebook key; the board for any date then
assesses the report without its roster (items, organisations and meetings: a few dozen rows) and
takes those rules' findings from the store. The key names the pinned rulebook texts and the
campaign's threshold overrides, so a changed rulebook never reuses findings made under the old one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from checks.campaign import Campaign, rulebook_sha256
from checks.engine import run_rule
from checks.results import Finding
from checks.rulebook import Rulebook
from checks.rules.context import RuleContext
from checks.rules.registry import ROSTER_KINDS
from checks.schema import SchoolReport
from checks.timeline import Segment, timeline

RosterFindings = Mapping[str, tuple[Finding, ...]]  # rule id -> its findings, before deadlines apply
# How long after its upload (or the acceptance, when later) a submission's board facts are stored for; the
# board of a later day, if the submission is still a school's latest then, assesses it instead.
FACTS_HORIZON = timedelta(days=3 * 366)


@dataclass(frozen=True)
class Derived:
    """What is stored of an accepted submission under its campaign's rulebook key."""

    found: RosterFindings
    segments: list[Segment]  # the board's facts from the day it was received


def derive(
    report: SchoolReport,
    rulebook: Rulebook,
    campaign: Campaign,
    received_on: date,
    found: RosterFindings | None = None,
) -> Derived:
    """`found`: the roster rules' findings when they are already stored (the report need not then hold its
    roster); run on the report otherwise."""
    found = roster_findings(report, rulebook, campaign) if found is None else found
    last = max(received_on, campaign.acceptance_on) + FACTS_HORIZON
    return Derived(found, timeline(report, rulebook, campaign, received_on, last, found))


def results_key(campaign: Campaign) -> str | None:
    """What stored findings are valid for: the campaign's pinned rulebook and thresholds (None when the
    campaign pins no rulebook, whose findings are never stored)."""
    if not campaign.rulebook_texts:
        return None
    thresholds = json.dumps(campaign.threshold_overrides, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{rulebook_sha256(campaign.rulebook_texts)}:{thresholds}".encode()).hexdigest()


def facts_key(campaign: Campaign) -> str | None:
    """What stored board facts are valid for: the roster findings' key (results_key) and the campaign's
    own dates and deadline overrides, which move the days the facts change on (None without a pinned
    rulebook)."""
    key = results_key(campaign)
    if key is None:
        return None
    deadlines = {item_id: due.isoformat() for item_id, due in campaign.deadline_overrides.items()}
    dates = json.dumps([campaign.starts_on.isoformat(), campaign.acceptance_on.isoformat(), deadlines], sort_keys=True)
    return hashlib.sha256(f"{key}:{dates}".encode()).hexdigest()


def roster_findings(report: SchoolReport, rulebook: Rulebook, campaign: Campaign) -> dict[str, tuple[Finding, ...]]:
    """What every roster rule the rulebook's items name finds in the report."""
    ctx = RuleContext(report, rulebook, campaign, campaign.starts_on)  # the date is read by none of them
    rule_ids = dict.fromkeys(
        rule_id for item in rulebook.items for rule_id in item.checks if rulebook.rules[rule_id].kind in ROSTER_KINDS
    )
    return {rule_id: tuple(run_rule(ctx, rule_id)) for rule_id in rule_ids}
