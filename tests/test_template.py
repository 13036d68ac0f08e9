"""The template schools fill in: its sheets, locks, drop-downs, print setup, and a report written into it."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from checks.campaign import Campaign
from checks.rulebook import Rulebook, load_rulebook
from checks.schema import (
    ItemReport,
    ItemStatus,
    Level,
    Meeting,
    Organisation,
    OrgKind,
    Political,
    SchoolInfo,
    SchoolReport,
    StaffMember,
)
from loaders.layout import GUIDE_SHEET, ITEMS, META_SHEET, TEMPLATE_VERSION, Kind, Sheet, layout
from loaders.template import SPARE_ROWS, build_template, fill_template
from loaders.workbook import read_workbook
from tests.fixtures.wust import wust_report

GUANGDONG = layout(load_rulebook().vocabulary)
DATA_SHEETS = GUANGDONG.sheets
MEETINGS = GUANGDONG.meetings
ORGANISATIONS = GUANGDONG.organisations
SCHOOL = GUANGDONG.school
STAFF = GUANGDONG.staff

MOVED_ITEM, MOVED_TO = "3.1", date(2020, 11, 30)
TABLES = tuple(s for s in DATA_SHEETS if not s.form)


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return load_rulebook()


@pytest.fixture(scope="module")
def campaign(rulebook: Rulebook) -> Campaign:
    return dataclasses.replace(rulebook.campaign, deadline_overrides={MOVED_ITEM: MOVED_TO})


@pytest.fixture(scope="module")
def template(rulebook: Rulebook, campaign: Campaign) -> Workbook:
    return load_workbook(BytesIO(build_template(rulebook, campaign)))


def report() -> SchoolReport:
    return SchoolReport(
        school=SchoolInfo(
            code="4144010561",
            name="岭南示范大学",
            unit="广州团市委",
            school_type="本科",
            undergraduates=25000,
            graduates=4000,
            colleges=("计算机学院", "外国语学院"),
            campuses=2,
            contact_name="李老师",
            contact_phone="020-12345678",
            deputy_secretary="王某",
            staff_increase_reason="分校区较多",
        ),
        items=(
            ItemReport("1.1", ItemStatus.DONE, date(2020, 6, 20), "校团发〔2020〕8号", "已印发"),
            ItemReport("3.1", ItemStatus.IN_PROGRESS, note="部门整合中"),
        ),
        organisations=(
            Organisation(
                "校学生会",
                Level.SCHOOL,
                OrgKind.UNDERGRADUATE,
                students_linked=25000,
                presidium_size=5,
                department_count=6,
                rotating_chair=True,
            ),
            Organisation(
                "计算机学院研究生会", Level.COLLEGE, OrgKind.GRADUATE, college="计算机学院", rotating_chair=False
            ),
        ),
        staff=(
            StaffMember(
                "张三",
                "0201900001",
                "校学生会",
                "执行主席",
                political=Political.PARTY,
                rank_percent=12.5,
                failed_courses=0,
                college_experience=True,
                trained=True,
                zhtj_registered=True,
                ivolunteer_registered=False,
            ),
            StaffMember("李四", "0201900002", "校学生会", "部长", department="宣传部", political=Political.LEAGUE),
        ),
        meetings=(
            Meeting(
                "学生代表大会",
                date(2020, 9, 25),
                "校学生会",
                delegates=300,
                non_cadre_delegates=180,
                colleges_covered=20,
                approved_on=date(2020, 10, 1),
                filed_on=date(2020, 10, 9),
                note="第十次代表大会",
            ),
        ),
    )


@pytest.fixture(scope="module")
def filled(rulebook: Rulebook, campaign: Campaign) -> Workbook:
    return load_workbook(BytesIO(fill_template(report(), rulebook, campaign)))


def header_row(sheet: Worksheet) -> list[object]:
    return [cell.value for cell in sheet[1]]


def column_letter(layout: Sheet, field: str) -> str:
    return get_column_letter([c.field for c in layout.columns].index(field) + 1)


def validation_at(sheet: Worksheet, cell: str):
    found = [dv for dv in sheet.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, f"{sheet.title}!{cell}: expected one validation, found {len(found)}"
    return found[0]


def guide_text(workbook: Workbook) -> str:
    rows = workbook[GUIDE_SHEET].iter_rows(values_only=True)
    return "\n".join(" ".join(str(v) for v in row if v is not None) for row in rows)


# --- sheets and meta -------------------------------------------------------------------------


def test_sheets_come_guide_first_then_the_layout_then_the_hidden_meta(template: Workbook) -> None:
    assert template.sheetnames == [GUIDE_SHEET, *(s.name for s in DATA_SHEETS), META_SHEET]
    assert template.active.title == GUIDE_SHEET


def test_meta_sheet_is_hidden_and_names_version_rulebook_and_campaign(
    template: Workbook, rulebook: Rulebook, campaign: Campaign
) -> None:
    meta_sheet = template[META_SHEET]
    meta = dict(meta_sheet.iter_rows(values_only=True))
    assert meta_sheet.sheet_state in ("hidden", "veryHidden")
    assert meta["template_version"] == TEMPLATE_VERSION
    assert meta["rulebook_id"] == rulebook.id
    assert meta["campaign_id"] == campaign.id
    assert datetime.fromisoformat(meta["generated_at"]).tzinfo is not None


@pytest.mark.parametrize("layout", TABLES, ids=lambda s: s.name)
def test_tables_carry_the_layout_headers_and_widths(template: Workbook, layout: Sheet) -> None:
    sheet = template[layout.name]
    assert header_row(sheet) == [c.header for c in layout.columns]
    for index, column in enumerate(layout.columns, start=1):
        assert sheet.column_dimensions[get_column_letter(index)].width == column.width


def test_school_form_has_one_row_per_field_with_its_hint(template: Workbook) -> None:
    rows = list(template[SCHOOL.name].iter_rows(min_row=2, values_only=True))
    assert [label for label, _, _ in rows] == [c.header for c in SCHOOL.columns]
    for (_, value, hint), column in zip(rows, SCHOOL.columns, strict=False):
        assert value is None
        assert column.hint in (hint or "")
        assert ("必填" in (hint or "")) == column.required


# --- 任务进展 ----------------------------------------------------------------------------------


def test_items_are_prefilled_with_all_27_sub_items_in_rulebook_order(template: Workbook, rulebook: Rulebook) -> None:
    sheet = template[ITEMS.name]
    rows = list(sheet.iter_rows(min_row=2, max_col=4, values_only=True))
    assert len(rows) == len(rulebook.items) == 27
    for (item_id, task, content, _), item in zip(rows, rulebook.items, strict=False):
        assert (item_id, task, content) == (item.id, rulebook.task(item.task_id).name, item.content)


def test_due_column_shows_the_annex_wording_or_the_campaign_override(template: Workbook, rulebook: Rulebook) -> None:
    due = {row[0]: row[3] for row in template[ITEMS.name].iter_rows(min_row=2, values_only=True)}
    assert due[MOVED_ITEM] == "2020年11月30日"
    assert all(due[i.id] == i.due_text for i in rulebook.items if i.id != MOVED_ITEM)
    assert due["2.3"] == "全年持续推进"


def test_items_sheet_is_protected_with_only_the_open_columns_editable(template: Workbook) -> None:
    sheet = template[ITEMS.name]
    assert sheet.protection.sheet
    for row in sheet.iter_rows(min_row=1, max_row=28):
        for cell, column in zip(row, ITEMS.columns, strict=False):
            expect_locked = column.locked or cell.row == 1
            assert cell.protection.locked == expect_locked, cell.coordinate


def test_school_form_locks_labels_and_leaves_values_editable(template: Workbook) -> None:
    sheet = template[SCHOOL.name]
    assert sheet.protection.sheet
    for label, value, hint in sheet.iter_rows(min_row=2, max_row=1 + len(SCHOOL.columns)):
        assert label.protection.locked and hint.protection.locked
        assert not value.protection.locked


# --- data validation -------------------------------------------------------------------------

CLOSED = [(s, c) for s in DATA_SHEETS for c in s.columns if c.kind in (Kind.CHOICE, Kind.BOOL)]


def first_cell(layout: Sheet, field: str) -> str:
    if layout.form:
        return f"B{2 + [c.field for c in layout.columns].index(field)}"
    return f"{column_letter(layout, field)}2"


@pytest.mark.parametrize("layout,column", CLOSED, ids=lambda x: getattr(x, "header", None))
def test_every_closed_list_is_a_dropdown_of_exactly_the_layout_choices(
    template: Workbook, layout: Sheet, column
) -> None:
    rule = validation_at(template[layout.name], first_cell(layout, column.field))
    assert rule.type == "list"
    assert tuple(rule.formula1.strip('"').split(",")) == column.choices
    assert rule.showErrorMessage and rule.error == "请从下拉列表中选择"


def test_roster_checks_reach_far_below_the_header(template: Workbook) -> None:
    sheet = template[STAFF.name]
    for field in ("political", "zhtj_registered", "rank_percent"):
        assert validation_at(sheet, f"{column_letter(STAFF, field)}{1 + SPARE_ROWS}")


def test_items_dropdown_covers_exactly_the_27_rows(template: Workbook) -> None:
    rule = validation_at(template[ITEMS.name], "E2")
    assert str(rule.sqref) == "E2:E28"


def test_dates_integers_and_ranks_are_range_checked(template: Workbook) -> None:
    meetings, staff = template[MEETINGS.name], template[STAFF.name]
    held_on = validation_at(meetings, f"{column_letter(MEETINGS, 'held_on')}2")
    assert (held_on.type, held_on.operator) == ("date", "between")
    assert (int(held_on.formula1), int(held_on.formula2)) == (42005, 49674)  # 2015-01-01, 2035-12-31
    delegates = validation_at(meetings, f"{column_letter(MEETINGS, 'delegates')}2")
    assert (delegates.type, delegates.operator, delegates.formula1) == ("whole", "greaterThanOrEqual", "0")
    rank = validation_at(staff, f"{column_letter(STAFF, 'rank_percent')}2")
    assert (rank.type, rank.formula1, rank.formula2) == ("decimal", "0", "100")


def test_free_text_with_a_hint_gets_an_input_message(template: Workbook) -> None:
    title = STAFF.column("title")
    rule = validation_at(template[STAFF.name], f"{column_letter(STAFF, 'title')}2")
    assert rule.showInputMessage and title.hint in rule.prompt


def test_date_and_code_columns_are_formatted_for_typing(template: Workbook) -> None:
    meetings, staff = template[MEETINGS.name], template[STAFF.name]
    assert meetings.column_dimensions[column_letter(MEETINGS, "held_on")].number_format == "yyyy-mm-dd"
    assert staff.column_dimensions[column_letter(STAFF, "student_no")].number_format == "@"


# --- view and print --------------------------------------------------------------------------


def test_header_rows_are_frozen(template: Workbook) -> None:
    assert template[SCHOOL.name].freeze_panes == "A2"
    assert all(template[s.name].freeze_panes == "B2" for s in TABLES)


@pytest.mark.parametrize("name", [s.name for s in DATA_SHEETS], ids=str)
def test_data_sheets_print_on_a4_fitted_to_width_repeating_the_header(template: Workbook, name: str) -> None:
    sheet = template[name]
    assert str(sheet.page_setup.paperSize) == Worksheet.PAPERSIZE_A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (int(sheet.page_setup.fitToWidth), int(sheet.page_setup.fitToHeight)) == (1, 0)
    assert sheet.print_title_rows == "$1:$1"


def test_wide_sheets_print_landscape(template: Workbook) -> None:
    assert template[ITEMS.name].page_setup.orientation == "landscape"
    assert template[STAFF.name].page_setup.orientation == "landscape"
    assert template[GUIDE_SHEET].page_setup.orientation == "portrait"


# --- 填报说明 ----------------------------------------------------------------------------------


def test_guide_explains_every_sheet_in_its_own_numbered_paragraph(template: Workbook) -> None:
    numbered = {
        row[1] for row in template[GUIDE_SHEET].iter_rows(values_only=True) if str(row[0] or "").rstrip(".").isdigit()
    }
    for sheet in DATA_SHEETS:
        assert any(p.startswith(f"“{sheet.name}”") for p in numbered), sheet.name


def test_guide_names_campaign_deadlines_contact_and_upload_rules(
    template: Workbook, rulebook: Rulebook, campaign: Campaign
) -> None:
    text = guide_text(template)
    assert campaign.name in text and campaign.contact in text
    for submission in rulebook.submissions:
        assert f"{submission.name} {submission.due.year}年{submission.due.month}月{submission.due.day}日" in text
    assert "3.1 坚持精简原则 2020年11月30日" in text
    assert "1.1 明确职能定位 2020年6月" in text
    assert "“错误”的文件不予接收" in text and "“提示”不影响上传" in text


def test_guide_gives_each_deadline_with_its_source(template: Workbook, rulebook: Rulebook) -> None:
    rows = {row[0]: row[1:4] for row in template[GUIDE_SHEET].iter_rows(values_only=True)}
    assert rows["编号"] == ("任务", "完成时限", "时限来源")
    assert rows["1.1"] == ("明确职能定位", "2020年6月10日", "通知正文 三、材料报送")
    assert rows["1.4"] == ("明确职能定位", "2020年10月15日", "通知正文 三、材料报送")
    assert rows["1.2"] == ("明确职能定位", "2020年6月", "附件")
    assert rows[MOVED_ITEM] == ("坚持精简原则", "2020年11月30日", "验收批次调整")
    assert rows["9.2"] == ("落实党委全面领导", "2020年10月", "附件")  # shares 9.1's
    assert all(rows[item.id][2] for item in rulebook.items)


# --- fill_template ---------------------------------------------------------------------------


def as_date(value: object) -> date:
    assert isinstance(value, datetime), f"expected a real date, got {value!r}"
    return value.date()


def test_fill_writes_the_school_form_values(filled: Workbook) -> None:
    values = {label: value for label, value, _ in filled[SCHOOL.name].iter_rows(min_row=2, values_only=True)}
    school = report().school
    assert values["学校名称"] == school.name
    assert values["学校标识码"] == "4144010561"
    assert values["学院（系）名单"] == "计算机学院、外国语学院"
    assert values["本专科在校生人数"] == 25000
    assert values["指导学生会的校团委专职副书记"] == "王某"
    assert values["校级工作人员超过40人的原因"] == "分校区较多"


@pytest.mark.parametrize("written, read", [("分校区较多", "分校区较多"), (None, "")])
def test_the_declared_reason_for_more_staff_is_read_back(
    rulebook: Rulebook, campaign: Campaign, written: str | None, read: str
) -> None:
    complete = wust_report()  # a report that loads without errors
    school = dataclasses.replace(complete.school, staff_increase_reason=written or "")
    data = fill_template(dataclasses.replace(complete, school=school), rulebook, campaign)
    result = read_workbook(data, "武汉科技大学.xlsx", rulebook, today=date(2020, 10, 31))
    assert result.report is not None and result.report.school.staff_increase_reason == read


def test_a_reason_the_notice_does_not_give_is_refused_with_its_cell(rulebook: Rulebook, campaign: Campaign) -> None:
    workbook = load_workbook(BytesIO(fill_template(report(), rulebook, campaign)))
    sheet = workbook[SCHOOL.name]
    [row] = [r for r in sheet.iter_rows(min_row=2) if r[0].value == "校级工作人员超过40人的原因"]
    row[1].value = "学生会活动多"
    out = BytesIO()
    workbook.save(out)
    result = read_workbook(out.getvalue(), "岭南示范大学.xlsx", rulebook, today=date(2020, 10, 31))
    [problem] = [p for p in result.problems if p.field == "校级工作人员超过40人的原因"]
    assert problem.cell == row[1].coordinate and "学生会活动多" in str(problem.value)


def test_fill_writes_item_status_next_to_the_prefilled_items(filled: Workbook) -> None:
    rows = {row[0]: row for row in filled[ITEMS.name].iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 27
    _, _, _, _, status, completed_on, evidence, note = rows["1.1"]
    assert (status, as_date(completed_on), evidence, note) == (
        "已完成",
        date(2020, 6, 20),
        "校团发〔2020〕8号",
        "已印发",
    )
    assert rows["3.1"][4:] == ("推进中", None, None, "部门整合中")
    assert rows["3.1"][3] == "2020年11月30日"
    assert rows["2.1"][4:] == (None, None, None, None)


def test_fill_writes_organisations_with_enums_and_yes_no(filled: Workbook) -> None:
    rows = list(filled[ORGANISATIONS.name].iter_rows(min_row=2, values_only=True))
    assert rows == [
        ("校学生会", "校级", "学生会", None, 25000, 5, 6, "是"),
        ("计算机学院研究生会", "院级", "研究生会", "计算机学院", None, None, None, "否"),
    ]


def test_fill_writes_the_roster_row_by_row(filled: Workbook) -> None:
    sheet = filled[STAFF.name]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows == [
        ("张三", "0201900001", "校学生会", "执行主席", None, "中共党员", 12.5, 0, "是", "是", "是", "否"),
        ("李四", "0201900002", "校学生会", "部长", "宣传部", "共青团员", None, None, None, None, None, None),
    ]
    assert sheet["B2"].data_type == "s" and sheet["B2"].number_format == "@"


def test_fill_writes_meetings_with_real_dates(filled: Workbook) -> None:
    sheet = filled[MEETINGS.name]
    (row,) = sheet.iter_rows(min_row=2, values_only=True)
    kind, held_on, organisation, delegates, non_cadre, colleges, approved_on, filed_on, note = row
    assert (kind, organisation, delegates, non_cadre, colleges, note) == (
        "学生代表大会",
        "校学生会",
        300,
        180,
        20,
        "第十次代表大会",
    )
    assert [as_date(d) for d in (held_on, approved_on, filed_on)] == [
        date(2020, 9, 25),
        date(2020, 10, 1),
        date(2020, 10, 9),
    ]
    assert sheet["B2"].number_format == "yyyy-mm-dd"


def test_fill_keeps_checks_below_a_roster_longer_than_the_spare_rows(rulebook: Rulebook, campaign: Campaign) -> None:
    member = report().staff[0]
    long = dataclasses.replace(report(), staff=(member,) * (SPARE_ROWS + 10))
    sheet = load_workbook(BytesIO(fill_template(long, rulebook, campaign)))[STAFF.name]
    last = 1 + len(long.staff)
    assert sheet[f"A{last}"].value == member.name
    assert validation_at(sheet, f"{column_letter(STAFF, 'political')}{last + SPARE_ROWS}")
