"""Campaigns: what a province administrator changes in one (its per-item deadlines, its threshold overrides,
the rulebook text pinned to it) and which one is the default. Each is authorised and audited once; a rulebook
change is first described (what changes, how many schools' verdicts would change) and applied only when
confirmed. Schools join a campaign's list where they are added or imported (services.directory)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from checks.campaign import Campaign, RulebookText, rulebook_sha256
from checks.rulebook import build_rulebook
from checks.rulebook_diff import rulebook_changes
from reformboard.board import standings
from reformboard.context import AppContext
from tenants.access import PermissionAction, require_role
from tenants.audit import AuditAction, audit
from tenants.directory import (
    default_campaign,
    pin_rulebook,
    set_deadline_overrides,
    set_default_campaign,
    set_threshold_overrides,
)
from tenants.principal import Principal, UserRole
from tenants.store import refresh_results


def change_deadlines(
    session: Session, principal: Principal, campaign_id: str, overrides: Mapping[str, date]
) -> Campaign:
    """Replace the campaign's deadline overrides (item id -> due date); the changed campaign."""
    require_role(session, principal, UserRole.PROVINCE_ADMIN, action=PermissionAction.CAMPAIGN_DEADLINES)
    campaign = set_deadline_overrides(session, campaign_id, overrides)
    audit(
        session,
        principal.username,
        AuditAction.CAMPAIGN_DEADLINES_CHANGED,
        None,
        campaign=campaign.id,
        overrides=dict(overrides),
    )
    return campaign


def make_default(session: Session, principal: Principal, campaign_id: str) -> Campaign:
    """Make the campaign the one opened when none is named."""
    require_role(session, principal, UserRole.PROVINCE_ADMIN, action=PermissionAction.CAMPAIGN_DEFAULT)
    previous = default_campaign(session)
    campaign = set_default_campaign(session, AppContext.campaign(session, campaign_id).id)
    audit(
        session,
        principal.username,
        AuditAction.CAMPAIGN_DEFAULT_SET,
        campaign=campaign.id,
        previous=None if previous is None else previous.id,
    )
    return campaign


def set_threshold(
    session: Session, principal: Principal, campaign_id: str, rule: str, param: str, value: Any
) -> Campaign:
    """Override one parameter of one check for this campaign; validated against the kind's declaration by
    building the campaign's rulebook with it (RulebookError, in Chinese, when it does not fit)."""
    require_role(session, principal, UserRole.PROVINCE_ADMIN, action=PermissionAction.CAMPAIGN_THRESHOLD)
    campaign = AppContext.campaign(session, campaign_id)
    current = AppContext.rulebook_for(campaign)
    overrides = {**campaign.threshold_overrides, rule: {**campaign.threshold_overrides.get(rule, {}), param: value}}
    build_rulebook(campaign.rulebook_texts, overrides)  # refuses an unknown check, parameter or value
    before = current.rules[rule].params.get(param)
    updated = set_threshold_overrides(session, campaign.id, overrides)
    audit(
        session,
        principal.username,
        AuditAction.CAMPAIGN_THRESHOLD_SET,
        campaign=campaign.id,
        rule=rule,
        param=param,
        old=before,
        new=value,
    )
    return updated


@dataclass(frozen=True)
class RulebookUpdate:
    """A new rulebook text for a campaign, described before it is applied."""

    campaign: Campaign  # as it would be: the new texts pinned, its own overrides kept
    changes: list[str]  # Chinese, one line per change (checks.rulebook_diff)
    schools: int  # schools on the campaign's list, scored under both
    changed_verdicts: list[str]  # codes of the schools whose verdict would change
    as_of: date


def describe_update(
    session: Session, principal: Principal, campaign: Campaign, texts: Sequence[RulebookText], as_of: date
) -> RulebookUpdate:
    """What putting `texts` in force would change, scoring every school's stored submissions under both."""
    require_role(session, principal, UserRole.PROVINCE_ADMIN, action=PermissionAction.CAMPAIGN_RULEBOOK)
    new_book = build_rulebook(texts, campaign.threshold_overrides)  # refuses a text that does not load
    proposed = replace(campaign, rulebook=new_book.id, rulebook_texts=tuple(texts))
    if not campaign.rulebook_texts:  # registered before rulebooks were pinned, its file gone: nothing to compare
        schools = len(standings(session, principal, new_book, proposed, as_of))
        return RulebookUpdate(proposed, [f"固定规则手册 {new_book.id}（此前未固定）"], schools, [], as_of)
    old_book = AppContext.rulebook_for(campaign)
    before = {s.school.code: s.assessment.verdict for s in standings(session, principal, old_book, campaign, as_of)}
    after = {s.school.code: s.assessment.verdict for s in standings(session, principal, new_book, proposed, as_of)}
    changed = sorted(code for code in before if before[code] != after[code])
    changes = rulebook_changes(old_book, new_book)
    if not changes and rulebook_sha256(texts) != rulebook_sha256(campaign.rulebook_texts):
        changes = ["只有文字改动（核验、时限和计分都不变）"]
    return RulebookUpdate(proposed, changes, len(before), changed, as_of)


def apply_update(session: Session, principal: Principal, update: RulebookUpdate, previous: Campaign) -> Campaign:
    require_role(session, principal, UserRole.PROVINCE_ADMIN, action=PermissionAction.CAMPAIGN_RULEBOOK)
    campaign = pin_rulebook(session, previous.id, update.campaign.rulebook, update.campaign.rulebook_texts)
    audit(
        session,
        principal.username,
        AuditAction.CAMPAIGN_RULEBOOK_UPDATED,
        campaign=campaign.id,
        old_rulebook=previous.rulebook,
        old_sha256=rulebook_sha256(previous.rulebook_texts),
        new_rulebook=campaign.rulebook,
        new_sha256=rulebook_sha256(campaign.rulebook_texts),
        changes=update.changes,
        changed_verdicts=update.changed_verdicts,
        as_of=update.as_of,
    )
    return campaign


def refresh_campaign_results(
    session: Session, principal: Principal, campaign_id: str, progress: Callable[[int, int], None]
) -> int:
    """Store the roster rules' findings and the board's facts of every accepted submission that lacks them
    under the campaign's current rulebook, thresholds and deadlines (after they change); returns how many
    submissions were completed."""
    require_role(session, principal, UserRole.PROVINCE_ADMIN, action=PermissionAction.CAMPAIGN_RULEBOOK)
    campaign = AppContext.campaign(session, campaign_id)
    return refresh_results(session, AppContext.rulebook_for(campaign), campaign, progress)
