"""Leadership rules: the rotating presidium (2.1) and the League deputy secretary who guides the
unions (10.2)."""

from __future__ import annotations

from checks.results import Finding
from checks.rulebook import RuleSpec
from checks.rules.common import breach, passed, unverifiable, with_passes
from checks.rules.context import RuleContext
from checks.rules.kinds import ORG_SCOPES, rule_kind
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
