"""Checks that need more than one cell: identifiers, duplicates, the task list, and agreement
between sheets (the roster's organisations exist, declared figures match the roster, dates are past).

Runs on the rows as read, so every problem names the cell the school must change. As a side effect
an organisation written with stray spaces is replaced by its name as 组织架构 writes it.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from checks.rulebook import Rulebook
from checks.schema import ItemStatus, Role
from loaders.cells import squeeze
from loaders.layout import ITEMS, SCHOOL, Layout, Sheet, layout
from loaders.problems import Problem, error, note
from loaders.sheets import Row, Table

Tables = dict[str, Table]  # sheet name -> its records; a sheet that could not be read is absent


def crosscheck(tables: Tables, rulebook: Rulebook, today: date) -> list[Problem]:
    problems: list[Problem] = []
    sheets = layout(rulebook.vocabulary)
    organisations, staff, meetings = sheets.organisations, sheets.staff, sheets.meetings
    unread = Table("", {}, [], {})  # a sheet that could not be read: no records to check
    _school_code(tables.get(sheets.school.name, unread), problems)
    _task_items(tables.get(ITEMS.name), rulebook, problems)
    _unique(tables.get(organisations.name, unread), organisations, "name", problems)
    _unique(tables.get(staff.name, unread), staff, "student_no", problems)
    if organisations.name in tables:
        names = {squeeze(name): name for name in tables[organisations.name].column("name") if name}
        _known_organisations(tables.get(staff.name, unread), staff, names, organisations, problems)
        _known_organisations(tables.get(meetings.name, unread), meetings, names, organisations, problems)
        _presidium_sizes(tables[organisations.name], tables.get(staff.name, unread), rulebook, sheets, problems)
    _completion_dates(tables.get(ITEMS.name, unread), today, problems)
    for field in ("held_on", "approved_on", "filed_on"):
        _not_future(tables.get(meetings.name, unread), meetings, field, today, problems)
    return problems


def _problem_at(row: Row, sheet: Sheet, field: str, value: object, message: str, *, fatal: bool = True) -> Problem:
    make = error if fatal else note
    return make(
        message,
        sheet=row.sheet,
        cell=row.cells.get(field, ""),
        field=sheet.column(field).header,
        value="" if value is None else str(value),
    )


def is_school_code(code: str | None) -> bool:
    return code is not None and re.fullmatch(r"\d{10}", code) is not None


def _school_code(rows: Table, problems: list[Problem]) -> None:
    for row in rows:
        code = row.get("code")
        if code is not None and not is_school_code(code):
            problems.append(
                _problem_at(
                    row, SCHOOL, "code", code, "学校标识码应为教育部公布的 10 位数字，如 4144010561，请核对后重填。"
                )
            )


def _task_items(rows: Table | None, rulebook: Rulebook, problems: list[Problem]) -> None:
    if rows is None:
        return
    expected = [item.id for item in rulebook.items]
    seen: dict[str, Row] = {}
    for row in rows:
        item_id = row.get("item_id")
        if item_id is None:
            continue
        if item_id not in expected:
            problems.append(
                _problem_at(
                    row,
                    ITEMS,
                    "item_id",
                    item_id,
                    f"没有编号为“{item_id}”的改革任务。编号应为任务列表中的 "
                    f"{expected[0]}–{expected[-1]}，请不要修改模板中的编号。",
                )
            )
        elif item_id in seen:
            problems.append(
                _problem_at(
                    row,
                    ITEMS,
                    "item_id",
                    item_id,
                    f"任务 {item_id} 重复填报（第一次在 {seen[item_id].cells['item_id']}），"
                    "每项任务只填一行，请删除重复行。",
                )
            )
        else:
            seen[item_id] = row
    missing = [i for i in expected if i not in seen]
    if missing:
        problems.append(
            error(
                f"缺少以下任务的填报：{'、'.join(missing)}。请使用模板中的任务列表，每项任务填一行。",
                sheet=ITEMS.name,
                field=ITEMS.column("item_id").header,
            )
        )


def _unique(table: Table, sheet: Sheet, field: str, problems: list[Problem]) -> None:
    first: dict[str, int] = {}  # value -> the record it first appeared in
    header = sheet.column(field).header
    for n, value in enumerate(table.column(field)):
        if value is None or first.setdefault(value, n) == n:
            continue
        problems.append(
            _problem_at(
                table.row(n),
                sheet,
                field,
                value,
                f"{header}“{value}”重复（第一次出现在 {table.cells(first[value])[field]}），"
                "每个只能填一行，请删除或更正重复行。",
            )
        )


def _known_organisations(
    table: Table, sheet: Sheet, names: dict[str, str], organisations: Sheet, problems: list[Problem]
) -> None:
    """Each organisation written is one of 组织架构's; written with stray spaces, it becomes that name."""
    if "organisation" not in table.columns:
        return
    written = table.columns["organisation"]
    canonical = {  # a roster names few organisations, many times
        name: names.get(squeeze(name)) for name in set(written) - {None}
    }
    table.columns["organisation"] = [None if name is None else canonical[name] or name for name in written]
    for n, name in enumerate(written):
        if name is not None and canonical[name] is None:
            problems.append(
                _problem_at(
                    table.row(n),
                    sheet,
                    "organisation",
                    name,
                    f"组织“{name}”不在“{organisations.name}”表中。请填写与“{organisations.name}”"
                    "中组织名称完全一致的名称，或先在该表中添加这个组织。",
                )
            )


def _presidium_sizes(orgs: Table, staff: Table, rulebook: Rulebook, sheets: Layout, problems: list[Problem]) -> None:
    titles = staff.column("title")
    presidium = {title for title in set(titles) - {None} if rulebook.role_of(title) is Role.PRESIDIUM}
    on_roster = Counter(
        org for org, title in zip(staff.column("organisation"), titles, strict=True) if title in presidium
    )
    for org in orgs:
        declared = org.get("presidium_size")
        if declared is None or declared == on_roster[org.get("name")]:
            continue
        problems.append(
            _problem_at(
                org,
                sheets.organisations,
                "presidium_size",
                declared,
                f"“{org.get('name')}”填写的主席团人数为 {declared} 人，但“{sheets.staff.name}”中该组织的主席团成员为 "
                f"{on_roster[org.get('name')]} 人。请核对两处是否一致（验收以名单为准）。",
                fatal=False,
            )
        )


def _completion_dates(rows: Table, today: date, problems: list[Problem]) -> None:
    _not_future(rows, ITEMS, "completed_on", today, problems)
    for row in rows:
        if row.get("status") == ItemStatus.DONE and row.get("completed_on") is None:
            problems.append(
                _problem_at(
                    row,
                    ITEMS,
                    "completed_on",
                    None,
                    "状态为“已完成”但没有填写完成日期，系统无法核对是否按时完成，该项将记为“无法核验”。请补填完成日期。",
                    fatal=False,
                )
            )


def _not_future(rows: Table, sheet: Sheet, field: str, today: date, problems: list[Problem]) -> None:
    header = sheet.column(field).header
    for row in rows:
        day = row.get(field)
        if day is not None and day > today:
            problems.append(
                _problem_at(
                    row,
                    sheet,
                    field,
                    day.isoformat(),
                    f"{header} {day:%Y-%m-%d} 晚于今天（{today:%Y-%m-%d}），只能填写已经发生的日期。",
                )
            )
