"""What the checks engine produces for one school: the assessment the board stores and shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from checks.schema import ItemStatus

EARLY_WARNING = "到期前须整改"


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class Severity(StrEnum):
    VIOLATION = "不符合"
    ATTENTION = "需关注"
    OK = "符合"
    UNVERIFIABLE = "无法核验"


# Worst first: how findings are listed everywhere and which one an item is marked by.
SEVERITY_ORDER = (Severity.VIOLATION, Severity.ATTENTION, Severity.UNVERIFIABLE, Severity.OK)


def severity_rank(severity: Severity) -> int:
    return SEVERITY_ORDER.index(severity)


class DeadlineState(StrEnum):
    DONE = "已完成"
    DONE_LATE = "逾期完成"
    OVERDUE = "逾期未完成"
    NOT_DUE = "未到期"
    ONGOING = "持续推进"
    NOT_APPLICABLE = "不适用"


class Verdict(StrEnum):
    PASSED = "通过验收"
    RECTIFY = "限期整改"
    FAILED = "未通过"
    NOT_SUBMITTED = "未提交"


@dataclass(frozen=True)
class Finding:
    rule: str  # rulebook rule id, e.g. "school_staff_size"
    severity: Severity
    message: str  # plain Chinese naming the figures and the limit
    sources: tuple[str, ...] = ()  # the rows behind it ("工作人员名单!A17")
    # Set by a rule when what it found can still be put right within a period still running (the
    # current semester's end); the engine makes it at least the item's deadline.
    due: date | None = None
    # Set by the engine: `due` has not passed on the assessment date, so the finding is an early
    # warning (到期前须整改) that costs no credit and blocks nothing.
    early: bool = False
    # Set by a rule on a 符合 finding: the day of the event that met the requirement, which the
    # engine compares with the item's deadline (a later one makes the item 逾期完成).
    done_on: date | None = None

    @property
    def text(self) -> str:
        """The message as users see it, marked when it is an early warning."""
        if not self.early or self.due is None:
            return self.message
        return f"{self.message}（{EARLY_WARNING}，期限{cn_date(self.due)}）"

    @property
    def counts(self) -> bool:
        """Whether the finding costs credit and can block the verdict."""
        return not self.early


@dataclass(frozen=True)
class ItemAssessment:
    item_id: str
    task_id: str
    deadline: date | None  # None for ongoing items
    state: DeadlineState
    status: ItemStatus | None  # what the school reported; None when it reported nothing
    completed_on: date | None
    evidence: str
    findings: tuple[Finding, ...]
    credit: float  # 0..1, share of the item's weight earned

    @property
    def worst(self) -> Severity | None:
        present = {f.severity for f in self.findings}
        return next((s for s in SEVERITY_ORDER if s in present), None)


@dataclass(frozen=True)
class TaskAssessment:
    task_id: str
    name: str
    weight: float
    score: float  # points earned out of weight


@dataclass(frozen=True)
class SchoolAssessment:
    tenant: str  # school code
    school: str
    campaign_id: str
    as_of: date
    score: float  # out of 100
    verdict: Verdict
    tasks: tuple[TaskAssessment, ...]
    items: tuple[ItemAssessment, ...]

    def item(self, item_id: str) -> ItemAssessment:
        return next(i for i in self.items if i.item_id == item_id)

    def count(self, state: DeadlineState) -> int:
        return sum(1 for i in self.items if i.state is state)


@dataclass(frozen=True)
class OnsiteResult:
    """What the on-site inspectors wrote for one sub-item on the verification sheet."""

    item_id: str
    result: str  # one of the rulebook's [onsite] words: 符合 / 基本符合 / 不符合
    note: str
    inspectors: str
    inspected_on: date | None


@dataclass(frozen=True)
class VerdictOverride:
    """A province administrator's decision replacing the verdict, and why."""

    verdict: Verdict
    reason: str
    decided_by: str
    decided_at: datetime
