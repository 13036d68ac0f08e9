"""Congress rules (6.1, 6.2): how often school and college congresses meet, who sits in them, and
what happens to their election results. Each school-level organisation is judged on its latest
congress held by the assessment date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from checks.results import Finding
from checks.rulebook import RuleSpec
from checks.rules.common import (
    at_least,
    breach,
    cn_date,
    listing,
    months_before,
    percent,
    recency,
    required_count,
    unverifiable,
    with_passes,
)
from checks.rules.context import CONGRESS_OF, RuleContext
from checks.rules.kinds import INTEGER, MONTH_SPAN, ORG_SCOPES, RATIO, Param, rule_kind
from checks.schema import Meeting, MeetingRole, Organisation, SchoolReport

ASSEMBLY = MeetingRole.ALL_STUDENT_ASSEMBLY
NO_SCHOOL_ORGS = "未填写校级学生会（研究生会）组织，无法核验"


@rule_kind(
    "校级学生（研究生）代表大会在规定间隔内召开",
    Param("max_interval_months", INTEGER, "两次大会最长间隔", MONTH_SPAN),
    scopes=ORG_SCOPES,
)
def congress_annual(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    if not ctx.school_orgs:
        return [unverifiable(spec, NO_SCHOOL_ORGS)]
    months = spec.param("max_interval_months")
    return [
        recency(spec, ctx.congresses(org), ctx.as_of, months, ctx.congress_named(org), org.name)
        for org in ctx.school_orgs
    ]


@rule_kind(
    "最近一次代表大会的代表名额不低于所联系学生人数的比例",
    Param("min_ratio", RATIO, "比例下限，如 0.01 即 1%"),
    scopes=ORG_SCOPES,
)
def congress_delegate_ratio(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    ratio = spec.param("min_ratio")

    def judge(org: Organisation, congress: Meeting) -> Finding | str:
        students = ctx.students_linked(org)
        if congress.delegates is None:
            return unverifiable(spec, f"{_named(org, congress)}未填写代表人数", [congress])
        if students is None:
            return unverifiable(spec, f"{org.name}未填写所联系学生人数（学校信息也未填写在校生人数）", [org])
        figures = (
            f"{_named(org, congress)}代表 {congress.delegates} 人，所联系学生 {students} 人的 {percent(ratio)}"
            f"为 {required_count(ratio, students)} 人"
        )
        if at_least(congress.delegates, ratio, students):
            return figures
        return breach(spec, f"{figures}，代表名额不足", [congress, org])

    return _per_latest_congress(spec, ctx, judge)


@rule_kind("最近一次代表大会的代表名额覆盖全部学院（系）", scopes=ORG_SCOPES)
def congress_college_coverage(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    colleges = len(report.school.colleges)

    def judge(org: Organisation, congress: Meeting) -> Finding | str:
        if not colleges:
            return unverifiable(spec, "学校信息未填写学院（系）名单，无法核验", [report.school])
        if congress.colleges_covered is None:
            return unverifiable(spec, f"{_named(org, congress)}未填写覆盖学院（系）数", [congress])
        figures = f"{_named(org, congress)}代表覆盖 {congress.colleges_covered} 个学院（系），学校共 {colleges} 个"
        if congress.colleges_covered >= colleges:
            return figures
        return breach(spec, figures, [congress])

    return _per_latest_congress(spec, ctx, judge)


@rule_kind(
    "最近一次代表大会中非学生干部代表的比例不低于下限",
    Param("min_ratio", RATIO, "比例下限，如 0.6 即 60%"),
    scopes=ORG_SCOPES,
)
def non_cadre_delegates(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    ratio = spec.param("min_ratio")

    def judge(org: Organisation, congress: Meeting) -> Finding | str:
        if congress.delegates is None or congress.non_cadre_delegates is None:
            return unverifiable(spec, f"{_named(org, congress)}未填写代表人数或非学生干部代表人数", [congress])
        figures = (
            f"{_named(org, congress)}代表 {congress.delegates} 人，其中非学生干部 {congress.non_cadre_delegates} 人"
        )
        if at_least(congress.non_cadre_delegates, ratio, congress.delegates):
            return f"{figures}，不低于 {percent(ratio)}"
        return breach(spec, f"{figures}，低于 {percent(ratio)}", [congress])

    return _per_latest_congress(spec, ctx, judge)


@rule_kind("最近一次代表大会选举结果经同级党委批准", scopes=ORG_SCOPES)
def election_approved(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    return _per_latest_congress(spec, ctx, _dated_step(spec, ctx, lambda m: m.approved_on, "经同级党委批准"))


@rule_kind("最近一次代表大会选举结果报上级学联备案", scopes=ORG_SCOPES)
def election_filed(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    return _per_latest_congress(spec, ctx, _dated_step(spec, ctx, lambda m: m.filed_on, "报上级学联备案"))


@rule_kind(
    "学院（系）学生代表大会在规定间隔内召开；可设全体学生大会代替代表大会的人数门槛",
    Param("max_interval_months", INTEGER, "两次大会最长间隔", MONTH_SPAN),
    Param(
        "assembly_threshold",
        INTEGER,
        "所联系学生少于此数的学院（系）可以全体学生大会代替代表大会；不设则不允许",
        "人",
        default=None,
    ),
    scopes=ORG_SCOPES,
)
def college_congress_annual(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    """Where the rulebook sets assembly_threshold, colleges with fewer students linked may hold an
    all-student assembly instead; without it, only a congress counts."""
    if not ctx.college_orgs:
        return [unverifiable(spec, "未填写院级学生会（研究生会）组织，无法核验")]
    months, threshold = spec.param("max_interval_months"), spec.params.get("assembly_threshold")
    since = months_before(ctx.as_of, months)
    recent = {(m.organisation, m.kind) for m in report.meetings if since <= m.held_on <= ctx.as_of}
    words = {role: ctx.rulebook.vocabulary.meeting_words(role) for role in (*CONGRESS_OF.values(), ASSEMBLY)}

    def held(org: Organisation, role: MeetingRole) -> bool:
        # one naming no organisation counts for all
        return any((name, kind) in recent for name in (org.name, "") for kind in words[role])

    def small(org: Organisation) -> bool:
        return threshold is not None and org.students_linked is not None and org.students_linked < threshold

    no_congress = [org for org in ctx.college_orgs if not held(org, CONGRESS_OF[org.kind])]
    late = [org for org in no_congress if not (small(org) and held(org, ASSEMBLY))]
    problems = []
    if late:
        problems.append(
            breach(
                spec,
                f"{len(late)} 个院级组织 {months} 个月内未召开学生（研究生）代表大会："
                f"{listing([org.name for org in late])}",
                late,
            )
        )
    on_time = len(ctx.college_orgs) - len(late)
    assemblies = len(no_congress) - len(late)
    instead = f"（其中 {assemblies} 个所联系学生少于 {threshold} 人，召开了全体学生大会）" if assemblies else ""
    passes = [f"{on_time} 个院级组织在 {months} 个月内召开了代表大会{instead}"] if on_time else []
    return with_passes(spec, problems, passes)


def _per_latest_congress(
    spec: RuleSpec, ctx: RuleContext, judge: Callable[[Organisation, Meeting], Finding | str]
) -> list[Finding]:
    """Judge each school-level organisation's latest congress; a pass is a sentence, a problem a finding."""
    if not ctx.school_orgs:
        return [unverifiable(spec, NO_SCHOOL_ORGS)]
    problems, passes = [], []
    for org in ctx.school_orgs:
        congress = ctx.latest_congress(org)
        outcome = (
            judge(org, congress)
            if congress
            else unverifiable(spec, f"{org.name}没有{ctx.congress_named(org)}记录，无法核验", [org])
        )
        if isinstance(outcome, str):
            passes.append(outcome)
        else:
            problems.append(outcome)
    return with_passes(spec, problems, passes, ctx.school_orgs)


def _dated_step(
    spec: RuleSpec, ctx: RuleContext, date_of: Callable[[Meeting], date | None], step: str
) -> Callable[[Organisation, Meeting], Finding | str]:
    """A step after the congress (approval, filing) proven by its date, on or before `as_of`."""

    def judge(org: Organisation, congress: Meeting) -> Finding | str:
        done_on = date_of(congress)
        if done_on is not None and done_on <= ctx.as_of:
            return f"{_named(org, congress)}选举结果已于{cn_date(done_on)}{step}"
        return breach(spec, f"{_named(org, congress)}选举结果未见{step}的日期", [congress])

    return judge


def _named(org: Organisation, congress: Meeting) -> str:
    return f"{org.name}{cn_date(congress.held_on)}{congress.kind}"
