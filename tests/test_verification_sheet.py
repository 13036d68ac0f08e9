"""The exported verification sheet: its content, print setup, protection and metadata, and the batch."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import date

import openpyxl
import pytest

from loaders import verification
from loaders.verification_sheet import PackFile, sheet_file_name, verification_batch, verification_sheet
from loaders.xlsx_style import lines_needed
from tests.fixtures.verification import FINDINGS, RULEBOOK, other_school_entry, wust_entry

ITEM_COUNT = len(RULEBOOK.items)
SIGNATURE_ROW = verification.signature_row(ITEM_COUNT)


def export(entry=None) -> openpyxl.Workbook:
    entry = entry or wust_entry()
    data = verification_sheet(entry.context, RULEBOOK, entry.report, entry.assessment)
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def sheet():
    return export()[verification.SHEET]


def item_row(item_id: str) -> int:
    return verification.item_row([item.id for item in RULEBOOK.items].index(item_id))


def row_values(ws, row: int) -> list:
    return [ws.cell(row, column).value for column in range(1, verification.LAST_COLUMN + 1)]


def test_the_table_has_the_specified_columns_and_a_row_and_a_checklist_per_sub_item(sheet):
    assert row_values(sheet, verification.HEADER_ROW) == [
        "编号",
        "内容",
        "完成时限",
        "学校自报状态与日期",
        "佐证材料",
        "系统核验结论",
        "现场核查结论",
        "核查说明",
    ]
    column = [sheet.cell(row, 1).value for row in range(verification.FIRST_ITEM_ROW, verification.item_row(ITEM_COUNT))]
    assert column[::2] == [item.id for item in RULEBOOK.items]
    assert column[1::2] == [None] * ITEM_COUNT  # the checklist rows
    assert ITEM_COUNT == 27
    assert sheet.cell(verification.item_row(ITEM_COUNT), 1).value is None


def test_each_item_is_followed_by_its_on_site_check_points_as_a_checklist(sheet):
    row = item_row("6.2") + 1
    checklist = sheet.cell(row, verification.CHECKLIST_COLUMN).value
    points = RULEBOOK.item("6.2").onsite_points
    assert checklist.splitlines() == [verification.CHECKLIST_TITLE, *(f"□ {p.text}——{p.onsite}" for p in points)]
    assert "□ 学代会选举结果应当向大会公告——" in checklist
    assert "并经同级党委批准" not in checklist  # checked automatically, so not on the checklist
    assert f"B{row}:H{row}" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.cell(row, verification.CHECKLIST_COLUMN).protection.locked
    assert sheet.row_dimensions[row].height >= (len(points) + 1) * 15


def test_every_on_site_point_of_the_rulebook_is_on_the_sheet(sheet):
    for item in RULEBOOK.items:
        checklist = sheet.cell(item_row(item.id) + 1, verification.CHECKLIST_COLUMN).value
        assert all(f"□ {p.text}——{p.onsite}" in checklist for p in item.onsite_points), item.id


def test_an_item_row_shows_the_claim_and_what_the_data_proves(sheet):
    row = row_values(sheet, item_row("3.1"))
    assert row[:5] == [
        "3.1",
        RULEBOOK.item("3.1").content,
        "2020年6月\n（附件）",
        "已完成 2018-12-31",
        "主席团由8人调整至5人，部门由9个调整至5个",
    ]
    assert row[5] == (
        "已完成\n不符合：校研究生会“宣传部”工作人员 9 人，超过上限 6 人\n符合：校学生会主席团 5 人，未超过 5 人"
    )  # worst finding first
    assert row[6:] == [None, None]  # left for the inspectors


def test_ongoing_items_and_undated_claims_read_naturally(sheet):
    assert row_values(sheet, item_row("2.3"))[2:4] == ["全年持续推进\n（附件）", "推进中"]
    assert row_values(sheet, item_row("2.2"))[3] == "已完成"
    assert row_values(sheet, item_row("7.2"))[5] == "已完成\n需关注：61 名工作人员未填写是否在“i志愿”注册"


def test_an_item_the_school_did_not_report_says_so():
    entry = wust_entry()
    report = replace(entry.report, items=tuple(i for i in entry.report.items if i.item_id != "5.3"))
    ws = export(replace(entry, report=report))[verification.SHEET]
    assert row_values(ws, item_row("5.3"))[3:5] == ["未填报", None]


def test_the_deadline_is_the_one_the_item_was_judged_against():
    entry = wust_entry()
    moved = tuple(replace(i, deadline=date(2020, 7, 15)) if i.item_id == "1.1" else i for i in entry.assessment.items)
    ws = export(replace(entry, assessment=replace(entry.assessment, items=moved)))[verification.SHEET]
    assert ws.cell(item_row("1.1"), 3).value == "2020年7月15日\n（验收批次调整）"


def test_the_deadline_names_its_source(sheet):
    assert sheet.cell(item_row("1.1"), 3).value == "2020年6月10日\n（通知正文 三、材料报送）"
    assert sheet.cell(item_row("1.4"), 3).value == "2020年10月15日\n（通知正文 三、材料报送）"
    assert sheet.cell(item_row("1.3"), 3).value == "2020年10月\n（附件）"


def test_the_deadline_date_prints_on_one_line_above_its_source(sheet):
    width = verification.COLUMNS[2].width
    for item in RULEBOOK.items:
        date_line = sheet.cell(item_row(item.id), 3).value.split("\n")[0]
        assert lines_needed(date_line, width) == 1, item.id
    assert lines_needed("2020年12月31日", width) == 1  # the widest date a campaign can move an item to


def test_the_header_names_school_unit_campaign_score_verdict_and_submission(sheet):
    header = " ".join(str(sheet.cell(row, column).value) for row, column in verification.header_cells()[:10])
    for expected in (
        "武汉科技大学（4142010488）",
        "主管单位：省直机关团工委",
        "2020年广东省高校学生会（研究生会）深化改革",
        "数据截至：2020-10-31",
        "系统评分：78.5 分",
        "系统结论：限期整改",
        "提交编号：42",
        "文件校验码：3f2a9c0d1e4b",
        "收到时间：2020-10-12 09:30",
    ):
        assert expected in header
    assert "3f2a9c0d1e4b5" not in header  # the digest is shortened to 12 characters


def test_it_prints_on_a4_landscape_fitted_to_width_with_repeated_headers_and_page_numbers(sheet):
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${verification.HEADER_ROW}:${verification.HEADER_ROW}"
    footer = sheet.oddFooter.center.text
    assert "&P" in footer and "&N" in footer
    assert sheet.print_area == f"'{verification.SHEET}'!$A$1:$H${SIGNATURE_ROW}"


def test_rows_are_tall_enough_for_their_text_and_for_handwriting(sheet):
    heights = {item.id: sheet.row_dimensions[item_row(item.id)].height for item in RULEBOOK.items}
    assert heights["3.1"] > heights["1.1"]  # 3.1 has the longest content and three finding lines
    assert min(heights.values()) >= 3 * 15
    cell = sheet.cell(item_row("3.1"), 2)
    assert cell.alignment.wrap_text and cell.font.name == "等线"


def test_checklist_rows_leave_a_printed_line_of_16_points_per_line_and_grow_with_their_text(sheet):
    width = sum(c.width for c in verification.COLUMNS[verification.CHECKLIST_COLUMN - 1 :])
    heights = {}
    for item in RULEBOOK.items:
        row = item_row(item.id) + 1
        text = sheet.cell(row, verification.CHECKLIST_COLUMN).value
        heights[item.id] = sheet.row_dimensions[row].height
        assert heights[item.id] >= 16 * lines_needed(text, width), item.id  # CJK fonts print ~16 pt a line
    longest = max(RULEBOOK.items, key=lambda item: len(item.onsite_points))
    shortest = min(RULEBOOK.items, key=lambda item: len(item.onsite_points))
    assert heights[longest.id] > heights[shortest.id]


def test_deadline_cells_leave_16_points_per_printed_line(sheet):
    width = verification.COLUMNS[2].width
    for item in RULEBOOK.items:
        row = item_row(item.id)
        assert sheet.row_dimensions[row].height >= 16 * lines_needed(sheet.cell(row, 3).value, width), item.id


def test_only_the_inspector_cells_are_unlocked(sheet):
    assert sheet.protection.sheet
    unlocked = {
        cell.coordinate
        for row in sheet.iter_rows(min_row=1, max_row=SIGNATURE_ROW, max_col=verification.LAST_COLUMN)
        for cell in row
        if not cell.protection.locked
    }
    inspector_cells = {f"{column}{verification.item_row(n)}" for n in range(ITEM_COUNT) for column in "GH"}
    signature = {f"C{SIGNATURE_ROW}", f"D{SIGNATURE_ROW}", f"H{SIGNATURE_ROW}"}  # 核查人 spans C:D
    assert unlocked == inspector_cells | signature


def test_the_signature_line_asks_for_inspectors_school_head_and_date(sheet):
    labels = [sheet.cell(SIGNATURE_ROW, column).value for column in (2, 5, 7)]
    assert labels == ["核查人：", "学校负责人：", "日期："]


def test_the_verdict_dropdown_offers_exactly_the_rulebook_onsite_words(sheet):
    lists = [dv for dv in sheet.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 1
    assert lists[0].formula1 == '"符合,基本符合,不符合"'
    assert str(lists[0].sqref) == " ".join(f"G{verification.item_row(n)}" for n in range(ITEM_COUNT))


def test_the_hidden_meta_identifies_the_sheet_and_lists_the_items_in_order():
    wb = export()
    meta = wb[verification.META_SHEET]
    assert meta.sheet_state == "veryHidden"
    assert wb.security.lockStructure
    rows = list(meta.iter_rows(values_only=True))
    facts = {key: value for key, value, *_ in rows if key != verification.META_ITEM}
    assert facts["school_code"] == "4142010488"
    assert facts["campaign_id"] == "gd-2020"
    assert facts["submission_id"] == "42"
    assert facts["submission_sha256"].startswith("3f2a9c0d1e4b5a69")
    assert facts["as_of"] == "2020-10-31"
    assert [row[1] for row in rows if row[0] == verification.META_ITEM] == [item.id for item in RULEBOOK.items]
    assert all(len(row[2]) == 16 for row in rows if row[0] == verification.META_ITEM)


def test_a_batch_is_a_zip_of_a_folder_per_school_with_its_sheet_and_evidence_and_an_index():
    with_pack = replace(wust_entry(), files=(PackFile("佐证材料/1.2_动员会通知.pdf", b"%PDF-"),))
    entries = [with_pack, other_school_entry(1), other_school_entry(2)]
    archive = zipfile.ZipFile(io.BytesIO(verification_batch(RULEBOOK, entries)))
    names = archive.namelist()
    assert sorted(names) == sorted(
        [
            "4142010488_武汉科技大学/验收核查表.xlsx",
            "4142010488_武汉科技大学/佐证材料/1.2_动员会通知.pdf",
            "4144010501_广东第1测试学院/验收核查表.xlsx",
            "4144010502_广东第2测试学院/验收核查表.xlsx",
            "索引.xlsx",
        ]
    )
    assert archive.read("4142010488_武汉科技大学/佐证材料/1.2_动员会通知.pdf") == b"%PDF-"
    names = [name for name in names if name.endswith(".xlsx")]
    for name in names[:-1]:
        assert (
            openpyxl.load_workbook(io.BytesIO(archive.read(name)))[verification.SHEET]
            .cell(1, 1)
            .value.endswith("验收核查表")
        )
    index = openpyxl.load_workbook(io.BytesIO(archive.read("索引.xlsx"))).active
    rows = list(index.iter_rows(values_only=True))
    assert rows[0] == ("序号", "学校代码", "学校名称", "主管单位", "系统评分", "系统结论", "文件名")
    assert rows[2] == (
        2,
        "4144010501",
        "广东第1测试学院",
        "广州团市委",
        61.0,
        "限期整改",
        "4144010501_广东第1测试学院/验收核查表.xlsx",
    )
    assert len(rows) == 4


def test_file_names_drop_characters_windows_cannot_store():
    entry = wust_entry()
    assert (
        sheet_file_name(replace(entry.context, school_name="华南/理工 大学"))
        == "4142010488_华南理工大学_验收核查表.xlsx"
    )


def test_a_school_listed_twice_in_a_batch_is_a_caller_error():
    with pytest.raises(ValueError, match="4142010488 appears twice"):
        verification_batch(RULEBOOK, [wust_entry(), wust_entry()])


def test_an_early_warning_is_marked_with_its_deadline():
    entry = wust_entry()
    early = replace(FINDINGS["7.2"][0], due=date(2020, 10, 31), early=True)
    items = tuple(replace(i, findings=(early,)) if i.item_id == "7.2" else i for i in entry.assessment.items)
    ws = export(replace(entry, assessment=replace(entry.assessment, items=items)))[verification.SHEET]
    assert ws.cell(item_row("7.2"), 6).value.endswith(
        "需关注：61 名工作人员未填写是否在“i志愿”注册（到期前须整改，期限2020年10月31日）"
    )


def test_the_sheet_lists_each_sub_items_evidence_files_and_the_materials_under_the_signature():
    entry = wust_entry()
    context = replace(
        entry.context,
        evidence=(("1.2", "动员会通知（2020-05-20，3页，PDF）→ 佐证材料/1.2_动员会通知.pdf"),),
        materials=("深化改革推进计划（校团委制定）：逾期报送（2020-06-12）",),
    )
    ws = openpyxl.load_workbook(io.BytesIO(verification_sheet(context, RULEBOOK, entry.report, entry.assessment)))[
        verification.SHEET
    ]
    evidence_column = 1 + [c.header for c in verification.COLUMNS].index("佐证材料")
    item_index = [item.id for item in RULEBOOK.items].index("1.2")
    cell = ws.cell(verification.item_row(item_index), evidence_column).value
    assert cell.endswith("附件：\n· 动员会通知（2020-05-20，3页，PDF）→ 佐证材料/1.2_动员会通知.pdf")
    below = ws.cell(verification.signature_row(len(RULEBOOK.items)) + 1, 1).value
    assert below == "报送材料：深化改革推进计划（校团委制定）：逾期报送（2020-06-12）"
