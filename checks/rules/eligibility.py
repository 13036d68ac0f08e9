"""Who may serve (4.1, 5.2) and what every staff member must have done (7.2): rules over roster rows.

Each column rule names the column it reads and which values fail or are missing; `_column_findings`
does the rest. Rosters are long but their columns hold few distinct values, so a column is counted
once (in C) and the rules judge the distinct values; rows are only scanned to cite the first few.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from itertools import compress, islice
from operator import attrgetter
from typing import Any

from checks.results import Finding
from checks.rulebook import RuleSpec
from checks.rules.common import MAX_SOURCES, at_least, breach, passed, percent, unverifiable, with_passes
from checks.rules.context import RuleContext
from checks.schema import Political, SchoolReport, StaffMember

NO_ROSTER = "未填写工作人员名单，无法核验"
LEAGUE = Political.LEAGUE


def political_status(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    allowed = frozenset(spec.param("allowed"))
    return _column_findings(
        spec, report.staff, "political", lambda v: v is not None and v not in allowed,
        missing_what="政治面貌", failing_what=f"政治面貌不是{'、'.join(spec.param('allowed'))}",
        passed_what="政治面貌均符合要求")


def academic_rank(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    limit = spec.param("max_percent")
    return _column_findings(
        spec, report.staff, "rank_percent", lambda v: v is not None and v > limit, missing_what="成绩排名",
        failing_what=f"学习成绩综合排名不在本专业前 {limit}% 以内",
        passed_what=f"学习成绩综合排名均在本专业前 {limit}% 以内")


def no_failed_courses(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    limit = spec.param("max_failed")
    return _column_findings(
        spec, report.staff, "failed_courses", lambda v: v is not None and v > limit,
        missing_what="不及格课程数", failing_what=f"不及格课程超过 {limit} 门",
        passed_what=f"不及格课程均不超过 {limit} 门")


def staff_trained(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    return _column_findings(spec, report.staff, "trained", _is_false, missing_what="是否参加党团课教育和业务培训",
                            failing_what="未参加党团课教育和业务培训", passed_what="均参加了党团课教育和业务培训")


def zhtj_registered(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    """Only League members must register; people of unknown status are left to political_status."""
    return _column_findings(
        spec, report.staff, ("political", "zhtj_registered"), lambda v: v[0] is LEAGUE and v[1] is False,
        is_missing=lambda v: v[0] is LEAGUE and v[1] is None, concerns=lambda v: v[0] is LEAGUE,
        missing_what="是否在智慧团建报到", failing_what="共青团员工作人员未在智慧团建报到",
        passed_what="均已在智慧团建报到", who="名共青团员工作人员")


def ivolunteer_registered(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    return _column_findings(spec, report.staff, "ivolunteer_registered", _is_false, missing_what="是否在i志愿注册",
                            failing_what="未在“i志愿”系统注册", passed_what="均已在“i志愿”系统注册")


def college_experience_ratio(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    """Decided even with gaps when the known answers settle it either way."""
    if not ctx.school_orgs:
        return [unverifiable(spec, "未填写校级学生会（研究生会）组织，无法核验")]
    ratio = spec.param("min_ratio")
    problems, passes = [], []
    for org in ctx.school_orgs:
        staff = ctx.roster(org.name).staff
        served = sum(1 for s in staff if s.college_experience)
        unknown = [s for s in staff if s.college_experience is None]
        share = f"{len(staff)} 人中有学院（系）组织任职经历的 {served} 人"
        if not staff:
            problems.append(unverifiable(spec, f"{org.name}未填写工作人员名单", [org]))
        elif at_least(served, ratio, len(staff)):
            passes.append(f"{org.name}工作人员 {share}，不低于 {percent(ratio)}")
        elif not at_least(served + len(unknown), ratio, len(staff)):
            problems.append(breach(spec, f"{org.name}工作人员 {share}，低于 {percent(ratio)}", staff))
        else:
            problems.append(unverifiable(
                spec, f"{org.name}工作人员名单未填写学院（系）任职经历：{len(unknown)} 人", unknown))
    return with_passes(spec, problems, passes, ctx.school_orgs)


def _is_none(value: object) -> bool:
    return value is None


def _is_false(value: object) -> bool:
    return value is False


def _everyone(value: object) -> bool:
    return True


def _column_findings(spec: RuleSpec, people: Sequence[StaffMember], column: str | tuple[str, ...],
                     fails: Callable[[Any], bool], *, is_missing: Callable[[Any], bool] = _is_none,
                     concerns: Callable[[Any], bool] = _everyone, missing_what: str, failing_what: str,
                     passed_what: str, who: str = "名工作人员") -> list[Finding]:
    """Who fails the rule, whose value is missing, or one pass naming how many were checked.

    `column` is an attribute or several (the value is then a tuple); `concerns` picks the values of
    the people the rule applies to.
    """
    if not people:
        return [unverifiable(spec, NO_ROSTER)]
    value_of = attrgetter(*column) if isinstance(column, tuple) else attrgetter(column)
    counts = Counter(map(value_of, people))
    problems = []
    for test, text, make in ((fails, failing_what, breach),
                             (is_missing, f"工作人员名单未填写{missing_what}", unverifiable)):
        values = {v for v in counts if test(v)}
        if values:
            rows = islice(compress(people, map(values.__contains__, map(value_of, people))), MAX_SOURCES)
            problems.append(make(spec, f"{text}：{sum(counts[v] for v in values)} 人", rows))
    if problems:
        return problems
    concerned = sum(n for v, n in counts.items() if concerns(v))
    if not concerned:
        return [passed(spec, f"工作人员中没有{who.removeprefix('名')}，无需核验")]
    return [passed(spec, f"{concerned} {who}{passed_what}")]
