"""A variant rulebook over its base: the raw TOML of both merged into one before it is parsed.

The rules of the merge (README 规则手册 says the same to rulebook authors):
- a table merges into the base's table of the same key, key by key, at any depth: `[rules.X] max = 5` in
  the variant changes only X's max; a key the base lacks is added;
- a value that is not a table (a number, a text, a date, a list such as an item's `checks` or `clauses`)
  replaces the base's;
- `tasks` and each task's `items` are merged by `id`: an entry whose id the base has merges into it as a
  table does (an item given its own `due` no longer shares another's by `due_with`), an entry with a new
  id is added after the base's;
- `[remove]` drops what the base has: `tasks = ["10"]`, `items = ["1.3"]`, `rules = ["rotating_chair"]` (and
  their citations in items' and clauses' checks; a clause checked by those alone goes with them),
  and any key of a table by its dotted path, `keys = ["vocabulary.registrations.volunteer_system"]` (a
  registration system, a level, a title the variant's province does not have);
- the variant names its own `id` and `[campaign] id`, so the two never register as one campaign.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from checks.errors import DomainError

BASE_KEY = "base"
REMOVE_KEY = "remove"
_REMOVABLE = ("tasks", "items", "rules")
KEYS = "keys"  # [remove] keys: dotted paths of table keys


class MergeConflict(DomainError, ValueError):
    """A variant that cannot be laid over its base; `key` names where, the message says why (Chinese).
    The loader raises it again as a RulebookError naming the file."""

    def __init__(self, problem: str, key: str) -> None:
        super().__init__(problem)
        self.key = key
        self.problem = problem


def merge(base: Mapping[str, Any], variant: Mapping[str, Any]) -> dict[str, Any]:
    """The rulebook the variant describes: its base with the variant's tables laid over it."""
    _own_ids(base, variant)
    removals = _removals(variant.get(REMOVE_KEY, {}))
    own = {key: value for key, value in variant.items() if key not in (BASE_KEY, REMOVE_KEY)}
    merged = {key: value for key, value in base.items() if key != BASE_KEY}
    merged = _merge_tables(merged, {key: value for key, value in own.items() if key != "tasks"})
    merged["tasks"] = _merge_tasks(base.get("tasks", []), own.get("tasks", []))
    return _remove(merged, removals)


def _own_ids(base: Mapping[str, Any], variant: Mapping[str, Any]) -> None:
    if "id" not in variant or variant["id"] == base.get("id"):
        raise MergeConflict("变体规则手册须有自己的 id（不能与底本相同）", key="id")
    base_campaign, campaign = base.get("campaign", {}), variant.get("campaign", {})
    if "id" not in campaign or campaign["id"] == base_campaign.get("id"):
        raise MergeConflict("变体规则手册须有自己的验收批次编号 [campaign] id（不能与底本相同）", key="campaign.id")


def _removals(raw: Any) -> dict[str, set[str]]:
    if not isinstance(raw, dict) or set(raw) - {*_REMOVABLE, KEYS}:
        raise MergeConflict("[remove] 只能含 tasks、items、rules、keys 四个列表", key=REMOVE_KEY)
    removals = {}
    for key in (*_REMOVABLE, KEYS):
        ids = raw.get(key, [])
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise MergeConflict("应为编号（文字）的列表", key=f"{REMOVE_KEY}.{key}")
        removals[key] = set(ids)
    return removals


def _merge_tables(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _merge_tables(base[key], value)
        else:
            merged[key] = value
    return merged


def _merge_by_id(
    base: list[Any], over: list[Any], where: str, merge_one: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]
) -> list[Any]:
    entries = {entry["id"]: entry for entry in base if isinstance(entry, dict) and "id" in entry}
    order = list(entries)
    for n, entry in enumerate(over):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise MergeConflict("变体中的每一项都须写明 id，才能与底本对应", key=f"{where}[{n}].id")
        if entry["id"] in entries:
            entries[entry["id"]] = merge_one(entries[entry["id"]], entry)
        else:
            entries[entry["id"]] = entry
            order.append(entry["id"])
    return [entries[entry_id] for entry_id in order]


def _merge_tasks(base: list[Any], over: list[Any]) -> list[Any]:
    def merge_task(task: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
        fields = _merge_tables(task, {k: v for k, v in change.items() if k != "items"})
        where = f"tasks[id={task['id']}].items"
        fields["items"] = _merge_by_id(task.get("items", []), change.get("items", []), where, _merge_item)
        return fields

    return _merge_by_id(base, over, "tasks", merge_task)


def _merge_item(item: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    merged = _merge_tables(item, change)
    if "due" in change and "due_with" not in change:  # a deadline of its own replaces the shared one
        merged.pop("due_with", None)
    return merged


def _remove(merged: dict[str, Any], removals: Mapping[str, set[str]]) -> dict[str, Any]:
    tasks = {task["id"] for task in merged["tasks"]}
    items = {item["id"] for task in merged["tasks"] for item in task.get("items", [])}
    for key, known in (("tasks", tasks), ("items", items), ("rules", set(merged.get("rules", {})))):
        unknown = sorted(removals[key] - known)
        if unknown:
            raise MergeConflict(f"底本中没有要删除的 {'、'.join(unknown)}", key=f"{REMOVE_KEY}.{key}")
    merged["tasks"] = [
        {
            **task,
            "items": [
                _without_checks(item, removals["rules"])
                for item in task.get("items", [])
                if item["id"] not in removals["items"]
            ],
        }
        for task in merged["tasks"]
        if task["id"] not in removals["tasks"]
    ]
    merged["rules"] = {rid: rule for rid, rule in merged.get("rules", {}).items() if rid not in removals["rules"]}
    for path in sorted(removals[KEYS]):
        merged = _without(merged, path.split("."), path)
    return merged


def _without_checks(item: dict[str, Any], rules: set[str]) -> dict[str, Any]:
    """The item citing none of the removed checks, in its own checks or its clauses'."""
    if not rules:
        return item
    item = {**item, "checks": [c for c in item.get("checks", []) if c not in rules]}
    if "clauses" in item:
        clauses = [_cited(clause, rules) for clause in item["clauses"]]
        item["clauses"] = [clause for clause in clauses if clause is not None]
    return item


def _cited(clause: Any, rules: set[str]) -> Any:
    """The clause without the removed checks; None when it was checked by those alone (nothing is left to
    verify it by, automatically or on site)."""
    if not isinstance(clause, dict) or "checks" not in clause:
        return clause
    checks = [c for c in clause["checks"] if c not in rules]
    return None if not checks and not clause.get("onsite") else {**clause, "checks": checks}


def _without(table: Any, parts: list[str], path: str) -> dict[str, Any]:
    """The table without the key at `parts` (every part but the last naming a table), copied along the
    path: the rest is shared with the base, which must stay as read."""
    first, rest = parts[0], parts[1:]
    if not isinstance(table, dict) or first not in table:
        raise MergeConflict(f"底本中没有要删除的 {path}", key=f"{REMOVE_KEY}.{KEYS}")
    if not rest:
        return {key: value for key, value in table.items() if key != first}
    return {**table, first: _without(table[first], rest, path)}
