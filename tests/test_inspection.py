"""Reading back the verification sheets the inspectors filled in: results, and every refusal."""

from __future__ import annotations

import hashlib
import io
from datetime import date, datetime

import openpyxl
import pytest

from checks.results import OnsiteResult
from loaders import verification
from loaders.inspection import Expected, InspectionResult, read_inspection
from loaders.verification_sheet import verification_sheet
from tests.fixtures.verification import RULEBOOK, wust_entry

EXPECTED = Expected(school_code="4142010488", campaign_id="gd-2020")
IDS = [item.id for item in RULEBOOK.items]
SIGNATURE_ROW = verification.signature_row(len(IDS))


@pytest.fixture(scope="module")
def exported() -> bytes:
    entry = wust_entry()
    return verification_sheet(entry.context, RULEBOOK, entry.report, entry.assessment)


def row_of(item_id: str) -> int:
    return verification.item_row(IDS.index(item_id))


def filled(
    exported: bytes,
    results: dict[str, tuple[str, str]],
    inspectors: object = "张伟、李娜",
    inspected_on: object = datetime(2020, 10, 20),
    edit=None,
) -> bytes:
    """The exported sheet with inspector cells written as an inspector would, then `edit` applied."""
    wb = openpyxl.load_workbook(io.BytesIO(exported))
    ws = wb[verification.SHEET]
    for item_id, (word, remark) in results.items():
        ws[f"G{row_of(item_id)}"], ws[f"H{row_of(item_id)}"] = word, remark
    ws[f"C{SIGNATURE_ROW}"], ws[f"H{SIGNATURE_ROW}"] = inspectors, inspected_on
    if edit:
        edit(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def refused(result: InspectionResult) -> list[str]:
    assert not result.accepted
    assert result.results == {}
    return [p.message for p in result.problems if p.is_error]


def test_what_the_inspectors_wrote_comes_back_as_onsite_results(exported):
    data = filled(
        exported, {"1.1": ("符合", "计划文本已核对"), "3.1": ("不符合", "研究生会宣传部 9 人"), "7.2": ("基本符合", "")}
    )
    result = read_inspection(data, EXPECTED)
    assert result.accepted and result.problems == ()
    assert (result.school_code, result.campaign_id, result.submission_id) == ("4142010488", "gd-2020", "42")
    assert (result.inspectors, result.inspected_on) == ("张伟、李娜", date(2020, 10, 20))
    assert result.results == {
        "1.1": OnsiteResult("1.1", "符合", "计划文本已核对", "张伟、李娜", date(2020, 10, 20)),
        "3.1": OnsiteResult("3.1", "不符合", "研究生会宣传部 9 人", "张伟、李娜", date(2020, 10, 20)),
        "7.2": OnsiteResult("7.2", "基本符合", "", "张伟、李娜", date(2020, 10, 20)),
    }
    assert result.sha256 == hashlib.sha256(data).hexdigest()


def test_the_expected_school_and_campaign_are_optional(exported):
    assert read_inspection(filled(exported, {"1.1": ("符合", "")})).accepted


def test_a_date_typed_as_text_is_understood(exported):
    data = filled(exported, {"1.1": ("符合", "")}, inspected_on="2020年10月21日")
    assert read_inspection(data, EXPECTED).inspected_on == date(2020, 10, 21)


def test_a_note_without_a_verdict_is_not_an_inspection_and_says_so(exported):
    result = read_inspection(filled(exported, {"1.1": ("符合", ""), "1.2": ("", "材料待补")}), EXPECTED)
    assert result.accepted and set(result.results) == {"1.1"}
    (problem,) = result.problems
    assert (problem.where, problem.is_error) == (f"{verification.SHEET}!G{row_of('1.2')}", False)
    assert "未选择现场核查结论" in problem.message


def test_a_missing_date_is_noted_but_accepted(exported):
    result = read_inspection(filled(exported, {"1.1": ("符合", "")}, inspected_on=None), EXPECTED)
    assert result.accepted and result.inspected_on is None
    assert [p.message for p in result.problems] == ["未填写核查日期。"]


def test_a_sheet_of_another_school_is_refused(exported):
    result = read_inspection(filled(exported, {"1.1": ("符合", "")}), Expected(school_code="4144010561"))
    assert refused(result) == [
        "这是武汉科技大学（4142010488）的验收核查表，不是本校（4144010561）的，请上传本校的核查表。"
    ]


def test_a_sheet_of_another_campaign_is_refused(exported):
    result = read_inspection(filled(exported, {"1.1": ("符合", "")}), Expected(campaign_id="gd-2021"))
    assert refused(result) == ["这是验收批次“gd-2020”的核查表，不是当前批次“gd-2021”的，请导出当前批次的核查表填写。"]


def test_a_changed_locked_cell_is_refused_naming_its_row(exported):
    def soften_finding(wb):
        wb[verification.SHEET][f"F{row_of('3.1')}"] = "已完成"

    (message,) = refused(read_inspection(filled(exported, {"1.1": ("符合", "")}, edit=soften_finding), EXPECTED))
    assert message.startswith(f"第 {row_of('3.1')}–{row_of('3.1') + 1} 行（子项 3.1）中不可修改的内容")


def test_a_shortened_checklist_is_refused_naming_its_item(exported):
    def drop_a_point(wb):
        cell = wb[verification.SHEET].cell(row_of("6.2") + 1, verification.CHECKLIST_COLUMN)
        cell.value = "\n".join(line for line in cell.value.splitlines() if "向大会公告" not in line)

    (message,) = refused(read_inspection(filled(exported, {"1.1": ("符合", "")}, edit=drop_a_point), EXPECTED))
    assert message.startswith(f"第 {row_of('6.2')}–{row_of('6.2') + 1} 行（子项 6.2）中不可修改的内容")
    assert "现场核查要点" in message


def test_a_deleted_checklist_row_is_refused(exported):
    def delete_checklist(wb):
        wb[verification.SHEET].delete_rows(row_of("3.2") + 1)

    (message,) = refused(read_inspection(filled(exported, {"1.1": ("符合", "")}, edit=delete_checklist), EXPECTED))
    assert "子项行的顺序被调换或插入了行" in message


def test_a_changed_header_is_refused(exported):
    def raise_score(wb):
        wb[verification.SHEET]["C3"] = "系统评分：95.0 分"

    (message,) = refused(read_inspection(filled(exported, {"1.1": ("符合", "")}, edit=raise_score), EXPECTED))
    assert message.startswith("表头")


def test_a_deleted_item_row_is_refused(exported):
    def delete_3_2(wb):
        wb[verification.SHEET].delete_rows(row_of("3.2"))

    (message,) = refused(read_inspection(filled(exported, {"1.1": ("符合", "")}, edit=delete_3_2), EXPECTED))
    assert message.startswith("子项 3.2 所在的行被删除")


def test_reordered_item_rows_are_refused(exported):
    def swap_first_two(wb):
        ws = wb[verification.SHEET]
        first, second = row_of("1.1"), row_of("1.2")
        for column in range(1, verification.LAST_COLUMN + 1):
            a, b = ws.cell(first, column), ws.cell(second, column)
            a.value, b.value = b.value, a.value

    (message,) = refused(read_inspection(filled(exported, {"1.1": ("符合", "")}, edit=swap_first_two), EXPECTED))
    assert f"第 {row_of('1.1')} 行应为子项 1.1，实为子项 1.2" in message


def test_an_inserted_row_is_refused(exported):
    def insert_row(wb):
        wb[verification.SHEET].insert_rows(row_of("5.1"))

    (message,) = refused(read_inspection(filled(exported, {"1.1": ("符合", "")}, edit=insert_row), EXPECTED))
    assert f"第 {row_of('5.1')} 行应为子项 5.1，实为空行" in message


def test_an_unknown_verdict_word_is_refused_naming_the_cell_and_the_allowed_words(exported):
    result = read_inspection(filled(exported, {"1.1": ("符合", ""), "4.1": ("合格", "")}), EXPECTED)
    (problem,) = [p for p in result.problems if p.is_error]
    assert problem.where == f"{verification.SHEET}!G{row_of('4.1')}"
    assert problem.value == "合格"
    assert (
        problem.message == "子项 4.1 的现场核查结论“合格”无法识别，只能填写：符合、基本符合、不符合（未核查的留空）。"
    )
    assert result.results == {}


def test_results_without_an_inspector_name_are_refused(exported):
    result = read_inspection(filled(exported, {"1.1": ("符合", "")}, inspectors=None), EXPECTED)
    (problem,) = refused_problems(result)
    assert (problem.where, problem.message) == (
        f"{verification.SHEET}!C{SIGNATURE_ROW}",
        "请在表格下方“核查人”处填写核查人姓名。",
    )


def test_an_unreadable_date_is_refused(exported):
    result = read_inspection(filled(exported, {"1.1": ("符合", "")}, inspected_on="十月二十日"), EXPECTED)
    (problem,) = refused_problems(result)
    assert problem.where == f"{verification.SHEET}!H{SIGNATURE_ROW}"
    assert "核查日期“十月二十日”无法识别" in problem.message


def test_a_sheet_with_nothing_filled_in_is_refused(exported):
    assert refused(read_inspection(exported, EXPECTED)) == ["核查表中没有任何现场核查结论，请至少填写一项后再上传。"]


def test_a_sheet_without_its_hidden_meta_is_refused(exported):
    def drop_meta(wb):
        del wb[verification.META_SHEET]

    (message,) = refused(read_inspection(filled(exported, {"1.1": ("符合", "")}, edit=drop_meta), EXPECTED))
    assert message.startswith("文件缺少系统隐藏的校验信息（_meta）")


def test_a_workbook_that_is_not_a_verification_sheet_is_refused():
    wb = openpyxl.Workbook()
    wb.active.title = "任务进展"
    buffer = io.BytesIO()
    wb.save(buffer)
    (message,) = refused(read_inspection(buffer.getvalue(), EXPECTED))
    assert message.startswith("文件中没有“验收核查表”工作表。这不是本系统导出的验收核查表")


@pytest.mark.parametrize("data", [b"not a workbook at all", b"PK\x03\x04 broken zip", b""])
def test_bytes_that_are_not_a_workbook_are_refused_without_a_traceback(data):
    result = read_inspection(data, EXPECTED)
    (message,) = refused(result)
    assert message  # a Chinese sentence from the upload sniffer
    assert result.sha256 == hashlib.sha256(data).hexdigest()


def refused_problems(result: InspectionResult):
    assert not result.accepted and result.results == {}
    return [p for p in result.problems if p.is_error]
