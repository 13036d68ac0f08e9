"""Score one school's report against a rulebook: deadline state, data findings and credit per
sub-item, then task scores, the total and the verdict. Pure and deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from checks.campaign import Campaign
from checks.deadlines import (
    COMPLETION_DATE_RULE,
    completion_date_findings,
    deadline_state,
    due_date,
    effective_status,
    evidenced_on,
    timed,
)
from checks.results import (
    DeadlineState,
    Finding,
    ItemAssessment,
    SchoolAssessment,
    TaskAssessment,
    Verdict,
)
from checks.rulebook import Item, Rulebook, Scoring, VerdictRules
from checks.rules.context import RuleContext
from checks.rules.registry import RULES, require_implemented
from checks.schema import ItemReport, ItemStatus, SchoolReport


def assess(
    report: SchoolReport | None,
    rulebook: Rulebook,
    campaign: Campaign,
    as_of: date,
    tenant: str = "",
    school: str = "",
    found: Mapping[str, Sequence[Finding]] | None = None,
) -> SchoolAssessment:
    """`found`: rule id -> what that rule found, for rules already run on this report (the stored roster
    rules' findings, checks.stored); those are not run again, so the report need not hold their rows."""
    require_implemented(rulebook)
    ctx = RuleContext(report, rulebook, campaign, as_of) if report else None
    reported = {i.item_id: i for i in report.items} if report else {}
    items = tuple(
        _assess_item(item, reported.get(item.id), ctx, campaign, as_of, rulebook, found or {})
        for item in rulebook.items
    )
    return conclude(
        rulebook,
        items,
        submitted=report is not None,
        campaign_id=campaign.id,
        as_of=as_of,
        tenant=tenant or (report.school.code if report else ""),
        school=school or (report.school.name if report else ""),
    )


def conclude(
    rulebook: Rulebook,
    items: tuple[ItemAssessment, ...],
    *,
    submitted: bool,
    tenant: str,
    school: str,
    campaign_id: str,
    as_of: date,
) -> SchoolAssessment:
    """Task scores, the total and the verdict from assessed items (shared with on-site results)."""
    credits = {i.item_id: i.credit for i in items}
    tasks = tuple(
        TaskAssessment(
            task.id, task.name, task.weight, task.weight * sum(credits[i.id] for i in task.items) / len(task.items)
        )
        for task in rulebook.tasks
        if task.items
    )
    score = round(sum(t.score for t in tasks), 1)
    findings = (f for item in items for f in item.findings)
    return SchoolAssessment(
        tenant=tenant,
        school=school,
        campaign_id=campaign_id,
        as_of=as_of,
        score=score,
        verdict=decide_verdict(score, findings, rulebook.verdict, submitted=submitted),
        tasks=tasks,
        items=items,
    )


def decide_verdict(score: float, findings: Iterable[Finding], rules: VerdictRules, *, submitted: bool) -> Verdict:
    if not submitted:
        return Verdict.NOT_SUBMITTED
    if score < rules.fail_below_score:
        return Verdict.FAILED
    if score >= rules.pass_min_score and not any(f.severity in rules.blocking and f.counts for f in findings):
        return Verdict.PASSED
    return Verdict.RECTIFY


def item_credit(
    state: DeadlineState, status: ItemStatus | None, findings: Iterable[Finding], scoring: Scoring
) -> float:
    """The share of the item earned: by deadline state (or reported status while not due / ongoing),
    less the penalties of its findings (early warnings cost nothing), never below zero. `status` is the
    effective one."""
    if state is DeadlineState.NOT_DUE:
        base = scoring.credit_not_due.get(status, 0.0) if status else 0.0
    elif state is DeadlineState.ONGOING:
        base = scoring.credit_ongoing.get(status, 0.0) if status else 0.0
    else:
        base = scoring.credit[state]  # keyed by the state's value, which a DeadlineState is
    worst_by_rule: dict[str, float] = {}  # a rule breached by several organisations counts once
    for f in findings:
        if not f.counts:
            continue
        penalty = scoring.finding_penalty.get(f.severity, 0.0)
        worst_by_rule[f.rule] = max(worst_by_rule.get(f.rule, 0.0), penalty)
    penalty = sum(worst_by_rule.values())
    return base * max(0.0, 1.0 - penalty)


def run_rule(ctx: RuleContext, rule_id: str) -> list[Finding]:
    """What one of the rulebook's checks finds in the context's report, before any deadline is applied."""
    spec = ctx.rulebook.rules[rule_id]
    scoped = ctx.scoped(spec)
    return RULES[spec.kind](scoped.report, spec, scoped)


def _assess_item(
    item: Item,
    report: ItemReport | None,
    ctx: RuleContext | None,
    campaign: Campaign,
    as_of: date,
    rulebook: Rulebook,
    found: Mapping[str, Sequence[Finding]],
) -> ItemAssessment:
    due = due_date(item, campaign)
    findings = completion_date_findings(report, due, as_of, rulebook.rules[COMPLETION_DATE_RULE])
    if ctx is not None:
        for rule_id in item.checks:
            raw = found[rule_id] if rule_id in found else run_rule(ctx, rule_id)
            findings += [timed(f, due, as_of) for f in raw]
    state = deadline_state(report, due, as_of, evidenced_on(findings))
    status = report.status if report else None
    completed_on = report.completed_on if report else None
    return ItemAssessment(
        item_id=item.id,
        task_id=item.task_id,
        deadline=due,
        state=state,
        status=status,
        completed_on=completed_on,
        evidence=report.evidence if report else "",
        findings=tuple(findings),
        credit=item_credit(state, effective_status(status, completed_on, as_of), findings, rulebook.scoring),
    )
