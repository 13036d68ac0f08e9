"""Rulebooks and rule kinds as text for people: what a rulebook file contains (`rulebook check`) and
the reference of every rule kind (docs/rule-kinds.md, `rulebook docs`), both from the declarations."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from checks.rulebook import Item, Rulebook, RuleSpec
from checks.rules.kinds import ROLES, Param, RuleKind

REFERENCE_INTRO = """# 核验种类参考（rule kinds）

本文件由 `reformboard rulebook docs -o docs/rule-kinds.md` 根据代码中的声明生成，请勿手工修改；
测试 tests/test_rule_kinds.py 在它过期时失败。

规则文件的每个 `[rules.编号]` 表是一项核验：`kind` 指明核验种类（不写时即编号本身），其余键为该种类的参数；
`label`（名称）和 `severity`（严重程度）每项必填，`scope` 可把按组织逐个核验的种类限定为一类组织，
`roles` 可把按工作人员名单核验的种类限定为某些角色的人员（职务按规则文件 `[titles]` 归入角色），例如
`roles = ["主席团成员", "部门负责人"]` 只核验主要学生干部。
同一种类可以用不同编号出现多次，各自带不同的参数或范围，例如：

```toml
[rules.school_staff_size]
label = "校学生会工作人员规模"
severity = "需关注"
scope = "学生会"
typical = 40
max = 60

[rules.graduate_staff_size]
kind = "school_staff_size"
label = "校研究生会工作人员规模"
severity = "需关注"
scope = "研究生会"
typical = 20
max = 30
```

子项的 `checks` 和条款的 `checks` 写的是编号。未知的种类、未声明的参数、缺少的必填参数、类型不对的参数、
种类不接受的范围，都在载入规则文件时报错（指出文件和键），不会等到评分时才出错。
"""


def reference(kinds: Mapping[str, RuleKind]) -> str:
    """The markdown reference of every rule kind, in name order."""
    sections = [REFERENCE_INTRO]
    for name in sorted(kinds):
        sections.append(_kind_section(kinds[name]))
    return "\n".join(sections)


def _kind_section(kind: RuleKind) -> str:
    lines = [f"## `{kind.name}`", "", kind.meaning, ""]
    lines.append(
        f"范围（scope）：{'、'.join(kind.scopes)}（不写则全部组织）" if kind.scopes else "范围（scope）：不接受"
    )
    roles = f"可限定为 {'、'.join(ROLES)} 中的若干角色（不写则全部工作人员）" if kind.role_scoped else "不接受"
    lines += ["", f"角色范围（roles）：{roles}"]
    lines += ["", "| 参数 | 类型 | 必填/默认 | 含义 | 单位 |", "| --- | --- | --- | --- | --- |"]
    lines += [
        f"| `{p.name}` | {p.type.name} | {_requirement(p)} | {p.meaning} | {p.unit or '—'} |" for p in kind.all_params
    ]
    return "\n".join(lines) + "\n"


def _requirement(param: Param) -> str:
    if param.required:
        return "必填"
    return "可不填" if param.default is None else f"默认 {_value(param.default)}"


def _value(value: Any) -> str:
    """As the rulebook writes it (TOML)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(map(_value, value)) + "]"
    return str(value)


def contents(book: Rulebook, kinds: Mapping[str, RuleKind]) -> str:
    """What a rulebook contains: tasks, sub-items with deadlines and their sources, checks with parameters."""
    return (
        "\n".join(
            [
                f"规则文件 {book.id}：{book.name}",
                f"验收批次 {book.campaign.id}：{book.campaign.name}",
                f"共 {len(book.tasks)} 项任务、{len(book.items)} 个子项、{len(book.rules)} 项核验",
                "",
                *_tasks(book),
                "",
                "核验：",
                *(_check(spec, kinds[spec.kind]) for spec in book.rules.values()),
            ]
        )
        + "\n"
    )


def _tasks(book: Rulebook) -> Iterator[str]:
    for task in book.tasks:
        yield f"任务 {task.id} {task.name}（权重 {task.weight:g}）"
        for item in task.items:
            yield f"  子项 {item.id}  完成时限 {item.due_text}（出处：{item.due_source}）"
            yield f"    核验：{'、'.join(item.checks) if item.checks else '无（现场核查）'}"
            yield from _onsite(item)


def _onsite(item: Item) -> Iterator[str]:
    for clause in item.onsite_points:
        yield f"    现场核查：{clause.onsite}"


def _check(spec: RuleSpec, kind: RuleKind) -> str:
    units = {p.name: p.unit for p in kind.all_params}
    params = "；".join(f"{name} = {_value(value)}{units.get(name, '')}" for name, value in spec.params.items())
    kind_text = "" if spec.kind == spec.id else f"，种类 {spec.kind}"
    scope = f"，限 {spec.scope}" if spec.scope else ""
    scope += f"，限 {'、'.join(spec.roles)}" if spec.roles else ""
    return f"  {spec.id}（{spec.label}{kind_text}{scope}，{spec.severity.value}）{('：' + params) if params else ''}"
