"""Meeting rules: mobilisation and training (1.2, 1.3), college reports (2.2), semester reviews (8.1),
the joint meeting and the Party committee hearing (9.1, 9.2), and a meeting of kinds a rulebook names
held at a set interval (Gansu's 常任代表会议 and yearly work report). Only meetings held by `as_of` count,
and a one-off event of the reform (mobilisation, training, joint meeting) only when held since the
campaign began: a 2016 training is not this reform's training. A 符合 finding names the day the
requirement was met, so the engine can tell a late one.

Semester reviews: a semester starts on the 1st of each month in `semester_start_months`. Every
semester from the one containing the campaign's start that has ENDED by `as_of` must have a review
(不符合 otherwise); the semester still running only earns a 需关注 reminder when it has none yet,
since reviews are usually held at a semester's end, and it is due at the semester's end (an early
warning until then).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache

from checks.results import Finding
from checks.rulebook import RuleSpec
from checks.rules.common import (
    attention,
    breach,
    cn_date,
    met_since,
    passed,
    recency,
    unverifiable,
    with_passes,
    within_months,
)
from checks.rules.context import RuleContext
from checks.rules.kinds import INTEGER, MEETING_KINDS, MONTH_SPAN, MONTHS, ORG_SCOPES, Param, rule_kind
from checks.schema import MeetingRole, SchoolReport


@rule_kind("举办过校级改革动员会或培训会")
def mobilisation_meeting(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    return [_held(spec, ctx, MeetingRole.MOBILISATION, MeetingRole.TRAINING)]


@rule_kind("举办过全员培训")
def training_meeting(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    return [_held(spec, ctx, MeetingRole.TRAINING)]


@rule_kind("召开过相关部门工作联席会议")
def joint_meeting(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    return [_held(spec, ctx, MeetingRole.JOINT_MEETING)]


@rule_kind(
    "学校党委在规定间隔内听取过学生会（研究生会）工作汇报",
    Param("max_interval_months", INTEGER, "两次听取之间最长间隔", MONTH_SPAN),
)
def party_hearing(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    return [
        recency(
            spec,
            ctx.meetings_as(MeetingRole.PARTY_HEARING),
            ctx.as_of,
            spec.param("max_interval_months"),
            "学校党委听取学生会（研究生会）工作汇报",
        )
    ]


@rule_kind(
    "校级组织在规定间隔内听取过全部学院（系）组织的工作报告",
    Param("max_interval_months", INTEGER, "两次听取之间最长间隔", MONTH_SPAN),
)
def college_reports_heard(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    months = spec.param("max_interval_months")
    held = ctx.meetings_as(MeetingRole.COLLEGE_REPORTS)
    recent = [m for m in held if within_months(m.held_on, ctx.as_of, months)]
    if not recent:
        return [recency(spec, held, ctx.as_of, months, "听取学院（系）学生会（研究生会）工作报告")]
    colleges = len(report.school.colleges)
    if not colleges:
        return [unverifiable(spec, "学校信息未填写学院（系）名单，无法核验", [report.school])]
    covering = [m for m in held if m.colleges_covered is not None and m.colleges_covered >= colleges]
    if covering and within_months(covering[-1].held_on, ctx.as_of, months):
        return [
            passed(
                spec,
                f"{cn_date(covering[-1].held_on)}听取了全部 {colleges} 个学院（系）的工作报告",
                covering[-1:],
                done_on=met_since(covering, months),
            )
        ]
    if any(m.colleges_covered is None for m in recent):
        return [unverifiable(spec, "听取学院（系）工作报告的会议未填写覆盖学院（系）数", recent)]
    widest = max(m.colleges_covered or 0 for m in recent)
    return [breach(spec, f"{months} 个月内听取工作报告最多覆盖 {widest} 个学院（系），学校共 {colleges} 个", recent)]


@rule_kind(
    "每个校级组织在规定间隔内开过所列类型之一的会议（会议记录中未写组织的会议计入每个组织）",
    Param("meetings", MEETING_KINDS, "计入的会议类型，开过其中任一即可"),
    Param("max_interval_months", INTEGER, "最近一次距评估日的最长间隔", MONTH_SPAN),
    scopes=ORG_SCOPES,
)
def periodic_meeting(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    if not ctx.school_orgs:
        return [unverifiable(spec, "未填写校级学生会（研究生会）组织，无法核验")]
    kinds, months = spec.param("meetings"), spec.param("max_interval_months")
    held = ctx.meetings(*kinds)
    findings = []
    for org in ctx.school_orgs:
        own = [m for m in held if m.organisation in ("", org.name)]
        what = f"{own[-1].kind}" if own else "、".join(kinds)  # the latest by its kind, else every kind sought
        findings.append(recency(spec, own, ctx.as_of, months, what, org.name))
    return findings


@rule_kind(
    "主席团成员和工作部门负责人每学期述职",
    Param("semester_start_months", MONTHS, "各学期开始的月份，如 [2, 8]"),
    scopes=ORG_SCOPES,
)
def semester_reviews(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    if not ctx.school_orgs:
        return [unverifiable(spec, "未填写校级学生会（研究生会）组织，无法核验")]
    semesters = _semesters(ctx.campaign.starts_on, ctx.as_of, tuple(sorted(spec.param("semester_start_months"))))
    ended, current = semesters[:-1], semesters[-1]
    reviews = ctx.meetings_as(MeetingRole.REVIEW)
    problems, passes = [], []
    for org in ctx.school_orgs:
        own = [m for m in reviews if m.organisation in ("", org.name)]
        missed = [s for s, e in ended if not any(s <= m.held_on <= e for m in own)]
        if missed:
            problems.append(breach(spec, f"{org.name}以下学期未召开述职评议会：{_named(missed)}", [org]))
        elif ended:
            passes.append(f"{org.name}{_named([s for s, _ in ended])}均召开了述职评议会")
        this_term = [m for m in own if m.held_on >= current[0]]
        if not this_term:
            problems.append(
                replace(
                    attention(spec, f"{org.name}本学期（{_named([current[0]])}）尚未召开述职评议会", [org]),
                    due=current[1],
                )
            )
        elif not ended:
            passes.append(f"{org.name}本学期已于{cn_date(this_term[-1].held_on)}召开述职评议会")
    return with_passes(spec, problems, passes, ctx.school_orgs)


def _held(spec: RuleSpec, ctx: RuleContext, *roles: MeetingRole) -> Finding:
    """Met by the first meeting of these roles since the campaign began; named in the rulebook's words."""
    held = ctx.meetings_as(*roles)
    what = ctx.rulebook.vocabulary.meeting_named(*roles)
    start = ctx.campaign.starts_on
    since_start = [m for m in held if m.held_on >= start]
    if since_start:
        first = since_start[0]
        return passed(spec, f"已于{cn_date(first.held_on)}召开{first.kind}", [first], done_on=first.held_on)
    if held:
        return breach(
            spec,
            f"{what}的记录（最近一次在{cn_date(held[-1].held_on)}）早于本次改革启动"
            f"（{cn_date(start)}），不能作为完成依据",
            held[-1:],
        )
    return breach(spec, f"截至{cn_date(ctx.as_of)}没有{what}的记录")


@lru_cache(maxsize=32)  # the same for every school assessed on a day
def _semesters(campaign_start: date, as_of: date, start_months: tuple[int, ...]) -> tuple[tuple[date, date], ...]:
    """(first day, last day) of each semester from the one containing the campaign's start up to the
    one containing `as_of`, which is always last."""
    starts = [date(year, month, 1) for year in range(campaign_start.year - 1, as_of.year + 2) for month in start_months]
    first = max(s for s in starts if s <= min(campaign_start, as_of))
    return tuple((s, e - timedelta(days=1)) for s, e in zip(starts, starts[1:], strict=False) if first <= s <= as_of)


def _named(semester_starts: list[date]) -> str:
    return "、".join(f"{s.year}年{s.month}月起的学期" for s in semester_starts)
