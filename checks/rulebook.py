"""Load and validate a rulebook file: the task list, its deadlines, the data checks and their thresholds.

A malformed rulebook fails here, at load, with a message naming the file and the key.
"""

from __future__ import annotations

import calendar
import functools
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

from checks.campaign import Campaign, RulebookText
from checks.errors import DomainError
from checks.results import Severity, cn_date
from checks.rulebook_merge import BASE_KEY, MergeConflict, merge
from checks.rules.kinds import Param, RuleKind
from checks.schema import ItemStatus, Level, MeetingRole, OrgKind, Role
from checks.vocabulary import REGISTRATION_FIELDS, MeetingWord, Registration, Vocabulary

RULEBOOK_DIR = Path(__file__).parent / "rulebooks"
DEFAULT_VOCABULARY = Path(__file__).parent / "default_vocabulary.toml"
DEFAULT_RULEBOOK = "guangdong-2020"
_DUE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")  # YYYY-MM (by the month's end) or YYYY-MM-DD


_DROP_DOWN_LIMIT = 255  # characters Excel allows in a drop-down's list of choices
_CHECK_KEYS = ("label", "severity", "kind", "scope", "roles")  # a check's own keys; the rest are its kind's parameters


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
    roles: tuple[Role, ...] = ()  # the staff it is limited to, by the role of their title; empty for all

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
class ReminderPolicy:
    """When schools are reminded of a sub-item not done, and when their supervising unit is told."""

    before_days: tuple[int, ...]  # days before a deadline
    after_days: tuple[int, ...]  # days after a deadline
    then_every_days: int  # after the last of after_days, every so many days while overdue
    escalate_after: int  # reminders after which a school still overdue is escalated
    also_to_province: tuple[str, ...]  # unit kinds whose escalations also go to the province's address
    source: str
    source_note: str = ""


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
    vocabulary: Vocabulary
    demo: Mapping[str, Any]  # the optional [demo] table: what `reformboard demo` builds a province from
    reminders: ReminderPolicy | None  # the [reminders] table; None: no schedule, `remind` refuses

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


def rulebook_path(name_or_path: str | Path, folders: Sequence[Path] = ()) -> Path:
    """A rulebook's file: a path as given (a .toml file), or an id's file in the given folders, searched in
    order, then in checks/rulebooks/."""
    path = Path(name_or_path)
    if path.suffix == ".toml":
        return path
    for folder in (*folders, RULEBOOK_DIR):
        candidate = Path(folder) / f"{name_or_path}.toml"
        if candidate.is_file():
            return candidate
    searched = "、".join(str(folder) for folder in (*folders, RULEBOOK_DIR))
    raise RulebookError(f"找不到规则手册 {name_or_path}（已在 {searched} 中查找）")


def available_rulebooks(folders: Sequence[Path] = ()) -> tuple[Path, ...]:
    """Every rulebook file of the given folders, then the built-in ones."""
    return tuple(path for folder in (*folders, RULEBOOK_DIR) for path in sorted(Path(folder).glob("*.toml")))


def read_rulebook(name_or_path: str | Path, folders: Sequence[Path] = ()) -> tuple[RulebookText, ...]:
    """The texts of a rulebook and of the bases it extends, base first: what a campaign pins. A base is
    found by its id in the variant's own folder first, then as any other id."""
    chain: list[RulebookText] = []
    path = rulebook_path(name_or_path, folders)
    while True:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise RulebookError(f"{path}: 找不到规则文件 (rulebook file not found)") from None
        chain.insert(0, RulebookText(id=path.stem, text=text, origin=str(path)))
        base = _toml(chain[0]).get(BASE_KEY)
        if base is None:
            return tuple(chain)
        if not isinstance(base, str) or base in {t.id for t in chain}:
            raise RulebookError(f"{path}: {BASE_KEY}: 底本应为另一规则手册的 id，且不能循环引用，现为 {base!r}")
        path = rulebook_path(base, (path.parent, *folders))


def load_rulebook(name_or_path: str | Path = DEFAULT_RULEBOOK, folders: Sequence[Path] = ()) -> Rulebook:
    """Load a rulebook by id (a file in the given folders or checks/rulebooks/) or by path."""
    return build_rulebook(read_rulebook(name_or_path, folders))


def build_rulebook(
    texts: Sequence[RulebookText], thresholds: Mapping[str, Mapping[str, Any]] | None = None
) -> Rulebook:
    """The Rulebook of these texts (a base first, each later one a variant of the one before), with a
    campaign's threshold overrides (rule id -> parameter -> value) validated like the file's own values.
    Reads no file: a campaign's verdicts come from the texts it pinned."""
    from checks.rules.registry import KINDS  # the rules import this module for RuleSpec

    where = Path(texts[-1].origin or f"{texts[-1].id}.toml")
    raw = _toml(texts[0])
    for text in texts[1:]:
        try:
            raw = merge(raw, _toml(text))
        except MergeConflict as exc:
            raise RulebookError(f"{text.origin or text.id}: {exc.key}: {exc.problem}") from None
    book = _Parser(where, KINDS).rulebook(_with_thresholds(raw, thresholds or {}, where))
    # The campaign the rulebook was written for pins these very texts when it is registered.
    return replace(book, campaign=replace(book.campaign, rulebook_texts=tuple(texts)))


def _toml(text: RulebookText) -> dict[str, Any]:
    try:
        return tomllib.loads(text.text)
    except tomllib.TOMLDecodeError as exc:
        raise RulebookError(f"{text.origin or text.id}: TOML 格式错误 (invalid TOML): {exc}") from None


def _with_thresholds(raw: dict[str, Any], thresholds: Mapping[str, Mapping[str, Any]], where: Path) -> dict[str, Any]:
    rules = dict(raw.get("rules", {}))
    for rule_id, params in thresholds.items():
        if not isinstance(rules.get(rule_id), dict):
            raise RulebookError(f"{where}: 批次阈值: 规则手册中没有核验规则 {rule_id}")
        fixed = sorted(set(params) & set(_CHECK_KEYS))
        if fixed:
            raise RulebookError(f"{where}: 批次阈值: {rule_id} 的 {'、'.join(fixed)} 不是参数，批次不能改动")
        rules[rule_id] = {**rules[rule_id], **params}
    return {**raw, "rules": rules}


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
        vocabulary = self.vocabulary(self.get(raw, "vocabulary", "", dict) if "vocabulary" in raw else {})
        rules = self.rules(self.get(raw, "rules", "", dict), vocabulary)
        self.registrations_cited(rules, vocabulary)
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
            campaign=self.campaign(campaign_raw, self.get(raw, "id", "", str), vocabulary.contact_office),
            submissions=tuple(
                SubmissionDeadline(
                    id=self.get(s, "id", f"campaign.submissions[{n}].", str),
                    name=self.get(s, "name", f"campaign.submissions[{n}].", str),
                    due=self.get(s, "due", f"campaign.submissions[{n}].", date),
                )
                for n, s in enumerate(campaign_raw.get("submissions", []))
            ),
            vocabulary=vocabulary,
            demo=self.get(raw, "demo", "", dict) if "demo" in raw else {},
            reminders=self.reminders(self.get(raw, "reminders", "", dict)) if "reminders" in raw else None,
        )

    def rules(self, raw: Mapping[str, Any], vocabulary: Vocabulary) -> dict[str, RuleSpec]:
        return {check_id: self.rule(check_id, body, vocabulary) for check_id, body in raw.items()}

    def rule(self, check_id: str, body: Any, vocabulary: Vocabulary) -> RuleSpec:
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
            params=self.params(kind, {k: v for k, v in body.items() if k not in _CHECK_KEYS}, where, vocabulary),
            kind=kind_name,
            scope=self.scope(kind, body.get("scope", ""), f"{where}scope"),
            roles=self.role_scope(kind, body.get("roles", []), f"{where}roles"),
        )

    def params(self, kind: RuleKind, given: Mapping[str, Any], where: str, vocabulary: Vocabulary) -> dict[str, Any]:
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
                params[name] = self.known_words(param, given[name], vocabulary, f"{where}{name}")
        return params

    def known_words(self, param: Param, value: Any, vocabulary: Vocabulary, key: str) -> Any:
        """A parameter of the rulebook's own words names only words its vocabulary has."""
        if param.type.words is None:
            return value
        known = param.type.words(vocabulary)
        for word in value:
            if word not in known:
                raise self.fail(key, f"参数 {param.name} 中的 {word!r} 不在词汇表中（可选：{'、'.join(known)}）")
        return value

    def scope(self, kind: RuleKind, scope: Any, key: str) -> str:
        if scope == "":
            return ""
        if scope not in kind.scopes:
            accepted = f"只接受 {'、'.join(kind.scopes)}" if kind.scopes else "不接受范围限定"
            raise self.fail(key, f"{kind.name} 种类{accepted}，不能限定为 {scope!r}")
        return scope

    def role_scope(self, kind: RuleKind, roles: Any, key: str) -> tuple[Role, ...]:
        if roles == []:
            return ()
        if not kind.role_scoped:
            raise self.fail(key, f"{kind.name} 种类不接受按角色限定")
        known = "、".join(Role)
        if not isinstance(roles, list):
            raise self.fail(key, f'应为角色列表，如 ["主席团成员"]（可选：{known}）')
        for role in roles:
            if not isinstance(role, str) or role not in frozenset(Role):
                raise self.fail(key, f"未知的角色 {role!r}（可选：{known}）")
        return tuple(Role(role) for role in dict.fromkeys(roles))

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

    def reminders(self, raw: Mapping[str, Any]) -> ReminderPolicy:
        def days(key: str) -> tuple[int, ...]:
            values = self.get(raw, key, "reminders.", list)
            if any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in values):
                raise self.fail(f"reminders.{key}", f"应为正整数天数的列表，现为 {values!r}")
            return tuple(sorted(set(values), reverse=key == "before_days"))

        def positive(key: str) -> int:
            value = self.get(raw, key, "reminders.", int)
            if value < 1:
                raise self.fail(f"reminders.{key}", f"应为正整数，现为 {value!r}")
            return value

        policy = ReminderPolicy(
            before_days=days("before_days"),
            after_days=days("after_days"),
            then_every_days=positive("then_every_days"),
            escalate_after=positive("escalate_after"),
            also_to_province=tuple(self.get(raw, "also_to_province", "reminders.", list))
            if "also_to_province" in raw
            else (),
            source=self.get(raw, "source", "reminders.", str),
            source_note=raw.get("source_note", ""),
        )
        if not policy.after_days:
            raise self.fail("reminders.after_days", "至少须有一个逾期后提醒的天数")
        return policy

    def campaign(self, raw: Mapping[str, Any], rulebook_id: str, contact_office: str) -> Campaign:
        where = "campaign."
        return Campaign(
            id=self.get(raw, "id", where, str),
            name=self.get(raw, "name", where, str),
            rulebook=rulebook_id,
            starts_on=self.get(raw, "starts_on", where, date),
            acceptance_on=self.get(raw, "acceptance_on", where, date),
            contact=raw.get("contact") or contact_office,  # a campaign may name another office
        )

    # --- the vocabulary ----------------------------------------------------------------------------

    def vocabulary(self, raw: Mapping[str, Any]) -> Vocabulary:
        """The rulebook's words; each key it leaves out is Guangdong's (checks/default_vocabulary.toml)."""
        where = "vocabulary."
        unknown = [key for key in raw if key not in _default_vocabulary()]
        if unknown:
            known = "、".join(_default_vocabulary())
            raise self.fail(f"{where}{unknown[0]}", f"词汇表没有此项（可填写的项：{known}）")
        table = {**_default_vocabulary(), **raw}
        return Vocabulary(
            contact_office=self.word(self.get(table, "contact_office", where, str), f"{where}contact_office"),
            unit_kinds=self.words(self.get(table, "unit_kinds", where, list), f"{where}unit_kinds"),
            levels=self.roles(self.get(table, "levels", where, dict), Level, f"{where}levels", Level),
            organisation_kinds=self.roles(
                self.get(table, "organisation_kinds", where, dict),
                OrgKind,
                f"{where}organisation_kinds",
                (OrgKind.UNDERGRADUATE,),
            ),
            meeting_kinds=self.meeting_words(self.get(table, "meeting_kinds", where, list), f"{where}meeting_kinds"),
            registrations=tuple(
                self.registration(key, body, f"{where}registrations.{key}")
                for key, body in self.get(table, "registrations", where, dict).items()
            ),
        )

    def registrations_cited(self, rules: Mapping[str, RuleSpec], vocabulary: Vocabulary) -> None:
        """A registration check reads the roster column of its name, which only the vocabulary's
        registrations put in the template."""
        for spec in rules.values():
            if spec.kind in REGISTRATION_FIELDS.values() and vocabulary.registration(spec.kind) is None:
                key = next(k for k, field in REGISTRATION_FIELDS.items() if field == spec.kind)
                raise self.fail(f"rules.{spec.id}", f"核验需要花名册中的登记情况，但词汇表 registrations 中没有 {key}")

    def word(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"应为非空的文字，现为 {value!r}")
        if any(mark in value for mark in ',"'):  # they would end a choice of the template's drop-downs
            raise self.fail(key, f"不能含有英文逗号或双引号：{value!r}")
        return value.strip()

    def words(self, values: list[Any], key: str) -> tuple[str, ...]:
        words = tuple(self.word(value, f"{key}[{n}]") for n, value in enumerate(values))
        if not words or len(set(words)) != len(words):
            raise self.fail(key, "应至少有一个词，且不能重复")
        return words

    def roles(
        self, raw: Mapping[str, Any], roles: type[Enum], key: str, required: Iterable[Enum]
    ) -> tuple[tuple[Any, str], ...]:
        """role -> word pairs, the role named by its English key (school, college, undergraduate …)."""
        by_key = {role.name.lower(): role for role in roles}
        for name in raw:
            if name not in by_key:
                raise self.fail(f"{key}.{name}", f"未知的角色，应为 {'、'.join(by_key)} 之一")
        for role in required:
            if role.name.lower() not in raw:
                raise self.fail(f"{key}.{role.name.lower()}", "缺少此项 (missing)")
        pairs = tuple((by_key[name], self.word(word, f"{key}.{name}")) for name, word in raw.items())
        if not pairs or len({word for _, word in pairs}) != len(pairs):
            raise self.fail(key, "应至少有一个词，且不能重复")
        return pairs

    def meeting_words(self, raw: list[Any], key: str) -> tuple[MeetingWord, ...]:
        meetings = []
        for n, body in enumerate(raw):
            where = f"{key}[{n}]."
            if not isinstance(body, dict) or set(body) - {"name", "role"}:
                raise self.fail(f"{key}[{n}]", '应为 { name = "会议名称", role = "角色" }（role 可省略）')
            role = body.get("role")
            if role is not None and role not in {r.value for r in MeetingRole}:
                raise self.fail(
                    f"{where}role", f"未知的会议角色 {role!r}，应为 {'、'.join(r.value for r in MeetingRole)} 之一"
                )
            name = self.word(body.get("name"), f"{where}name")
            meetings.append(MeetingWord(name, MeetingRole(role) if role is not None else None))
        names = self.words([m.name for m in meetings], key)  # at least one, no name twice
        if len(",".join(names)) > _DROP_DOWN_LIMIT:
            raise self.fail(key, f"会议类型合计过长：模板的下拉列表最多 {_DROP_DOWN_LIMIT} 个字符")
        return tuple(meetings)

    def registration(self, key: str, body: Any, where: str) -> Registration:
        if key not in REGISTRATION_FIELDS:
            raise self.fail(where, f"未知的登记系统，应为 {'、'.join(REGISTRATION_FIELDS)} 之一")
        if not isinstance(body, dict) or set(body) != {"system", "action"}:
            raise self.fail(where, '应为 { system = "系统名称", action = "报到或注册" }')
        return Registration(
            REGISTRATION_FIELDS[key],
            self.word(body["system"], f"{where}.system"),
            self.word(body["action"], f"{where}.action"),
        )


@functools.cache
def _default_vocabulary() -> dict[str, Any]:
    with DEFAULT_VOCABULARY.open("rb") as fh:
        return tomllib.load(fh)["vocabulary"]
