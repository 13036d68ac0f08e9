"""Who may serve (4.1, 5.2) and what every staff member must have done (7.2): rules over roster rows.

Each column rule names the column it reads and which values fail or are missing; `_column_findings`
does the rest. Rosters are long but their columns hold few distinct values, so the rules judge the
distinct values and take counts from the context; rows are only scanned to cite the first few.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from operator import attrgetter, is_
from typing import Any

from checks.results import Finding
from checks.rulebook import RuleSpec
from checks.rules.common import at_least, breach, passed, percent, unverifiable, with_passes
from checks.rules.context import RuleContext
from checks.rules.kinds import INTEGER, NUMBER, ORG_SCOPES, RATIO, TEXTS, Param, rule_kind
from checks.schema import Political, SchoolReport
from checks.vocabulary import Registration

NO_ROSTER = "未填写工作人员名单，无法核验"
LEAGUE = Political.LEAGUE


@rule_kind(
    "工作人员的政治面貌属于允许的几种",
    Param("allowed", TEXTS, "允许的政治面貌，如“中共党员”“共青团员”"),
    role_scoped=True,
)
def political_status(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    allowed = frozenset(spec.param("allowed"))
    return _column_findings(
        spec,
        ctx,
        ("political",),
        lambda v: v is not None and v not in allowed,
        missing_what="政治面貌",
        failing_what=f"政治面貌不是{'、'.join(spec.param('allowed'))}",
        passed_what="政治面貌均符合要求",
    )


@rule_kind(
    "工作人员学习成绩综合排名在本专业前若干百分比以内",
    Param("max_percent", NUMBER, "排名须在本专业前多少以内", "%"),
    role_scoped=True,
)
def academic_rank(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    limit = spec.param("max_percent")
    return _column_findings(
        spec,
        ctx,
        ("rank_percent",),
        lambda v: v is not None and v > limit,
        missing_what="成绩排名",
        failing_what=f"学习成绩综合排名不在本专业前 {limit}% 以内",
        passed_what=f"学习成绩综合排名均在本专业前 {limit}% 以内",
    )


@rule_kind("工作人员不及格课程不超过上限", Param("max_failed", INTEGER, "不及格课程数上限", "门"), role_scoped=True)
def no_failed_courses(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    limit = spec.param("max_failed")
    return _column_findings(
        spec,
        ctx,
        ("failed_courses",),
        lambda v: v is not None and v > limit,
        missing_what="不及格课程数",
        failing_what=f"不及格课程超过 {limit} 门",
        passed_what=f"不及格课程均不超过 {limit} 门",
    )


@rule_kind("工作人员均参加过党团课教育和业务培训", role_scoped=True)
def staff_trained(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    return _column_findings(
        spec,
        ctx,
        ("trained",),
        _is_false,
        missing_what="是否参加党团课教育和业务培训",
        failing_what="未参加党团课教育和业务培训",
        passed_what="均参加了党团课教育和业务培训",
    )


@rule_kind(
    "共青团员工作人员均在团员管理系统报到（系统名称见规则手册词汇表 registrations.league_system）", role_scoped=True
)
def zhtj_registered(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    """Only League members must register; people of unknown status are left to political_status."""
    system = _registration(ctx, "zhtj_registered")
    return _column_findings(
        spec,
        ctx,
        ("political", "zhtj_registered"),
        lambda v: v[0] is LEAGUE and v[1] is False,
        is_missing=lambda v: v[0] is LEAGUE and v[1] is None,
        concerns=lambda v: v[0] is LEAGUE,
        missing_what=system.header,
        failing_what=f"共青团员工作人员未在{system.system}{system.action}",
        passed_what=f"均已在{system.system}{system.action}",
        who="名共青团员工作人员",
    )


@rule_kind("工作人员均在志愿服务系统注册（系统名称见规则手册词汇表 registrations.volunteer_system）", role_scoped=True)
def ivolunteer_registered(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    system = _registration(ctx, "ivolunteer_registered")
    return _column_findings(
        spec,
        ctx,
        ("ivolunteer_registered",),
        _is_false,
        missing_what=system.header,
        failing_what=f"未在“{system.system}”系统{system.action}",
        passed_what=f"均已在“{system.system}”系统{system.action}",
    )


def _registration(ctx: RuleContext, field: str) -> Registration:
    """The system as the rulebook names it; the loader refuses a rulebook citing a check without it."""
    registration = ctx.rulebook.vocabulary.registration(field)
    assert registration is not None, field
    return registration


@rule_kind(
    "校级组织工作人员中有学院（系）组织任职经历的比例不低于下限",
    Param("min_ratio", RATIO, "比例下限，如 0.5 即 50%"),
    scopes=ORG_SCOPES,
)
def college_experience_ratio(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    """Decided even with gaps when the known answers settle it either way."""
    if not ctx.school_orgs:
        return [unverifiable(spec, "未填写校级学生会（研究生会）组织，无法核验")]
    ratio = spec.param("min_ratio")
    problems, passes = [], []
    for org in ctx.school_orgs:
        staff = ctx.roster(org.name).staff
        experience = list(map(_college_experience, staff))
        served, unknown = experience.count(True), experience.count(None)
        share = f"{len(staff)} 人中有学院（系）组织任职经历的 {served} 人"
        if not staff:
            problems.append(unverifiable(spec, f"{org.name}未填写工作人员名单", [org]))
        elif at_least(served, ratio, len(staff)):
            passes.append(f"{org.name}工作人员 {share}，不低于 {percent(ratio)}")
        elif not at_least(served + unknown, ratio, len(staff)):
            problems.append(breach(spec, f"{org.name}工作人员 {share}，低于 {percent(ratio)}", staff))
        else:
            problems.append(
                unverifiable(
                    spec,
                    f"{org.name}工作人员名单未填写学院（系）任职经历：{unknown} 人",
                    [s for s in staff if s.college_experience is None],
                )
            )
    return with_passes(spec, problems, passes, ctx.school_orgs)


_college_experience = attrgetter("college_experience")
_is_none = partial(is_, None)
_is_false = partial(is_, False)


def _column_findings(
    spec: RuleSpec,
    ctx: RuleContext,
    columns: tuple[str, ...],
    fails: Callable[[Any], bool],
    *,
    is_missing: Callable[[Any], bool] = _is_none,
    concerns: Callable[[Any], bool] | None = None,
    missing_what: str,
    failing_what: str,
    passed_what: str,
    who: str = "名工作人员",
) -> list[Finding]:
    """Who fails the rule, whose value is missing, or one pass naming how many were checked.

    The value judged is the staff member's attribute, or a tuple of them when `columns` names
    several; `concerns` picks the values of the people the rule applies to (everyone when None). A
    check limited to some roles sees only their rows and names them.
    """
    people = ctx.report.staff
    if not people:
        return [unverifiable(spec, f"工作人员名单中没有{ctx.people}，无法核验" if ctx.roles else NO_ROSTER)]
    among = f"{ctx.people}中" if ctx.roles else ""
    whose = f"中{ctx.people}" if ctx.roles else ""
    values = ctx.column_values(columns)
    problems = []
    for test, text, make in (
        (fails, f"{among}{failing_what}", breach),
        (is_missing, f"工作人员名单{whose}未填写{missing_what}", unverifiable),
    ):
        matching = {v for v in values if test(v)}
        if matching:
            problems.append(
                make(spec, f"{text}：{ctx.count_with(columns, matching)} 人", ctx.rows_holding(columns, matching))
            )
    if problems:
        return problems
    concerned = ctx.count_with(columns, set(filter(concerns, values))) if concerns else len(people)
    if not concerned:
        return [passed(spec, f"{ctx.people}中没有{who.removeprefix('名')}，无需核验")]
    return [passed(spec, f"{among} {concerned} {who}{passed_what}".lstrip())]
