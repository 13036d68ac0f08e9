"""The final verdict: the system's assessment combined with what the on-site inspectors found.

Each inspector's result becomes a finding on its sub-item, with the severity the rulebook gives that
result word; credits, scores and the verdict are then recomputed by the engine's own rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from checks.deadlines import effective_status
from checks.engine import conclude, item_credit
from checks.errors import DomainError
from checks.results import Finding, ItemAssessment, OnsiteResult, SchoolAssessment, Verdict
from checks.rulebook import Rulebook
from checks.rules.common import cn_date

ONSITE_RULE = "onsite"


class OnsiteError(DomainError, ValueError):
    """On-site results that cannot be combined; the message says which and why, in Chinese."""


def apply_onsite(
    assessment: SchoolAssessment, onsite: Mapping[str, OnsiteResult], rulebook: Rulebook
) -> SchoolAssessment:
    """The assessment with each on-site result added to its item and everything rescored."""
    _check(assessment, onsite, rulebook)
    items = tuple(_with_onsite(item, onsite.get(item.item_id), assessment, rulebook) for item in assessment.items)
    return conclude(
        rulebook,
        items,
        submitted=assessment.verdict is not Verdict.NOT_SUBMITTED,
        tenant=assessment.tenant,
        school=assessment.school,
        campaign_id=assessment.campaign_id,
        as_of=assessment.as_of,
    )


def final_verdict(assessment: SchoolAssessment, onsite: Mapping[str, OnsiteResult], rulebook: Rulebook) -> Verdict:
    return apply_onsite(assessment, onsite, rulebook).verdict


def onsite_finding(result: OnsiteResult, rulebook: Rulebook) -> Finding:
    when = cn_date(result.inspected_on) if result.inspected_on else ""
    details = "，".join(part for part in (result.inspectors, when) if part)
    message = (
        f"现场核查结论“{result.result}”"
        + (f"：{result.note}" if result.note else "")
        + (f"（{details}）" if details else "")
    )
    return Finding(ONSITE_RULE, rulebook.onsite_severity[result.result], message)


def _with_onsite(
    item: ItemAssessment, result: OnsiteResult | None, assessment: SchoolAssessment, rulebook: Rulebook
) -> ItemAssessment:
    if result is None:
        return item
    findings = (*item.findings, onsite_finding(result, rulebook))
    status = effective_status(item.status, item.completed_on, assessment.as_of)
    return replace(item, findings=findings, credit=item_credit(item.state, status, findings, rulebook.scoring))


def _check(assessment: SchoolAssessment, onsite: Mapping[str, OnsiteResult], rulebook: Rulebook) -> None:
    known = {item.item_id for item in assessment.items}
    words = "、".join(rulebook.onsite_severity)
    for item_id, result in onsite.items():
        if item_id not in known:
            raise OnsiteError(f"现场核查结果的子项编号“{item_id}”不在任务列表中")
        if result.item_id != item_id:
            raise OnsiteError(f"子项 {item_id} 下的现场核查结果写的是子项 {result.item_id}")
        if result.result not in rulebook.onsite_severity:
            raise OnsiteError(f"子项 {item_id} 的现场核查结论“{result.result}”无效，应为 {words} 之一")
