"""The date-free part of an assessment, computed once when a submission is stored.

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

from checks.campaign import Campaign, rulebook_sha256
from checks.engine import run_rule
from checks.results import Finding
from checks.rulebook import Rulebook
from checks.rules.context import RuleContext
from checks.rules.registry import ROSTER_KINDS
from checks.schema import SchoolReport

RosterFindings = Mapping[str, tuple[Finding, ...]]  # rule id -> its findings, before deadlines apply


def results_key(campaign: Campaign) -> str | None:
    """What stored findings are valid for: the campaign's pinned rulebook and thresholds (None when the
    campaign pins no rulebook, whose findings are never stored)."""
    if not campaign.rulebook_texts:
        return None
    thresholds = json.dumps(campaign.threshold_overrides, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{rulebook_sha256(campaign.rulebook_texts)}:{thresholds}".encode()).hexdigest()


def roster_findings(report: SchoolReport, rulebook: Rulebook, campaign: Campaign) -> dict[str, tuple[Finding, ...]]:
    """What every roster rule the rulebook's items name finds in the report."""
    ctx = RuleContext(report, rulebook, campaign, campaign.starts_on)  # the date is read by none of them
    rule_ids = dict.fromkeys(
        rule_id for item in rulebook.items for rule_id in item.checks if rulebook.rules[rule_id].kind in ROSTER_KINDS
    )
    return {rule_id: tuple(run_rule(ctx, rule_id)) for rule_id in rule_ids}
