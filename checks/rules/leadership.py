"""Leadership rules: the presidium's make-up (a chair and deputies, or a rotating presidium) and the
League deputy secretary who guides the unions."""

from __future__ import annotations

from checks.results import Finding
from checks.rulebook import RuleSpec
from checks.rules.common import attention, breach, passed, unverifiable, with_passes
from checks.rules.context import RuleContext
from checks.rules.kinds import BOOLEAN, INTEGER, ORG_SCOPES, TEXT, Param, rule_kind
from checks.schema import SchoolReport


@rule_kind("校级组织实行主席团轮值", scopes=ORG_SCOPES)
def rotating_chair(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    if not ctx.school_orgs:
        return [unverifiable(spec, "未填写校级学生会（研究生会）组织，无法核验")]
    problems, passes = [], []
    for org in ctx.school_orgs:
        if org.rotating_chair is None:
            problems.append(unverifiable(spec, f"{org.name}未填写是否实行主席团轮值", [org]))
        elif org.rotating_chair:
            passes.append(f"{org.name}实行主席团轮值")
        else:
            problems.append(breach(spec, f"{org.name}未实行主席团轮值", [org]))
    return with_passes(spec, problems, passes, ctx.school_orgs)


@rule_kind("已明确指导学生会（研究生会）的校团委专职副书记")
def deputy_secretary(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    name = report.school.deputy_secretary.strip()
    if name:
        return [passed(spec, f"已明确校团委专职副书记{name}指导学生会（研究生会）", [report.school])]
    return [breach(spec, "未填写指导学生会（研究生会）的校团委专职副书记", [report.school])]


@rule_kind(
    "校级组织主席团由规定人数的主席和一定范围内的副主席组成（按职务名称计）",
    Param("chair_title", TEXT, "主席的职务名称，如“主席”"),
    Param("chairs", INTEGER, "主席人数，须恰好为此数", "人"),
    Param("deputy_title", TEXT, "副主席的职务名称，如“副主席”"),
    Param("min_deputies", INTEGER, "副主席人数下限", "人"),
    Param("max_deputies", INTEGER, "副主席人数上限", "人"),
    Param(
        "campus_exception",
        BOOLEAN,
        "有分校区（学校信息校区数大于 1）的学校副主席多于上限时只作需关注，由人工判断是否属于酌情增加",
        default=False,
    ),
    scopes=ORG_SCOPES,
)
def presidium_composition(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    if not ctx.school_orgs:
        return [unverifiable(spec, "未填写校级学生会（研究生会）组织，无法核验")]
    chair, deputy = spec.param("chair_title"), spec.param("deputy_title")
    chairs, low, high = spec.param("chairs"), spec.param("min_deputies"), spec.param("max_deputies")
    campuses = report.school.campuses or 1
    problems, passes = [], []
    for org in ctx.school_orgs:
        presidium = ctx.roster(org.name).presidium
        if not presidium:
            problems.append(unverifiable(spec, f"{org.name}未填写主席团成员名单", [org]))
            continue
        titles = [person.title.strip() for person in presidium]
        held, deputies = titles.count(chair), titles.count(deputy)
        has = f"{org.name}主席团 {len(presidium)} 人，其中{chair} {held} 人、{deputy} {deputies} 人"
        wrong = [f"{chair}应为 {chairs} 人"] if held != chairs else []
        if deputies < low:
            wrong.append(f"{deputy}应不少于 {low} 人")
        too_many = deputies > high
        if too_many:
            wrong.append(f"{deputy}应不多于 {high} 人")
        if not wrong:
            deputies_allowed = f"{low} 人" if low == high else f"{low} 至 {high} 人"
            passes.append(f"{has}，符合{chair} {chairs} 人、{deputy} {deputies_allowed}")
        elif len(wrong) == 1 and too_many and spec.param("campus_exception") and campuses > 1:
            excused = f"{has}；{wrong[0]}，学校有 {campuses} 个校区，请核实是否属于酌情增加"
            problems.append(attention(spec, excused, presidium))
        else:
            problems.append(breach(spec, f"{has}；{'，'.join(wrong)}", presidium))
    return with_passes(spec, problems, passes, ctx.school_orgs)
