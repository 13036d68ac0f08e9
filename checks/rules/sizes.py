"""Size and structure rules (3.1): staff numbers, presidium, departments, titles.

School-level organisations get one finding per organisation; college-level ones, which can number
dozens, one finding per rule listing the organisations concerned.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from checks.results import Finding
from checks.rulebook import RuleSpec
from checks.rules.common import at_most, attention, breach, listing, percent, share_of, unverifiable, with_passes
from checks.rules.context import Roster, RuleContext
from checks.rules.kinds import INTEGER, ORG_SCOPES, RATIO, TEXTS, Param, rule_kind
from checks.schema import Organisation, SchoolReport, StaffMember

NO_SCHOOL_ORGS = "未填写校级学生会（研究生会）组织，无法核验"
NO_COLLEGE_ORGS = "未填写院级学生会（研究生会）组织，无法核验"


@rule_kind(
    "校级组织工作人员人数：不超过一般人数即符合；超过一般人数、不超过上限时须学校说明原因；超过上限不符合",
    Param("typical", INTEGER, "一般人数，不超过即符合", "人"),
    Param("max", INTEGER, "上限，超过即不符合", "人"),
    scopes=ORG_SCOPES,
)
def school_staff_size(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    """Up to `typical` (一般为40人左右) always fits; up to `max` when the school declares a reason the
    text allows (学生人数较多、分校区较多); above `max` never (原则上不超过60人)."""
    if not ctx.school_orgs:
        return [unverifiable(spec, NO_SCHOOL_ORGS)]
    limit, typical = spec.param("max"), spec.param("typical")
    reason = report.school.staff_increase_reason.strip()
    problems, passes = [], []
    for org in ctx.school_orgs:
        staff = ctx.roster(org.name).staff
        size = len(staff)
        if not staff:
            problems.append(unverifiable(spec, f"{org.name}未填写工作人员名单", [org]))
        elif size > limit:
            problems.append(breach(spec, f"{org.name}工作人员 {size} 人，超过上限 {limit} 人", staff))
        elif size <= typical:
            passes.append(f"{org.name}工作人员 {size} 人，不超过 {typical} 人")
        elif reason:
            passes.append(
                f"{org.name}工作人员 {size} 人，多于 {typical} 人，学校说明原因为“{reason}”，未超过 {limit} 人"
            )
        else:
            problems.append(
                attention(
                    spec,
                    f"{org.name}工作人员 {size} 人，多于一般的 {typical} 人左右，学校信息未说明学生人数较多"
                    f"或分校区较多",
                    [report.school, *staff],
                )
            )
    return with_passes(spec, problems, passes, ctx.school_orgs)


@rule_kind("校级组织主席团成员人数不超过上限", Param("max", INTEGER, "主席团成员人数上限", "人"), scopes=ORG_SCOPES)
def school_presidium_size(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    if not ctx.school_orgs:
        return [unverifiable(spec, NO_SCHOOL_ORGS)]
    limit = spec.param("max")
    problems, passes = [], []
    for org in ctx.school_orgs:
        size = ctx.presidium_size(org)
        if size is None:
            problems.append(unverifiable(spec, f"{org.name}未填写主席团成员名单或人数", [org]))
        elif size > limit:
            problems.append(
                breach(
                    spec,
                    f"{org.name}主席团成员 {size} 人，超过上限 {limit} 人",
                    ctx.roster(org.name).presidium or [org],
                )
            )
        else:
            passes.append(f"{org.name}主席团成员 {size} 人，不超过 {limit} 人")
    return with_passes(spec, problems, passes, ctx.school_orgs)


@rule_kind("校级组织工作部门数量不超过上限", Param("max", INTEGER, "工作部门数量上限", "个"), scopes=ORG_SCOPES)
def department_count(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    if not ctx.school_orgs:
        return [unverifiable(spec, NO_SCHOOL_ORGS)]
    limit = spec.param("max")
    problems, passes = [], []
    for org in ctx.school_orgs:
        departments = ctx.roster(org.name).departments
        count = len(departments) if departments else org.department_count
        if count is None:
            problems.append(unverifiable(spec, f"{org.name}未填写工作部门", [org]))
        elif count > limit:
            problems.append(breach(spec, f"{org.name}工作部门 {count} 个，超过上限 {limit} 个", [org]))
        else:
            passes.append(f"{org.name}工作部门 {count} 个，不超过 {limit} 个")
    return with_passes(spec, problems, passes, ctx.school_orgs)


@rule_kind(
    "校级组织每个工作部门的负责人人数在范围内",
    Param("min", INTEGER, "每个部门负责人人数下限", "人"),
    Param("max", INTEGER, "每个部门负责人人数上限", "人"),
    scopes=ORG_SCOPES,
)
def department_heads(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    low, high = spec.param("min"), spec.param("max")
    return _per_department(
        spec,
        ctx,
        lambda roster, d: len(roster.heads.get(d, ())),
        lambda n: low <= n <= high,
        breach_text=lambda failing: f"有 {failing} 个工作部门的负责人不在 {low} 至 {high} 人之间",
        pass_text=lambda counts: f" {len(counts)} 个工作部门各有 {low} 至 {high} 名负责人",
    )


@rule_kind(
    "校级组织每个工作部门的工作人员（含负责人）不超过上限",
    Param("max", INTEGER, "每个部门工作人员（含负责人）人数上限", "人"),
    scopes=ORG_SCOPES,
)
def department_members(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    """The whole department counts, heads included (see the rulebook)."""
    limit = spec.param("max")
    return _per_department(
        spec,
        ctx,
        lambda roster, d: len(roster.departments[d]),
        lambda n: n <= limit,
        breach_text=lambda failing: f"有 {failing} 个工作部门的工作人员（含负责人）超过 {limit} 人",
        pass_text=lambda counts: f"各工作部门工作人员（含负责人）均不超过 {limit} 人（最多 {max(counts.values())} 人）",
    )


@rule_kind(
    "校级组织每个工作部门的副职（所列职务，部长不计）不超过上限",
    Param("deputy_titles", TEXTS, '算作副职的职务名称，如 ["副部长"]'),
    Param("max", INTEGER, "每个部门副职人数上限", "人"),
    scopes=ORG_SCOPES,
)
def department_deputies(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    titles, limit = frozenset(spec.param("deputy_titles")), spec.param("max")
    named = "、".join(spec.param("deputy_titles"))
    return _per_department(
        spec,
        ctx,
        lambda roster, d: sum(person.title.strip() in titles for person in roster.departments[d]),
        lambda n: n <= limit,
        breach_text=lambda failing: f"有 {failing} 个工作部门的副职（{named}）超过 {limit} 人",
        pass_text=lambda counts: f"各工作部门副职（{named}）均不超过 {limit} 人（最多 {max(counts.values())} 人）",
    )


@rule_kind(
    "校级组织的工作人员（或所列角色的人员）不超过所联系学生人数的比例",
    Param("max_ratio", RATIO, "比例上限，如 0.01 即 1%"),
    scopes=ORG_SCOPES,
    role_scoped=True,
)
def staff_share(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    """Students linked: the organisation's own figure, else the school's student count of its kind."""
    if not ctx.school_orgs:
        return [unverifiable(spec, NO_SCHOOL_ORGS)]
    ratio = spec.param("max_ratio")
    problems, passes = [], []
    for org in ctx.school_orgs:
        staff, students = ctx.roster(org.name).staff, ctx.students_linked(org)
        if students is None:
            problems.append(
                unverifiable(spec, f"{org.name}未填写所联系学生人数（学校信息也未填写在校生人数），无法核验", [org])
            )
        elif not staff:
            missing = f"工作人员名单中没有{ctx.people}" if ctx.roles else "未填写工作人员名单"
            problems.append(unverifiable(spec, f"{org.name}{missing}", [org]))
        else:
            figures = (
                f"{org.name}{ctx.people} {len(staff)} 人，所联系学生 {students} 人的 {percent(ratio)} "
                f"为 {share_of(ratio, students)} 人"
            )
            if at_most(len(staff), ratio, students):
                passes.append(f"{figures}，未超过")
            else:
                problems.append(breach(spec, f"{figures}，超过比例上限", [org, *staff]))
    return with_passes(spec, problems, passes, ctx.school_orgs)


def _per_department(
    spec: RuleSpec,
    ctx: RuleContext,
    count: Callable[[Roster, str], int],
    fits: Callable[[int], bool],
    *,
    breach_text: Callable[[int], str],
    pass_text: Callable[[dict[str, int]], str],
) -> list[Finding]:
    """A count per department of each school-level organisation, held to a limit."""
    if not ctx.school_orgs:
        return [unverifiable(spec, NO_SCHOOL_ORGS)]
    problems, passes = [], []
    for org in ctx.school_orgs:
        roster = ctx.roster(org.name)
        if not roster.departments:
            problems.append(unverifiable(spec, f"{org.name}工作人员名单未填写所在部门", [org]))
            continue
        counts = {d: count(roster, d) for d in roster.departments}
        failing = [d for d, n in counts.items() if not fits(n)]
        if failing:
            problems.append(
                breach(
                    spec,
                    f"{org.name}{breach_text(len(failing))}：{_counted(failing, counts)}",
                    _rows_of(roster, failing),
                )
            )
        else:
            passes.append(f"{org.name}{pass_text(counts)}")
    return with_passes(spec, problems, passes, ctx.school_orgs)


@rule_kind(
    "院级组织工作人员人数在范围内",
    Param("min", INTEGER, "工作人员人数下限", "人"),
    Param("max", INTEGER, "工作人员人数上限", "人"),
    scopes=ORG_SCOPES,
)
def college_staff_size(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    if not ctx.college_orgs:
        return [unverifiable(spec, NO_COLLEGE_ORGS)]
    low, high = spec.param("min"), spec.param("max")
    sizes = {org.name: ctx.size(org.name) or None for org in ctx.college_orgs}
    return _college_findings(
        spec,
        ctx.college_orgs,
        sizes,
        lambda n: low <= n <= high,
        breach_text=f"工作人员人数不在 {low} 至 {high} 人之间",
        pass_text=f"工作人员均在 {low} 至 {high} 人之间",
        missing_text="未填写工作人员名单",
    )


@rule_kind("院级组织主席团成员人数不超过上限", Param("max", INTEGER, "主席团成员人数上限", "人"), scopes=ORG_SCOPES)
def college_presidium_size(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    if not ctx.college_orgs:
        return [unverifiable(spec, NO_COLLEGE_ORGS)]
    limit = spec.param("max")
    sizes = {org.name: ctx.presidium_size(org) for org in ctx.college_orgs}
    return _college_findings(
        spec,
        ctx.college_orgs,
        sizes,
        lambda n: n <= limit,
        breach_text=f"主席团成员超过上限 {limit} 人",
        pass_text=f"主席团成员均不超过 {limit} 人",
        missing_text="未填写主席团成员名单或人数",
    )


@rule_kind("工作人员的职务只有主席团成员和工作部门成员（职务名称见规则文件 [titles]）")
def no_other_titles(report: SchoolReport, spec: RuleSpec, ctx: RuleContext) -> list[Finding]:
    if not report.staff:
        return [unverifiable(spec, "未填写工作人员名单，无法核验")]
    odd_titles = {title for title, role in ctx.role_of_title.items() if role is None}
    odd: dict[str, Counter[str]] = {}
    if odd_titles:  # most rosters use the rulebook's titles only
        for (org, title), count in ctx.title_counts(odd_titles).items():
            odd.setdefault(org, Counter())[title] += count
    problems = []
    for org, titles in odd.items():
        listed = "、".join(f"“{t}”{n} 人" for t, n in titles.items())
        rows = ctx.rows_with({(org, title) for title in titles})
        problems.append(breach(spec, f"{org}设有主席团成员和工作部门成员以外的职务：{listed}", rows))
    passes = [] if problems else [f"全部 {len(report.staff)} 名工作人员的职务均属主席团成员或工作部门成员"]
    return with_passes(spec, problems, passes)


def _counted(departments: list[str], counts: dict[str, int]) -> str:
    return "、".join(f"“{d}”{counts[d]} 人" for d in departments)


def _rows_of(roster: Roster, departments: list[str]) -> list[StaffMember]:
    return [person for d in departments for person in roster.departments[d]]


def _college_findings(
    spec: RuleSpec,
    orgs: tuple[Organisation, ...],
    sizes: dict[str, int | None],
    fits: Callable[[int], bool],
    *,
    breach_text: str,
    pass_text: str,
    missing_text: str,
) -> list[Finding]:
    """One finding for all college-level organisations outside the limits, one for those with no data."""
    missing, failing = [], []
    for org in orgs:
        size = sizes[org.name]
        if size is None:
            missing.append(org)
        elif not fits(size):
            failing.append(org)
    problems = []
    if failing:
        named = [f"{org.name} {sizes[org.name]} 人" for org in failing]
        problems.append(breach(spec, f"{len(failing)} 个院级组织{breach_text}：{listing(named)}", failing))
    if missing:
        names = listing([org.name for org in missing])
        problems.append(unverifiable(spec, f"{len(missing)} 个院级组织{missing_text}：{names}", missing))
    checked = len(orgs) - len(missing) - len(failing)
    return with_passes(spec, problems, [f"{checked} 个院级组织{pass_text}"] if checked else [], ())
