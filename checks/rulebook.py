"""Load and validate a rulebook file: the task list, its deadlines, the data checks and their thresholds.

A malformed rulebook fails here, at load, with a message naming the file and the key.
"""

from __future__ import annotations

import calendar
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from checks.campaign import Campaign
from checks.errors import DomainError
from checks.results import Severity, cn_date
from checks.rules.kinds import RuleKind
from checks.schema import ItemStatus, Role

RULEBOOK_DIR = Path(__file__).parent / "rulebooks"
DEFAULT_RULEBOOK = "guangdong-2020"
_DUE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")  # YYYY-MM (by the month's end) or YYYY-MM-DD


_CHECK_KEYS = ("label", "severity", "kind", "scope")  # a check's own keys; the rest are its kind's parameters


class RulebookError(DomainError, ValueError):
    """A rulebook that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class RuleSpec:
    """One check of the rulebook: a rule kind with its parameters and scope, under its own id."""

    id: str  # the [rules.*] table's name, which items and clauses cite
    label: str
    severity: Severity  # what a breach of this rule counts as
    params: Mapping[str, Any]  # validated against the kind's declaration, defaults filled in
    kind: str = ""  # the rule kind (Python rule) it runs; the id when not given
    scope: str = ""  # the organisations it is limited to (学生会 / 研究生会); empty for all

    def __post_init__(self) -> None:
        if not self.kind:
            object.__setattr__(self, "kind", self.id)

    def param(self, name: str) -> Any:
        return self.params[name]


@dataclass(frozen=True)
class Clause:
    """One requirement of a sub-item, quoted from its 内容: checked automatically or on site."""

    text: str  # verbatim from the item's content
    checks: tuple[str, ...]  # rule ids of the item that check it; empty for an on-site point
    onsite: str  # what the inspectors look at; empty when the checks cover it

    @property
    def automatic(self) -> bool:
        return bool(self.checks)


@dataclass(frozen=True)
class Item:
    id: str  # "3.1"
    task_id: str
    content: str
    due: date | None  # None when ongoing
    due_text: str  # as the source writes it: "2020年6月", "2020年6月10日", "全年持续推进"
    due_source: str  # where the deadline is written: "附件", "通知正文 三、材料报送"
    checks: tuple[str, ...]
    clauses: tuple[Clause, ...] = ()

    @property
    def onsite_points(self) -> tuple[Clause, ...]:
        return tuple(clause for clause in self.clauses if not clause.automatic)

    @property
    def ongoing(self) -> bool:
        return self.due is None


@dataclass(frozen=True)
class Task:
    id: str
    name: str
    basis: str
    weight: float
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Scoring:
    credit: Mapping[str, float]  # by deadline state
    credit_not_due: Mapping[ItemStatus, float]
    credit_ongoing: Mapping[ItemStatus, float]
    finding_penalty: Mapping[Severity, float]


@dataclass(frozen=True)
class VerdictRules:
    pass_min_score: float
    blocking: frozenset[Severity]
    fail_below_score: float


@dataclass(frozen=True)
class SubmissionDeadline:
    """A document every school must send by a date (a required material), e.g. its stamped plan as a PDF."""

    id: str  # short and stable: what `reformboard material add --material` names
    name: str
    due: date


@dataclass(frozen=True)
class Rulebook:
    id: str
    name: str
    source: str
    tasks: tuple[Task, ...]
    rules: Mapping[str, RuleSpec]
    titles: Mapping[str, Role]  # written title -> role
    scoring: Scoring
    verdict: VerdictRules
    onsite_severity: Mapping[str, Severity]  # inspector's result word -> severity
    campaign: Campaign  # the campaign the rulebook was written for
    submissions: tuple[SubmissionDeadline, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for task in self.tasks for item in task.items)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def task(self, task_id: str) -> Task:
        return next(t for t in self.tasks if t.id == task_id)

    def role_of(self, title: str) -> Role | None:
        return self.titles.get(title.strip())


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def rulebook_path(name_or_path: str | Path) -> Path:
    """A rulebook's file: a path as given, or an id's file in checks/rulebooks/."""
    path = Path(name_or_path)
    return path if path.suffix == ".toml" else RULEBOOK_DIR / f"{name_or_path}.toml"


def available_rulebooks() -> tuple[Path, ...]:
    return tuple(sorted(RULEBOOK_DIR.glob("*.toml")))


def load_rulebook(name_or_path: str | Path = DEFAULT_RULEBOOK) -> Rulebook:
    """Load a rulebook by id (a file in checks/rulebooks/) or by path."""
    from checks.rules.registry import KINDS  # the rules import this module for RuleSpec

    path = rulebook_path(name_or_path)
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise RulebookError(f"{path}: 找不到规则文件 (rulebook file not found)") from None
    except tomllib.TOMLDecodeError as exc:
        raise RulebookError(f"{path}: TOML 格式错误 (invalid TOML): {exc}") from None
    return _Parser(path, KINDS).rulebook(raw)


class _Parser:
    """Turns the raw TOML into a Rulebook, naming file and key on every problem."""

    def __init__(self, path: Path, kinds: Mapping[str, RuleKind]) -> None:
        self.path = path
        self.kinds = kinds

    def fail(self, key: str, problem: str) -> RulebookError:
        return RulebookError(f"{self.path}: {key}: {problem}")

    def get(self, table: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...]) -> Any:
        if key not in table:
            raise self.fail(f"{where}{key}", "缺少此项 (missing)")
        value = table[key]
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise self.fail(f"{where}{key}", f"类型不对 (wrong type: {type(value).__name__})")
        return value

    def severity(self, value: Any, key: str) -> Severity:
        try:
            return Severity(value)
        except ValueError:
            allowed = "/".join(s.value for s in Severity)
            raise self.fail(key, f"未知的严重程度 {value!r}，应为 {allowed}") from None

    def rulebook(self, raw: Mapping[str, Any]) -> Rulebook:
        rules = self.rules(self.get(raw, "rules", "", dict))
        tasks = self.tasks(self.get(raw, "tasks", "", list), rules)
        campaign_raw = self.get(raw, "campaign", "", dict)
        return Rulebook(
            id=self.get(raw, "id", "", str),
            name=self.get(raw, "name", "", str),
            source=raw.get("source", ""),
            tasks=tasks,
            rules=rules,
            titles=self.titles(self.get(raw, "titles", "", dict)),
            scoring=self.scoring(self.get(raw, "scoring", "", dict)),
            verdict=self.verdict(self.get(raw, "verdict", "", dict)),
            onsite_severity=self.onsite(self.get(raw, "onsite", "", dict)),
            campaign=self.campaign(campaign_raw, self.get(raw, "id", "", str)),
            submissions=tuple(
                SubmissionDeadline(
                    id=self.get(s, "id", f"campaign.submissions[{n}].", str),
                    name=self.get(s, "name", f"campaign.submissions[{n}].", str),
                    due=self.get(s, "due", f"campaign.submissions[{n}].", date),
                )
                for n, s in enumerate(campaign_raw.get("submissions", []))
            ),
        )

    def rules(self, raw: Mapping[str, Any]) -> dict[str, RuleSpec]:
        return {check_id: self.rule(check_id, body) for check_id, body in raw.items()}

    def rule(self, check_id: str, body: Any) -> RuleSpec:
        """One check: its kind must exist, and its parameters and scope be the ones the kind declares."""
        where = f"rules.{check_id}."
        if not isinstance(body, dict):
            raise self.fail(f"rules.{check_id}", "应为一个表 (must be a table)")
        kind_name = body.get("kind", check_id)
        kind = self.kinds.get(kind_name) if isinstance(kind_name, str) else None
        if kind is None:
            raise self.fail(
                f"{where}kind" if "kind" in body else f"rules.{check_id}",
                f"未知的核验种类 {kind_name!r}（可用的种类见 docs/rule-kinds.md）",
            )
        if check_id != kind_name and check_id in self.kinds:
            raise self.fail(f"rules.{check_id}", f"编号与核验种类 {check_id} 同名，却是 {kind_name} 种类；请另取编号")
        return RuleSpec(
            id=check_id,
            label=self.get(body, "label", where, str),
            severity=self.severity(self.get(body, "severity", where, str), f"{where}severity"),
            params=self.params(kind, {k: v for k, v in body.items() if k not in _CHECK_KEYS}, where),
            kind=kind_name,
            scope=self.scope(kind, body.get("scope", ""), f"{where}scope"),
        )

    def params(self, kind: RuleKind, given: Mapping[str, Any], where: str) -> dict[str, Any]:
        declared = {param.name: param for param in kind.all_params}
        for name in given:
            if name not in declared:
                known = "、".join(declared) if kind.params else "无"
                raise self.fail(f"{where}{name}", f"{kind.name} 种类没有参数 {name!r}（它的参数：{known}）")
        params = {}
        for name, param in declared.items():
            if name not in given:
                if param.required:
                    raise self.fail(f"{where}{name}", f"缺少参数 {name}（{param.meaning}），{kind.name} 种类必须填写")
                if param.default is not None:  # an optional one without a default stays unset
                    params[name] = param.default
            elif not param.type.accepts(given[name]):
                raise self.fail(f"{where}{name}", f"参数 {name} 应为{param.type.name}，现为 {given[name]!r}")
            else:
                params[name] = given[name]
        return params

    def scope(self, kind: RuleKind, scope: Any, key: str) -> str:
        if scope == "":
            return ""
        if scope not in kind.scopes:
            accepted = f"只接受 {'、'.join(kind.scopes)}" if kind.scopes else "不接受范围限定"
            raise self.fail(key, f"{kind.name} 种类{accepted}，不能限定为 {scope!r}")
        return scope

    def tasks(self, raw: list[Any], rules: Mapping[str, RuleSpec]) -> tuple[Task, ...]:
        tasks: list[Task] = []
        seen: dict[str, Item] = {}
        for n, body in enumerate(raw):
            where = f"tasks[{n}]."
            task_id = self.get(body, "id", where, str)
            items = []
            for m, item_raw in enumerate(self.get(body, "items", where, list)):
                item = self.item(item_raw, f"{where}items[{m}].", task_id, rules, seen)
                seen[item.id] = item
                items.append(item)
            tasks.append(
                Task(
                    id=task_id,
                    name=self.get(body, "name", where, str),
                    basis=self.get(body, "basis", where, str),
                    weight=float(self.get(body, "weight", where, (int, float))),
                    items=tuple(items),
                )
            )
        return tuple(tasks)

    def item(
        self, raw: Mapping[str, Any], where: str, task_id: str, rules: Mapping[str, RuleSpec], seen: Mapping[str, Item]
    ) -> Item:
        item_id = self.get(raw, "id", where, str)
        if not item_id.startswith(f"{task_id}.") or item_id in seen:
            raise self.fail(f"{where}id", f"编号 {item_id!r} 重复或不属于任务 {task_id}")
        checks = tuple(self.get(raw, "checks", where, list))
        for check in checks:
            if check not in rules:
                raise self.fail(f"{where}checks", f"未定义的核验规则 {check!r} (no [rules.{check}])")
            if self.kinds[rules[check].kind].check is None:
                raise self.fail(f"{where}checks", f"{check} 由系统对每个子项自动核验，不必也不能列在子项的 checks 中")
        if "due_with" in raw:
            other = seen.get(raw["due_with"])
            if other is None:
                raise self.fail(f"{where}due_with", f"应指向前面已有的子项，找不到 {raw['due_with']!r}")
            due, due_text, due_source = other.due, other.due_text, other.due_source
        else:
            due, due_text = self.due(self.get(raw, "due", where, str), f"{where}due")
            due_source = self.get(raw, "due_source", where, str)
        content = self.get(raw, "content", where, str)
        clauses = tuple(
            self.clause(body, f"{where}clauses[{n}].", content, checks) for n, body in enumerate(raw.get("clauses", []))
        )
        return Item(
            id=item_id,
            task_id=task_id,
            content=content,
            due=due,
            due_text=due_text,
            due_source=due_source,
            checks=checks,
            clauses=clauses,
        )

    def clause(self, raw: Any, where: str, content: str, item_checks: tuple[str, ...]) -> Clause:
        if not isinstance(raw, dict):
            raise self.fail(where.rstrip("."), "应为一个表 (must be a table)")
        text = self.get(raw, "text", where, str)
        if not text or text not in content:
            raise self.fail(f"{where}text", f"条款 {text!r} 须逐字引自该子项的内容")
        checks = tuple(raw.get("checks", ()))
        onsite = raw.get("onsite", "")
        if bool(checks) == bool(onsite):
            raise self.fail(where.rstrip("."), "条款须二选一：checks（自动核验规则）或 onsite（现场核查要点）")
        unknown = [check for check in checks if check not in item_checks]
        if unknown:
            raise self.fail(f"{where}checks", f"{'、'.join(unknown)} 不在该子项的 checks 中")
        if not isinstance(onsite, str):
            raise self.fail(f"{where}onsite", "应为文字 (must be a string)")
        return Clause(text=text, checks=checks, onsite=onsite)

    def due(self, text: str, key: str) -> tuple[date | None, str]:
        if text == "ongoing":
            return None, "全年持续推进"
        match = _DUE.match(text)
        problem = self.fail(key, f"完成时限 {text!r} 应写成 YYYY-MM、YYYY-MM-DD 或 ongoing")
        if match is None:
            raise problem
        year, month, day_text = int(match[1]), int(match[2]), match[3]
        try:
            if day_text is None:
                return month_end(year, month), f"{year}年{month}月"
            day = date(year, month, int(day_text))
        except ValueError:  # no such month or day
            raise problem from None
        return day, cn_date(day)

    def titles(self, raw: Mapping[str, Any]) -> dict[str, Role]:
        titles = {}
        for role_name, words in raw.items():
            try:
                role = Role(role_name)
            except ValueError:
                raise self.fail(f"titles.{role_name}", "未知的角色 (unknown role)") from None
            for word in words:
                titles[word] = role
        return titles

    def scoring(self, raw: Mapping[str, Any]) -> Scoring:
        def statuses(key: str) -> dict[ItemStatus, float]:
            table = self.get(raw, key, "scoring.", dict)
            try:
                return {ItemStatus(k): float(v) for k, v in table.items()}
            except ValueError:
                raise self.fail(f"scoring.{key}", "含有未知的完成状态 (unknown status)") from None

        return Scoring(
            credit={k: float(v) for k, v in self.get(raw, "credit", "scoring.", dict).items()},
            credit_not_due=statuses("credit_not_due"),
            credit_ongoing=statuses("credit_ongoing"),
            finding_penalty={
                self.severity(k, "scoring.finding_penalty"): float(v)
                for k, v in self.get(raw, "finding_penalty", "scoring.", dict).items()
            },
        )

    def verdict(self, raw: Mapping[str, Any]) -> VerdictRules:
        return VerdictRules(
            pass_min_score=float(self.get(raw, "pass_min_score", "verdict.", (int, float))),
            blocking=frozenset(
                self.severity(s, "verdict.blocking") for s in self.get(raw, "blocking", "verdict.", list)
            ),
            fail_below_score=float(self.get(raw, "fail_below_score", "verdict.", (int, float))),
        )

    def onsite(self, raw: Mapping[str, Any]) -> dict[str, Severity]:
        table = self.get(raw, "severity", "onsite.", dict)
        return {word: self.severity(sev, f"onsite.severity.{word}") for word, sev in table.items()}

    def campaign(self, raw: Mapping[str, Any], rulebook_id: str) -> Campaign:
        where = "campaign."
        return Campaign(
            id=self.get(raw, "id", where, str),
            name=self.get(raw, "name", where, str),
            rulebook=rulebook_id,
            starts_on=self.get(raw, "starts_on", where, date),
            acceptance_on=self.get(raw, "acceptance_on", where, date),
            contact=raw.get("contact", ""),
        )
