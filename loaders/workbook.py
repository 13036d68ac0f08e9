"""The workbook reader's entry point: uploaded bytes in, a SchoolReport and cell-precise problems out.

One pass collects every problem it can find: the file (format, size, safety), its sheets and
columns, each cell, then agreement across sheets. Any 错误 withholds the report; 提示 do not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, Field, dataclass, fields, replace
from datetime import date
from typing import Any

from checks.rulebook import Rulebook
from checks.schema import (
    ItemReport,
    ItemStatus,
    Meeting,
    Organisation,
    Political,
    SchoolInfo,
    SchoolReport,
    StaffMember,
)
from loaders.adapters import adapt
from loaders.cells import squeeze
from loaders.crosscheck import Tables, crosscheck, is_school_code
from loaders.formulas import uncalculated_formulas
from loaders.grid import Grid, column_letters
from loaders.layout import Layout, Sheet, layout
from loaders.limits import Limits
from loaders.problems import Problem, Refusal, error
from loaders.sandbox import RawSheet, read_sheets
from loaders.sheets import SheetReader, Table
from loaders.sniff import Format

__all__ = ["Limits", "LoadResult", "read_workbook", "read_grids"]


@dataclass(frozen=True)
class LoadResult:
    report: SchoolReport | None  # None when any problem is a 错误
    problems: list[Problem]  # the first Limits.max_problems problems
    template_version: str  # "" when the file could not be read
    more_problems: int  # problems found beyond those listed
    school_code: str | None = None  # a well-formed 学校标识码, read even when other problems reject the file
    school_code_cell: str = ""  # where it was read ("B3"), for problems about whose file this is


def read_workbook(
    data: bytes, filename: str, rulebook: Rulebook, *, today: date, limits: Limits = Limits()
) -> LoadResult:
    """Read an uploaded workbook. `filename` is only for logs: the format comes from the bytes."""
    try:
        fmt, raws = read_sheets(data, limits)
    except Refusal as refusal:
        return LoadResult(None, [refusal.problem], "", 0)
    problems: list[Problem] = []
    grids = _grids(raws, problems)
    sheets = layout(rulebook.vocabulary)
    found = _template_sheets(grids, sheets)
    if not any(found.values()):
        problems.append(
            error(
                "文件中没有找到填报模板的工作表（" + "、".join(found) + "）。"
                "请确认上传的是从系统下载并填写好的模板，不要改动工作表名称。"
            )
        )
        return LoadResult(None, problems, "", 0)
    version = adapt(grids, problems, sheets)
    tables = _tables(found, sheets, limits, problems)
    problems.extend(crosscheck(tables, rulebook, today))
    if fmt in (Format.XLSX, Format.XLSM):
        problems = _explain_uncalculated_formulas(data, problems)
    report = None if any(p.is_error for p in problems) else _report(tables, sheets)
    # Errors first: a roster's many 提示 must not push what rejects the file out of the listed problems.
    kept = sorted(problems, key=lambda p: not p.is_error)[: limits.max_problems]
    return LoadResult(report, kept, version, len(problems) - len(kept), *_school_code(tables, sheets))


def read_grids(data: bytes, limits: Limits) -> list[RawSheet]:
    """The workbook's sheets as plain grids, read safely; a Refusal when the file cannot be read."""
    return read_sheets(data, limits)[1]


UNCALCULATED = (
    "该单元格是公式，但文件中没有保存计算结果（文件可能由程序生成，未经 Excel 计算），读出来是空的。"
    "请在 Excel 或 WPS 中打开文件、确认计算结果后保存，再重新上传；或直接填写数值。"
)


def _explain_uncalculated_formulas(data: bytes, problems: list[Problem]) -> list[Problem]:
    """A cell reported empty that holds a formula never calculated gets a message saying so.

    calamine reads such cells as empty; the archive is scanned only when a cell was reported empty,
    the one case where the explanation changes what the school must do."""
    if not any(p.is_error and p.cell and not p.value for p in problems):
        return problems
    formulas = {(sheet, cell) for sheet, cells in uncalculated_formulas(data).items() for cell in cells}
    return [replace(p, message=UNCALCULATED) if (p.sheet, p.cell) in formulas and not p.value else p for p in problems]


def _grids(raws: list[RawSheet], problems: list[Problem]) -> dict[str, Grid]:
    grids = {}
    for raw in raws:
        if raw.too_large_end is not None:
            row, col = raw.too_large_end
            problems.append(
                error(
                    f"工作表的使用范围过大（一直延伸到 {column_letters(col)}{row + 1}），无法读取。"
                    "请删除表格下方和右侧多余的行列（包括只设置了格式的空白单元格）后再上传。",
                    sheet=raw.name,
                )
            )
        grids[raw.name] = Grid.from_raw(raw)
    return grids


def _school_code(tables: Tables, sheets: Layout) -> tuple[str | None, str]:
    for row in tables.get(sheets.school.name, ()):
        if is_school_code(row.get("code")):
            return row.get("code"), row.cells["code"]
    return None, ""


def _template_sheets(grids: dict[str, Grid], sheets: Layout) -> dict[str, Grid | None]:
    """Template sheet name -> its grid, matched ignoring spaces and full-width forms; None if absent."""
    by_key = {squeeze(name): grid for name, grid in grids.items()}
    return {sheet.name: by_key.get(squeeze(sheet.name)) for sheet in sheets.sheets}


def _tables(found: dict[str, Grid | None], sheets: Layout, limits: Limits, problems: list[Problem]) -> Tables:
    tables: Tables = {}
    for sheet in sheets.sheets:
        grid = found[sheet.name]
        if grid is None:
            problems.append(
                error(f"缺少工作表“{sheet.name}”。请使用系统下载的模板，不要删除或重命名工作表。", sheet=sheet.name)
            )
            continue
        grid.name = sheet.name  # problems name the sheet as the template does
        table = SheetReader(grid, sheet, problems, limits.max_roster_rows).read()
        if table is not None:
            tables[sheet.name] = table
    return tables


# --- building the report (only when there are no errors) ----------------------------------------

Convert = Callable[[Any], Any]  # a cell's checked value -> the schema's value


def _conversions(sheets: Layout) -> dict[str, dict[str, Convert]]:
    """By sheet name: the fields whose words become the schema's roles and enums."""
    vocabulary = sheets.vocabulary
    return {
        sheets.items.name: {"status": ItemStatus},
        sheets.organisations.name: {"level": vocabulary.level_of, "kind": vocabulary.organisation_kind_of},
        sheets.staff.name: {"political": Political},
    }


def _report(tables: Tables, sheets: Layout) -> SchoolReport:
    conversions = _conversions(sheets)

    def records(cls: type, sheet: Sheet) -> tuple[Any, ...]:
        table = tables[sheet.name]
        convert = conversions.get(sheet.name, {})
        columns = [
            table.sources() if f.name == "source" else _field_values(table, f, convert.get(f.name)) for f in fields(cls)
        ]
        return tuple(map(cls, *columns))

    return SchoolReport(
        school=records(SchoolInfo, sheets.school)[0],
        items=records(ItemReport, sheets.items),
        organisations=records(Organisation, sheets.organisations),
        staff=records(StaffMember, sheets.staff),
        meetings=records(Meeting, sheets.meetings),
    )


def _field_values(table: Table, field: Field[Any], convert: Convert | None) -> list[Any]:
    """Each record's value of a schema field: the cell's value converted, the field's default where the
    cell was empty. Built column by column: a roster's 100,000 records are made in one map."""
    values = table.column(field.name)
    if convert is not None:
        converted = {value: convert(value) for value in dict.fromkeys(values) if value is not None}
        values = [None if value is None else converted[value] for value in values]
    if field.default is MISSING or field.default is None:
        return values  # a required field's cells were all filled, or the report was withheld
    return [field.default if value is None else value for value in values]
