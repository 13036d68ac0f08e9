"""What a rule kind declares: its parameters (name, type, required or default, meaning, unit), the
organisation scopes it accepts and whether a check may limit it to staff of some roles. The rulebook
loader validates every check against these declarations (and words against the rulebook's vocabulary),
so a misspelt or mistyped parameter is refused at load, never found at scoring time; the reference in
docs/rule-kinds.md is generated from them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from checks.schema import OrgKind, Role
from checks.vocabulary import Vocabulary

REQUIRED = object()  # a Param's default when the rulebook must give the value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return _is_int(value) or isinstance(value, float)


@dataclass(frozen=True)
class ParamType:
    name: str  # as the reference and the load errors say it
    accepts: Callable[[Any], bool]
    # For a list of the rulebook's own words: the words its vocabulary allows, each value checked at load.
    words: Callable[[Vocabulary], tuple[str, ...]] | None = None


INTEGER = ParamType("整数", _is_int)
NUMBER = ParamType("数值", _is_number)
RATIO = ParamType("比例（0 至 1 的小数）", lambda v: _is_number(v) and 0 <= v <= 1)
TEXT = ParamType("文字", lambda v: isinstance(v, str))
TEXTS = ParamType("文字列表", lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v))
BOOLEAN = ParamType("是或否（true / false）", lambda v: isinstance(v, bool))
# Compared with Meeting.kind: words of the rulebook's meeting vocabulary, which the template's 会议类型 column offers.
MEETING_KINDS = ParamType(
    "会议类型列表（规则手册词汇表 meeting_kinds 中的会议名称）",
    lambda v: isinstance(v, list) and bool(v) and all(isinstance(x, str) for x in v),
    words=lambda vocabulary: vocabulary.meeting_names,
)
# The unit of a parameter that is a span of months back from the assessment date: the day a meeting leaves
# such a window is a day the assessment can change (checks.timeline).
MONTH_SPAN = "个月"
# Months of the year (semester starts): their first days are days the assessment can change.
MONTHS = ParamType(
    "月份列表（1 至 12）", lambda v: isinstance(v, list) and bool(v) and all(_is_int(x) and 1 <= x <= 12 for x in v)
)


@dataclass(frozen=True)
class Param:
    name: str
    type: ParamType
    meaning: str
    unit: str = ""
    default: Any = REQUIRED  # None: optional, left out of the check's params when the rulebook omits it

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


# Accepted by every kind: the source text gives no figure, so the rule's findings say how it is read.
SOURCE_NOTE = Param("source_note", TEXT, "文件未写明具体数字时的说明，附在该规则每条结论之后", default=None)

# A kind that goes organisation by organisation may be limited to the unions or the graduate unions.
ORG_SCOPES = tuple(kind.value for kind in OrgKind)
# A kind over roster rows may be limited to some roles (`roles = ["主席团成员", "部门负责人"]`).
ROLES = tuple(role.value for role in Role)


@dataclass(frozen=True)
class RuleKind:
    """A rule kind: its check function and what a rulebook may set for it."""

    name: str
    meaning: str
    params: tuple[Param, ...]
    scopes: tuple[str, ...]  # values a check's `scope` may take; empty when the kind takes no scope
    check: Callable[..., Any] | None  # None for a kind the engine runs itself (completion_date)
    role_scoped: bool = False  # whether a check may limit it to staff of some roles (`roles`)

    def __call__(self, *args: Any) -> Any:
        assert self.check is not None, self.name
        return self.check(*args)

    @property
    def all_params(self) -> tuple[Param, ...]:
        return (*self.params, SOURCE_NOTE)


def rule_kind(
    meaning: str, *params: Param, scopes: tuple[str, ...] = (), role_scoped: bool = False
) -> Callable[[Callable[..., Any]], RuleKind]:
    """Declare a rule function as a kind named after it; `meaning` says in Chinese what it checks."""

    def declare(check: Callable[..., Any]) -> RuleKind:
        return RuleKind(check.__name__, meaning, params, scopes, check, role_scoped)

    return declare
