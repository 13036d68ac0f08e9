"""Read back a verification sheet (验收核查表) the on-site inspectors filled in.

The sheet is refused, with Chinese problems naming the cell, when it is not one of ours, had its hidden
metadata edited (or it disagrees with the printed title block), belongs to another school or campaign,
had locked cells changed or item rows deleted or reordered, or holds a verdict word the rulebook does
not know. An item the inspectors left blank is simply not inspected. Whether the submission it names is
that school's is for the caller, who has the database (reformboard.inspections).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from checks.results import OnsiteResult
from checks.rulebook import Rulebook, RulebookError, load_rulebook
from loaders import verification
from loaders.limits import Limits
from loaders.problems import Problem, Refusal, error, note
from loaders.sheets import STRIPPED
from loaders.sniff import Format, sniff
from textsafety import has_unsafe, strip_unsafe

NOT_OURS = "这不是本系统导出的验收核查表，请在看板上导出该校的验收核查表，填写后再上传。"
_DATE_TEXT = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_RESULT_FIELD = verification.COLUMNS[verification.RESULT_COLUMN - 1].header
_NOTE_FIELD = verification.COLUMNS[verification.NOTE_COLUMN - 1].header


@dataclass(frozen=True)
class Expected:
    """What the caller expects the sheet to be for; None means not checked."""

    school_code: str | None = None
    campaign_id: str | None = None
    # The campaign's pinned rulebook, whose [onsite] words the sheet may use; None: the built-in rulebook
    # the sheet names.
    rulebook: Rulebook | None = None


@dataclass(frozen=True)
class InspectionResult:
    sha256: str  # of the uploaded file, to recognise a sheet uploaded again unchanged
    problems: tuple[Problem, ...] = ()  # errors refuse the sheet; notes accompany an accepted one
    school_code: str = ""
    campaign_id: str = ""
    submission_id: str = ""
    submission_sha256: str = ""  # of the workbook the sheet was exported from
    inspectors: str = ""
    inspected_on: date | None = None
    results: Mapping[str, OnsiteResult] = field(default_factory=dict)  # item id -> result

    @property
    def accepted(self) -> bool:
        return not any(p.is_error for p in self.problems)


@dataclass(frozen=True)
class _Meta:
    facts: Mapping[str, str]
    items: tuple[tuple[str, str], ...]  # (item id, digest of its row's locked cells), in sheet order
    intact: bool  # its own digest matches: no fact or row digest was edited

    def __getitem__(self, key: str) -> str:
        return self.facts.get(key, "")


def read_inspection(data: bytes, expected: Expected | None = None, limits: Limits = Limits()) -> InspectionResult:
    """Read a filled verification sheet; refused (problems with errors, no results) or accepted."""
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        ws, meta, words = _open(data, limits, expected or Expected())
    except Refusal as refusal:
        return InspectionResult(sha256, (refusal.problem,))
    problems = _identity_problems(meta, expected or Expected()) or _integrity_problems(ws, meta)
    if problems:
        return InspectionResult(sha256, tuple(problems))
    inspectors, inspected_on = _signature(ws, len(meta.items), problems)
    results = _results(ws, meta, words, inspectors, inspected_on, problems)
    _check_complete(results, inspectors, len(meta.items), problems)
    accepted = not any(p.is_error for p in problems)
    return InspectionResult(
        sha256,
        tuple(problems),
        meta["school_code"],
        meta["campaign_id"],
        meta["submission_id"],
        meta["submission_sha256"],
        inspectors,
        inspected_on,
        results if accepted else {},
    )


# --- opening and recognising the sheet ------------------------------------------------------------


def _open(data: bytes, limits: Limits, expected: Expected) -> tuple[Worksheet, _Meta, tuple[str, ...]]:
    if sniff(data, limits) is not Format.XLSX:
        raise Refusal("验收核查表须为本系统导出的 .xlsx 文件，请不要另存为其他格式。")
    try:
        wb = load_workbook(io.BytesIO(data))
    except Exception:  # a damaged file reaches us in many shapes; the user needs one message
        raise Refusal("文件无法作为 Excel 工作簿打开（文件可能已损坏），请重新导出核查表填写后上传。") from None
    if verification.SHEET not in wb.sheetnames:
        raise Refusal(f"文件中没有“{verification.SHEET}”工作表。" + NOT_OURS)
    if verification.META_SHEET not in wb.sheetnames:
        raise Refusal(f"文件缺少系统隐藏的校验信息（{verification.META_SHEET}），无法确认核查表的来源。" + NOT_OURS)
    meta = _meta(wb[verification.META_SHEET])
    if meta["format"] != verification.META_FORMAT:
        raise Refusal("核查表的校验信息无法识别（格式不符）。" + NOT_OURS)
    if meta["version"] != verification.META_VERSION:
        raise Refusal(
            "这份核查表由旧版本系统导出，缺少与提交绑定的校验信息。请在看板上重新导出该校的核查表，"
            "把现场核查结论填入新表后上传。"
        )
    _check_provenance(wb[verification.SHEET], meta)
    words = (
        _onsite_words(meta["rulebook_id"]) if expected.rulebook is None else tuple(expected.rulebook.onsite_severity)
    )
    return wb[verification.SHEET], meta, words


def _check_provenance(ws: Worksheet, meta: _Meta) -> None:
    """The metadata is as written, and names the school and submission the printed title block names."""
    printed = _exported_for(ws)
    if not meta.intact:
        raise Refusal(
            f"核查表隐藏的校验信息（{verification.META_SHEET}）被改动，无法确认它属于哪所学校的哪次提交。"
            f"表头写明这份核查表是为{printed} 导出的，只能记入该校；请使用系统导出的原表填写后上传。"
        )
    claimed = f"{meta['school_name']}（{meta['school_code']}）的提交 {meta['submission_id']}"
    if printed != claimed:
        raise Refusal(
            f"核查表隐藏的校验信息与表头不一致：表头写明这份核查表是为{printed} 导出的，"
            f"隐藏信息却写{claimed}。只能记入表头所写的学校；请使用系统导出的原表填写后上传。"
        )


def _exported_for(ws: Worksheet) -> str:
    """The school and submission the sheet's title block names, as printed ("学校：…" less its label)."""
    school, submission = (
        _text(ws.cell(*fact).value).partition("：")[2]
        for fact in (verification.SCHOOL_FACT, verification.SUBMISSION_FACT)
    )
    return f"{school or '（未写明学校）'}的提交 {submission or '（未写明编号）'}"


def _onsite_words(rulebook_id: str) -> tuple[str, ...]:
    """The verdict words the sheet's rulebook allows (its [onsite] table)."""
    try:
        return tuple(load_rulebook(rulebook_id).onsite_severity)
    except RulebookError:
        raise Refusal(f"核查表所依据的规则“{rulebook_id}”在系统中不存在，请导出当前批次的核查表填写。") from None


def _meta(ws: Worksheet) -> _Meta:
    rows = list(ws.iter_rows(min_col=1, max_col=3, values_only=True))
    facts: dict[str, str] = {}
    items: list[tuple[str, str]] = []
    for key, value, *rest in rows:
        if key == verification.META_ITEM:
            items.append((_text(value), _text(rest[0])))
        elif key:
            facts[str(key)] = _text(value)
    return _Meta(facts, tuple(items), intact=facts.get(verification.META_DIGEST) == verification.meta_digest(rows))


def _identity_problems(meta: _Meta, expected: Expected) -> list[Problem]:
    problems = []
    if expected.school_code is not None and meta["school_code"] != expected.school_code:
        problems.append(
            error(
                f"这是{meta['school_name']}（{meta['school_code']}）的验收核查表，不是本校"
                f"（{expected.school_code}）的，请上传本校的核查表。",
                value=meta["school_code"],
            )
        )
    if expected.campaign_id is not None and meta["campaign_id"] != expected.campaign_id:
        problems.append(
            error(
                f"这是验收批次“{meta['campaign_id']}”的核查表，不是当前批次“{expected.campaign_id}”的，"
                "请导出当前批次的核查表填写。",
                value=meta["campaign_id"],
            )
        )
    return problems


def _integrity_problems(ws: Worksheet, meta: _Meta) -> list[Problem]:
    """Rows deleted or reordered, then locked cells changed; either makes the results untrustworthy."""
    order = _order_problems(ws, meta)
    if order:
        return order
    problems = []
    if verification.header_digest(ws) != meta["header_digest"]:
        problems.append(
            error(
                "表头（学校、批次、评分等信息或列标题）被改动，请使用系统导出的原表填写。",
                sheet=verification.SHEET,
                cell=f"A1:{get_column_letter(verification.LAST_COLUMN)}{verification.HEADER_ROW}",
            )
        )
    for index, (item_id, expected_digest) in enumerate(meta.items):
        row = verification.item_row(index)
        if verification.row_digest(ws, row) != expected_digest:
            problems.append(
                error(
                    f"第 {row}–{row + 1} 行（子项 {item_id}）中不可修改的内容（编号、内容、时限、自报情况、佐证材料、"
                    "系统核验结论或现场核查要点）被改动，请使用系统导出的原表，只填写“现场核查结论”和“核查说明”。",
                    sheet=verification.SHEET,
                    cell=f"A{row}:{get_column_letter(verification.LAST_COLUMN)}{row + 1}",
                )
            )
    return problems


def _order_problems(ws: Worksheet, meta: _Meta) -> list[Problem]:
    expected_ids = [item_id for item_id, _ in meta.items]
    anywhere = [
        _text(ws.cell(row, verification.ID_COLUMN).value) for row in range(verification.FIRST_ITEM_ROW, ws.max_row + 1)
    ]
    missing = [item_id for item_id in expected_ids if item_id not in anywhere]
    in_place = anywhere[:: verification.ROWS_PER_ITEM]  # the items' rows; the checklist rows between hold no id
    mismatch = next(
        (
            (verification.item_row(n), want, got)
            for n, (want, got) in enumerate(zip(expected_ids, in_place, strict=False))
            if want != got
        ),
        None,
    )
    if missing:
        message = f"子项 {'、'.join(missing)} 所在的行被删除"
    elif mismatch:
        row, want, got = mismatch
        message = f"子项行的顺序被调换或插入了行（第 {row} 行应为子项 {want}，实为{f'子项 {got}' if got else '空行'}）"
    elif not _signature_in_place(ws, len(expected_ids)):
        message = "表格中插入或删除了行（“核查人”签名栏不在原位置）"
    else:
        return []
    return [error(message + "。请使用系统导出的原表，不要增删或调换行。", sheet=verification.SHEET)]


def _signature_in_place(ws: Worksheet, item_count: int) -> bool:
    label_column, _ = verification.SIGNATURE_CELLS[0]
    return (
        _text(ws.cell(verification.signature_row(item_count), label_column).value)
        == verification.INSPECTORS_LABEL.strip()
    )


# --- the inspectors' cells ------------------------------------------------------------------------


def _results(
    ws: Worksheet,
    meta: _Meta,
    words: tuple[str, ...],
    inspectors: str,
    inspected_on: date | None,
    problems: list[Problem],
) -> dict[str, OnsiteResult]:
    results: dict[str, OnsiteResult] = {}
    for index, (item_id, _) in enumerate(meta.items):
        row = verification.item_row(index)
        word = _text(ws.cell(row, verification.RESULT_COLUMN).value)
        remark = _typed(ws, f"{get_column_letter(verification.NOTE_COLUMN)}{row}", _NOTE_FIELD, problems)
        where = {
            "sheet": verification.SHEET,
            "cell": f"{get_column_letter(verification.RESULT_COLUMN)}{row}",
            "field": _RESULT_FIELD,
        }
        if not word and remark:
            problems.append(note(f"子项 {item_id} 填写了核查说明但未选择现场核查结论，按未核查处理。", **where))
        elif word and word not in words:
            problems.append(
                error(
                    f"子项 {item_id} 的现场核查结论“{word}”无法识别，只能填写：{'、'.join(words)}（未核查的留空）。",
                    value=word,
                    **where,
                )
            )
        elif word:
            results[item_id] = OnsiteResult(item_id, word, remark, inspectors, inspected_on)
    return results


def _check_complete(
    results: Mapping[str, OnsiteResult], inspectors: str, item_count: int, problems: list[Problem]
) -> None:
    if not results and not any(p.is_error for p in problems):
        problems.append(error("核查表中没有任何现场核查结论，请至少填写一项后再上传。", sheet=verification.SHEET))
    if results and not inspectors:
        problems.append(
            error(
                "请在表格下方“核查人”处填写核查人姓名。",
                sheet=verification.SHEET,
                cell=_signature_cell(item_count, 0),
                field="核查人",
            )
        )


def _signature(ws: Worksheet, item_count: int, problems: list[Problem]) -> tuple[str, date | None]:
    inspectors_cell, date_cell = _signature_cell(item_count, 0), _signature_cell(item_count, 2)
    inspectors = _typed(ws, inspectors_cell, "核查人", problems)
    raw_date = ws[date_cell].value
    inspected_on = _as_date(raw_date)
    if raw_date not in (None, "") and inspected_on is None:
        problems.append(
            error(
                f"核查日期“{raw_date}”无法识别，请写成 2020-10-20 这样的日期。",
                sheet=verification.SHEET,
                cell=date_cell,
                field="日期",
                value=str(raw_date),
            )
        )
    elif inspected_on is None:
        problems.append(note("未填写核查日期。", sheet=verification.SHEET, cell=date_cell, field="日期"))
    return inspectors, inspected_on


def _signature_cell(item_count: int, which: int) -> str:
    _, fill_column = verification.SIGNATURE_CELLS[which]
    return f"{get_column_letter(fill_column)}{verification.signature_row(item_count)}"


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE_TEXT.match(str(value or ""))
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _typed(ws: Worksheet, cell: str, field_name: str, problems: list[Problem]) -> str:
    """Text the inspectors typed, without control characters (a 提示 names the cell when some were removed)."""
    text = _text(ws[cell].value)
    if not has_unsafe(text):
        return text
    problems.append(note(STRIPPED.format(header=field_name), sheet=verification.SHEET, cell=cell, field=field_name))
    return strip_unsafe(text).strip()


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()
