"""`reformboard tenant`: the directory of supervising units and schools (the tenants).

`tenant import` reads a province's list of schools (学校标识码, 学校名称, 主管单位, 学校类型; headers
matched as loosely as the template's) and applies it all or nothing: every problem is listed by row
and nothing is stored until the whole list is clean. Every change is audited.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from sqlalchemy.orm import Session

from loaders.cells import BadValue, is_empty, parse_choice, parse_code, parse_text, squeeze
from loaders.grid import Grid
from loaders.headers import find_header_row
from loaders.layout import SCHOOL, Sheet
from loaders.limits import Limits
from loaders.problems import Refusal
from loaders.workbook import read_grids
from reformboard.commands.common import operator_transaction
from reformboard.context import AppContext, configured_rulebook
from reformboard.errors import UserFacingError
from reformboard.services.directory import SchoolEntry, add_school, add_unit, import_schools
from reformboard.settings import Settings
from tenants.directory import SCHOOL_CODE, parse_school_code, parse_unit_code
from tenants.models import Unit
from tenants.store import default_campaign, list_schools, list_units
from textsafety import for_terminal, name_problem

SCHOOL_TYPES = SCHOOL.column("school_type").choices
DIRECTORY = Sheet(
    "学校名单",
    columns=(
        replace(SCHOOL.column("code"), synonyms=(*SCHOOL.column("code").synonyms, "院校代码", "学校编码")),
        replace(SCHOOL.column("name"), synonyms=(*SCHOOL.column("name").synonyms, "院校名称")),
        replace(
            SCHOOL.column("unit"), synonyms=(*SCHOOL.column("unit").synonyms, "所属单位", "主管团委", "上级团组织")
        ),
        replace(SCHOOL.column("school_type"), synonyms=("类型", "办学类型", "办学层次")),
    ),
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("tenant", help="管理学校与主管单位 (manage schools and units)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="操作")

    add = actions.add_parser("add", help="添加学校")
    add.add_argument("code", metavar="学校标识码")
    add.add_argument("name", metavar="学校名称")
    add.add_argument("--unit", required=True, metavar="单位代码", help="主管单位的代码")
    add.add_argument("--type", default="", metavar="学校类型", help="、".join(SCHOOL_TYPES))
    _campaign_option(add)
    add.set_defaults(run=run_add)

    add_unit_parser = actions.add_parser("add-unit", help="添加主管单位")
    add_unit_parser.add_argument("code", metavar="单位代码")
    add_unit_parser.add_argument("name", metavar="单位名称")
    add_unit_parser.add_argument(
        "--kind", required=True, metavar="单位类型", help="单位类型，须是当前规则手册词汇表 unit_kinds 中的一个"
    )
    add_unit_parser.set_defaults(run=run_add_unit)

    listing = actions.add_parser("list", help="列出学校")
    listing.add_argument("--unit", metavar="单位代码", help="只列出该单位主管的学校")
    listing.add_argument("--campaign", metavar="批次编号", help="只列出参加该验收批次的学校")
    listing.set_defaults(run=run_list)

    importing = actions.add_parser("import", help="从 Excel 学校名单导入（全部成功才保存）")
    importing.add_argument("file", type=Path, metavar="学校名单.xlsx")
    _campaign_option(importing)
    importing.set_defaults(run=run_import)


def _campaign_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--campaign",
        action="append",
        metavar="批次编号",
        help="学校参加的验收批次，可重复；不写则为默认验收批次",
    )


def _campaign_ids(session: Session, given: list[str] | None) -> list[str]:
    """The campaigns named on the command line, else the default one (none when no campaign exists yet)."""
    if given:
        for campaign_id in given:
            AppContext.campaign(session, campaign_id)  # refuses an unknown one by name
        return given
    default = default_campaign(session)
    return [] if default is None else [default.id]


def run_add(args: argparse.Namespace) -> int:
    entry = SchoolEntry(parse_school_code(args.code), args.name, parse_unit_code(args.unit), _school_type(args.type))
    with operator_transaction() as (session, operator):
        campaigns = _campaign_ids(session, args.campaign)
        school = add_school(session, operator, entry, campaigns)
        unit_names = {unit.code: unit.name for unit in list_units(session)}
    joined = f"；验收批次：{'、'.join(campaigns)}" if campaigns else "；尚无验收批次"
    print(f"已添加学校 {school.code} {school.name}（主管单位：{unit_names[school.unit_code]}{joined}）")
    return 0


def run_add_unit(args: argparse.Namespace) -> int:
    with operator_transaction() as (session, operator):
        kinds = configured_rulebook(Settings.from_env()).vocabulary.unit_kinds  # the rulebook in force
        unit = add_unit(session, operator, args.code, args.name, args.kind.strip(), kinds=kinds)
    print(f"已添加主管单位 {unit.code} {unit.name}（{unit.kind}）")
    return 0


LIST_HEADER = ("学校标识码", "学校名称", "主管单位", "学校类型", "状态")


def run_list(args: argparse.Namespace) -> int:
    unit_code = parse_unit_code(args.unit) if args.unit else None
    with operator_transaction() as (session, _operator):
        unit_names = {unit.code: unit.name for unit in list_units(session)}
        if unit_code and unit_code not in unit_names:
            raise UserFacingError(f"找不到单位代码为 {unit_code} 的单位")
        campaign_id = AppContext.campaign(session, args.campaign).id if args.campaign else None
        rows = [
            (s.code, s.name, unit_names[s.unit_code], s.school_type, "在册" if s.active else "已停用")
            for s in list_schools(session, unit_code, campaign_id)
        ]
    print("\t".join(LIST_HEADER))
    for row in rows:
        print("\t".join(for_terminal(value) for value in row))
    return 0


# --- import ---------------------------------------------------------------------------------------------


def run_import(args: argparse.Namespace) -> int:
    grid = _directory_grid(args.file)
    with operator_transaction() as (session, operator):
        entries, problems = read_directory(grid, list_units(session))
        if problems:
            for problem in problems:
                print(problem, file=sys.stderr)
            raise UserFacingError(f"学校名单中有 {len(problems)} 处问题（见上），未导入任何学校")
        campaigns = _campaign_ids(session, args.campaign)
        added, updated = import_schools(session, operator, entries, campaigns)
    print(f"导入完成：新增 {added} 所，更新 {updated} 所，未变 {len(entries) - added - updated} 所")
    if campaigns:
        print(f"名单中的学校均已列入验收批次：{'、'.join(campaigns)}")
    return 0


def _directory_grid(path: Path) -> Grid:
    """The first sheet that has at least the code and name columns."""
    try:
        raws = read_grids(path.read_bytes(), Limits())
    except OSError as exc:
        raise UserFacingError(f"无法读取文件 {path}：{exc.strerror or exc}") from None
    except Refusal as exc:
        raise UserFacingError(f"无法读取文件 {path}：{exc}") from None
    for raw in raws:
        grid = Grid.from_raw(raw)
        header = find_header_row(grid, DIRECTORY)
        if header is not None and {"code", "name"} <= header.columns.keys():
            return grid
    raise UserFacingError(f"文件 {path.name} 中找不到学校名单：需要“学校标识码”“学校名称”“主管单位”等列标题")


def read_directory(grid: Grid, units: list[Unit]) -> tuple[list[SchoolEntry], list[str]]:
    """The list's rows as entries, and a Chinese problem per bad row ("第 5 行：…")."""
    header = find_header_row(grid, DIRECTORY)
    assert header is not None  # the grid was chosen for having this header
    if "unit" not in header.columns:
        return [], [f"工作表“{grid.name}”缺少“主管单位”列"]
    unit_by_key = {squeeze(key): unit for unit in units for key in (unit.code, unit.name)}
    entries: list[SchoolEntry] = []
    problems: list[str] = []
    rows_of_code: dict[str, int] = {}
    for row in range(header.row + 1, len(grid.rows)):
        cells = {field: grid.value(row, col) for field, col in header.columns.items()}
        if all(is_empty(value) for value in cells.values()):
            continue
        try:
            entry = _entry(cells, unit_by_key)
        except BadValue as exc:
            problems.append(f"第 {row + 1} 行：{exc}")
            continue
        if entry.code in rows_of_code:
            problems.append(f"第 {row + 1} 行：学校标识码 {entry.code} 与第 {rows_of_code[entry.code]} 行重复")
            continue
        rows_of_code[entry.code] = row + 1
        entries.append(entry)
    return entries, problems


def _entry(cells: dict[str, object], unit_by_key: dict[str, Unit]) -> SchoolEntry:
    code = _read("学校标识码", parse_code, cells["code"])
    if not SCHOOL_CODE.fullmatch(code):
        raise BadValue(f"学校标识码应为10位数字，收到“{code}”")
    name = _read("学校名称", parse_text, cells["name"])
    if problem := name_problem(name, "学校名称"):
        raise BadValue(problem)
    unit_text = _read("主管单位", parse_text, cells["unit"])
    unit = unit_by_key.get(squeeze(unit_text))
    if unit is None:
        raise BadValue(f"找不到主管单位“{unit_text}”，请先用 reformboard tenant add-unit 添加")
    raw_type = cells.get("school_type", "")
    school_type = None if is_empty(raw_type) else _read("学校类型", lambda v: parse_choice(v, SCHOOL_TYPES), raw_type)
    return SchoolEntry(code, name, unit.code, school_type)


def _read(label: str, parse: Callable[[object], str], value: object) -> str:  # one of loaders.cells' parsers
    if is_empty(value):
        raise BadValue(f"“{label}”不能为空")
    try:
        return parse(value)
    except BadValue as exc:
        raise BadValue(f"“{label}”{exc}") from None


def _school_type(text: str) -> str:
    if not text:
        return ""
    try:
        return parse_choice(text, SCHOOL_TYPES)
    except BadValue as exc:
        raise UserFacingError(f"学校类型“{text}”无效：{exc}") from None
