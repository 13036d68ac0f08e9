"""Template versions: read the version from the hidden _meta sheet and bring older layouts up to date.

ADAPTERS maps a past template version to a function that rewrites that version's grids into the
current layout (layout.TEMPLATE_VERSION) before they are read. Adapters only add or rename grid
columns; a column added by an adapter keeps the Excel address of the column it came from, so problems
still point at the cell the school filled in.
"""

from __future__ import annotations

from collections.abc import Callable

from loaders.cells import parse_text
from loaders.grid import Grid
from loaders.headers import SEARCH_ROWS, header_key
from loaders.layout import META_SHEET, TEMPLATE_VERSION, Layout
from loaders.problems import Problem, error, note

Adapter = Callable[[dict[str, Grid], Layout], None]  # rewrites the grids (by sheet name) in place
VERSION_KEY = "template_version"


def _split_registration_column(grids: dict[str, Grid], sheets: Layout) -> None:
    """Version 0 asked one question, "是否已注册（<league system>/<volunteer system>）", where version 1
    asks two (Guangdong's league and volunteer systems, as its rulebook's vocabulary names them).

    The answer applies to both: the old column is read as the first and a copy of it as the second.
    This is the worked example of the adapter mechanism.
    """
    grid = grids.get(sheets.staff.name)
    league = sheets.vocabulary.registration("zhtj_registered")
    volunteer = sheets.vocabulary.registration("ivolunteer_registered")
    if grid is None or league is None or volunteer is None:
        return
    old = header_key(f"是否已注册（{league.system}/{volunteer.system}）")
    for row in range(min(SEARCH_ROWS, len(grid.rows))):
        for col in range(grid.width):
            if isinstance(grid.rows[row][col], str) and header_key(grid.rows[row][col]) == old:
                grid.rows[row][col] = league.header
                grid.add_column(col, row, volunteer.header)
                return


ADAPTERS: dict[str, Adapter] = {
    "0": _split_registration_column,
}


def template_version(grids: dict[str, Grid]) -> str | None:
    """The version written in _meta, or None when the workbook has no _meta sheet."""
    meta = grids.get(META_SHEET)
    if meta is None:
        return None
    for row in meta.rows:
        if len(row) >= 2 and parse_text(row[0]) == VERSION_KEY:
            return parse_text(row[1])
    return ""


def adapt(grids: dict[str, Grid], problems: list[Problem], sheets: Layout) -> str:
    """Bring the grids to the current layout; returns the version the file was written in."""
    version = template_version(grids)
    if version is None:
        problems.append(
            note(
                "文件中没有模板版本信息（可能不是从本系统下载的模板，或复制到了新文件中），"
                f"已按当前模板（第 {TEMPLATE_VERSION} 版）读取。建议从系统下载最新模板填报。"
            )
        )
        return TEMPLATE_VERSION
    if version == TEMPLATE_VERSION:
        return version
    adapter = ADAPTERS.get(version)
    if adapter is None:
        problems.append(error(f"无法识别的模板版本“{version}”。请从系统重新下载最新模板，把内容复制过去后再上传。"))
        return version
    adapter(grids, sheets)
    problems.append(
        note(
            f"这是旧版模板（第 {version} 版），已自动转换为当前模板（第 {TEMPLATE_VERSION} 版）读取。"
            "下次请使用最新模板。"
        )
    )
    return version
