"""Rule kinds by name: the rulebook's checks name a kind and give its parameters."""

from __future__ import annotations

from collections.abc import Mapping

from checks.deadlines import COMPLETION_DATE_RULE
from checks.rulebook import Rulebook, RulebookError
from checks.rules import congress, eligibility, leadership, meetings, sizes
from checks.rules.kinds import RuleKind

# Every item's completion date; the engine runs it itself, for every item.
COMPLETION_DATE = RuleKind(
    COMPLETION_DATE_RULE, "已完成的子项填写了完成日期（系统对每个子项自动核验，子项的 checks 中不列出）", (), (), None
)

RULES: Mapping[str, RuleKind] = {
    rule.name: rule
    for rule in (
        sizes.school_staff_size,
        sizes.school_presidium_size,
        sizes.department_count,
        sizes.department_heads,
        sizes.department_members,
        sizes.college_staff_size,
        sizes.college_presidium_size,
        sizes.no_other_titles,
        sizes.department_deputies,
        sizes.staff_share,
        eligibility.political_status,
        eligibility.academic_rank,
        eligibility.no_failed_courses,
        eligibility.college_experience_ratio,
        eligibility.staff_trained,
        eligibility.zhtj_registered,
        eligibility.ivolunteer_registered,
        congress.congress_annual,
        congress.congress_delegate_ratio,
        congress.congress_college_coverage,
        congress.non_cadre_delegates,
        congress.college_congress_annual,
        congress.election_approved,
        congress.election_filed,
        meetings.mobilisation_meeting,
        meetings.training_meeting,
        meetings.college_reports_heard,
        meetings.semester_reviews,
        meetings.joint_meeting,
        meetings.party_hearing,
        meetings.periodic_meeting,
        leadership.rotating_chair,
        leadership.deputy_secretary,
        leadership.presidium_composition,
    )
}

# What a rulebook's [rules.*] tables may name as their kind.
KINDS: Mapping[str, RuleKind] = {COMPLETION_DATE_RULE: COMPLETION_DATE, **RULES}


class UnimplementedRuleError(RulebookError):
    """The rulebook names a check this version of the engine cannot run."""


def require_implemented(rulebook: Rulebook) -> None:
    if COMPLETION_DATE_RULE not in rulebook.rules:
        raise UnimplementedRuleError(
            f"规则文件 {rulebook.id}: 缺少 [rules.{COMPLETION_DATE_RULE}]（已完成子项须填写完成日期的核验）"
        )
    for item in rulebook.items:
        for rule_id in item.checks:
            if rulebook.rules[rule_id].kind not in RULES:
                raise UnimplementedRuleError(
                    f"规则文件 {rulebook.id}: 子项 {item.id} 的核验规则 {rule_id!r} 尚未实现 (no implementation)"
                )


# Kinds whose findings follow from the report's school, organisations and rosters alone: their modules
# read neither the assessment date, the meetings nor the campaign, so what they find is the same on
# every date and is stored once per submission (checks.stored).
ROSTER_KINDS = frozenset(
    name
    for name, rule in RULES.items()
    if rule.check is not None and rule.check.__module__ in {m.__name__ for m in (sizes, eligibility, leadership)}
)
