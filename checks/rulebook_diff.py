"""What changes when a campaign moves from one rulebook to another, said in Chinese, one line per change:
checks' parameters, severities and scopes, checks added and removed, sub-items' deadlines and checks,
sub-items added and removed, task weights and the verdict thresholds."""

from __future__ import annotations

from typing import Any

from checks.rulebook import Item, Rulebook, RuleSpec


def rulebook_changes(old: Rulebook, new: Rulebook) -> list[str]:
    return [*_rule_changes(old, new), *_item_changes(old, new), *_scoring_changes(old, new)]


def _rule_changes(old: Rulebook, new: Rulebook) -> list[str]:
    lines = [f"新增核验 {rid}（{new.rules[rid].label}）" for rid in new.rules if rid not in old.rules]
    lines += [f"删除核验 {rid}（{old.rules[rid].label}）" for rid in old.rules if rid not in new.rules]
    for rid in (rid for rid in old.rules if rid in new.rules):
        lines += [
            f"核验 {rid}（{new.rules[rid].label}）：{change}"
            for change in _spec_changes(old.rules[rid], new.rules[rid])
        ]
    return lines


def _spec_changes(old: RuleSpec, new: RuleSpec) -> list[str]:
    changes = [
        f"参数 {name} {_shown(old.params.get(name))} → {_shown(new.params.get(name))}"
        for name in sorted({*old.params, *new.params})
        if old.params.get(name) != new.params.get(name)
    ]
    for label, before, after in (
        ("种类", old.kind, new.kind),
        ("严重程度", old.severity.value, new.severity.value),
        ("范围", old.scope or "全部", new.scope or "全部"),
    ):
        if before != after:
            changes.append(f"{label} {before} → {after}")
    return changes


def _shown(value: Any) -> str:
    if value is None:
        return "（未设）"
    return "、".join(str(v) for v in value) if isinstance(value, list) else str(value)


def _item_changes(old: Rulebook, new: Rulebook) -> list[str]:
    old_items, new_items = {i.id: i for i in old.items}, {i.id: i for i in new.items}
    lines = [f"新增子项 {iid}（完成时限 {item.due_text}）" for iid, item in new_items.items() if iid not in old_items]
    lines += [f"删除子项 {iid}" for iid in old_items if iid not in new_items]
    for iid in (iid for iid in old_items if iid in new_items):
        lines += [f"子项 {iid}：{change}" for change in _one_item_changes(old_items[iid], new_items[iid])]
    return lines


def _one_item_changes(old: Item, new: Item) -> list[str]:
    changes = []
    if (old.due, old.due_text) != (new.due, new.due_text):
        changes.append(f"完成时限 {old.due_text} → {new.due_text}")
    added = [check for check in new.checks if check not in old.checks]
    removed = [check for check in old.checks if check not in new.checks]
    if added:
        changes.append(f"增加核验 {'、'.join(added)}")
    if removed:
        changes.append(f"去掉核验 {'、'.join(removed)}")
    if old.content != new.content:
        changes.append("内容文字有改动")
    return changes


def _scoring_changes(old: Rulebook, new: Rulebook) -> list[str]:
    weights = {t.id: t.weight for t in old.tasks}
    lines = [
        f"任务 {task.id} 权重 {weights[task.id]:g} → {task.weight:g}"
        for task in new.tasks
        if task.id in weights and weights[task.id] != task.weight
    ]
    for label, before, after in (
        ("通过验收最低分", old.verdict.pass_min_score, new.verdict.pass_min_score),
        ("未通过分数线", old.verdict.fail_below_score, new.verdict.fail_below_score),
    ):
        if before != after:
            lines.append(f"{label} {before:g} → {after:g}")
    if old.scoring != new.scoring or old.verdict.blocking != new.verdict.blocking:
        lines.append("计分规则（[scoring] 或 [verdict] blocking）有改动")
    return lines
