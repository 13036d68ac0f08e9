"""The reader turns "the template, filled in" — as a reasonable person fills it — into the report,
and names every cell that needs fixing, in one pass."""

import dataclasses
import io
import re
import zipfile
from datetime import date, time
from pathlib import Path

import pytest
from openpyxl.workbook import Workbook

from checks.rulebook import load_rulebook
from checks.schema import Political
from loaders.layout import META_SHEET, layout
from loaders.limits import Limits
from loaders.problems import Problem, ProblemSeverity
from loaders.workbook import LoadResult, read_workbook
from tests.fixtures.workbooks import TODAY, filled, filled_with, rulebook, without_meta, workbook_bytes
from tests.fixtures.wust import wust_report

GUANGDONG = layout(load_rulebook().vocabulary)
STAFF = GUANGDONG.staff

DATA = Path(__file__).parent / "data"
ERROR, NOTE = ProblemSeverity.ERROR, ProblemSeverity.NOTE


def read(data: bytes, limits: Limits = Limits()) -> LoadResult:
    return read_workbook(data, "学校.xlsx", rulebook(), today=TODAY, limits=limits)


def at(result: LoadResult, where: str) -> Problem:
    [problem] = [p for p in result.problems if p.where == where]
    return problem


def errors(result: LoadResult) -> list[Problem]:
    return [p for p in result.problems if p.severity is ERROR]


def unsourced(records):
    return [dataclasses.replace(r, source="") for r in records]


def edit_staff(edit):
    return filled_with(lambda wb: edit(wb[STAFF.name]))


# --- the template as written reads back ---------------------------------------------------------


def test_the_filled_template_reads_back_as_the_report_it_was_filled_from():
    expected = wust_report()
    result = read(filled())
    assert result.template_version == "1"
    assert errors(result) == []
    report = result.report
    assert unsourced([report.school]) == unsourced([expected.school])
    for records in ("items", "organisations", "staff", "meetings"):
        assert unsourced(getattr(report, records)) == unsourced(getattr(expected, records)), records


def test_records_name_the_row_they_came_from():
    report = read(filled()).report
    assert report.staff[0].source == "工作人员名单!A2"
    assert report.item("1.1").source == "任务进展!A2"


@pytest.mark.parametrize("path", [DATA / "wust_small.xls", DATA / "wust_small.ods"], ids=["xls", "ods"])
def test_xls_and_ods_saves_of_the_template_are_read(path):
    result = read(path.read_bytes())
    assert errors(result) == [] and result.template_version == "1"
    assert len(result.report.staff) == 6 and result.report.school.code == "4142010488"


# --- tolerance ----------------------------------------------------------------------------------


def test_title_rows_above_the_header_shift_the_cells_problems_name():
    def titled(sheet):
        sheet.insert_rows(1, 2)
        sheet["A1"] = "武汉科技大学学生会工作人员名单"
        sheet["F4"] = None  # 政治面貌 of the first person, now on row 4

    result = read(edit_staff(titled))
    assert at(result, "工作人员名单!F4").field == "政治面貌"
    assert len(errors(result)) == 1


def test_columns_in_any_order():
    def reversed_columns(sheet):
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(reversed(row), start=1):
                sheet.cell(r, c).value = value

    report = read(edit_staff(reversed_columns)).report
    assert unsourced(report.staff) == unsourced(wust_report().staff)


def test_headers_written_with_synonyms_spaces_line_breaks_and_other_brackets():
    renamed = {
        "姓名": "学生姓名",
        "学号": "学 号",
        "所在组织": "所属组织",
        "政治面貌": "政治\n面貌",
        "成绩排名（前百分之）": "成绩排名(前百分之)",
        "不及格课程数": "挂科数",
        "是否有学院（系）学生会任职经历": "是否有学院(系)学生会任职经历",
        "职务": "*职务",
    }

    def rename(sheet):
        for cell in sheet[1]:
            cell.value = renamed.get(cell.value, cell.value)

    result = read(edit_staff(rename))
    assert [p for p in result.problems if p.sheet == STAFF.name] == []
    assert unsourced(result.report.staff) == unsourced(wust_report().staff)


def test_a_merged_organisation_cell_applies_to_every_row_it_covers():
    def merge(sheet):
        for row in range(3, 23):
            sheet.cell(row, 3).value = None
        sheet.merge_cells("C2:C22")

    report = read(edit_staff(merge)).report
    assert [s.organisation for s in report.staff[:21]] == ["校学生会"] * 21


def test_blank_rows_are_skipped():
    report = read(edit_staff(lambda sheet: sheet.insert_rows(5, 3))).report
    assert len(report.staff) == 61
    assert report.staff[3].source == "工作人员名单!A8"


def test_a_sheet_with_its_header_only_has_no_records():
    # A school that has held no meeting yet keeps the 会议记录 sheet as downloaded.
    def header_only(wb):
        sheet = wb[GUANGDONG.meetings.name]
        sheet.delete_rows(2, sheet.max_row)

    result = read(filled_with(header_only))
    assert errors(result) == []
    assert result.report.meetings == ()


def test_a_note_under_the_table_ends_it_silently():
    def note(sheet):
        sheet.cell(sheet.max_row + 2, 1, "注：职务请按实际填写。")

    result = read(edit_staff(note))
    assert len(result.report.staff) == 61
    assert [p for p in result.problems if p.sheet == STAFF.name] == []


def test_rows_after_a_note_are_ignored_with_a_note():
    def note_then_more(sheet):
        last = sheet.max_row
        sheet.cell(last + 1, 1, "说明：以下为往届名单")
        sheet.cell(last + 2, 1, "赵六")

    result = read(edit_staff(note_then_more))
    assert len(result.report.staff) == 61
    assert at(result, "工作人员名单!A63").severity is NOTE


def test_a_summary_row_is_ignored_with_a_note():
    result = read(edit_staff(lambda sheet: sheet.append(["合计", None, None, "61人"])))
    assert len(result.report.staff) == 61
    assert "合计" in at(result, "工作人员名单!A63").message


@pytest.mark.parametrize("written", ["  合计", "\u3000小计：", "\u2f29计", "总计（人）"])
def test_a_summary_row_written_with_blanks_or_compatibility_characters_is_still_one(written):
    """⼩ (U+2F29, the Kangxi radical) is 小 once normalised, as a pasted summary row may have it."""
    result = read(edit_staff(lambda sheet: sheet.append([written, None, None, "61人"])))
    assert len(result.report.staff) == 61
    assert "合计/小计行" in at(result, "工作人员名单!A63").message


def test_an_extra_column_is_ignored_with_a_note_naming_it():
    def extra(sheet):
        sheet["M1"] = "宿舍号"
        sheet["M2"] = "3栋201"

    result = read(edit_staff(extra))
    problem = at(result, "工作人员名单!M1")
    assert problem.severity is NOTE and "宿舍号" in problem.message
    assert result.report is not None


@pytest.mark.parametrize("written", ["2020年6月30日", "2020/6/30", "2020.06", "2020年6月", "2020-6", 44012])
def test_completion_dates_in_the_ways_people_write_them(written):
    data = filled_with(lambda wb: wb["任务进展"].__setitem__("F2", written))
    assert read(data).report.item("1.1").completed_on == date(2020, 6, 30)


def test_a_time_of_day_where_a_date_belongs_is_shown_as_typed():
    result = read(filled_with(lambda wb: wb["任务进展"].__setitem__("F2", time(9, 30))))
    [problem] = [p for p in errors(result) if p.where == "任务进展!F2"]
    assert problem.value == "09:30:00" and "应为日期" in problem.message and result.report is None


def test_yes_no_ranks_and_political_status_as_people_write_them():
    def variants(sheet):
        sheet["F2"], sheet["G2"], sheet["I2"], sheet["J2"], sheet["K2"], sheet["L2"] = (
            "党员",
            "前 25 %",
            "√",
            "N",
            "有",
            "TRUE",
        )
        sheet["G3"], sheet["H3"] = 0.25, "０"

    staff = read(edit_staff(variants)).report.staff
    first, second = staff[0], staff[1]
    assert first.political is Political.PARTY and first.rank_percent == 25
    assert (first.college_experience, first.trained, first.zhtj_registered, first.ivolunteer_registered) == (
        True,
        False,
        True,
        True,
    )
    assert second.rank_percent == pytest.approx(25) and second.failed_courses == 0


def test_equal_values_of_different_types_in_one_column_are_each_judged():
    # 1 == True in Python: a cell read once per distinct value must still tell them apart, and a bad
    # value repeated on two rows is named at both cells.
    def counts(sheet):
        sheet["H2"], sheet["H3"], sheet["H4"] = 1, True, True

    result = read(edit_staff(counts))
    bad = {p.where for p in errors(result)}
    assert {"工作人员名单!H3", "工作人员名单!H4"} <= bad and "工作人员名单!H2" not in bad


def test_numbers_stored_as_text_with_full_width_digits():
    data = filled_with(lambda wb: wb["组织架构"].__setitem__("E2", "１２００"))
    assert read(data).report.organisations[0].students_linked == 1200


def test_the_school_form_is_read_by_its_labels_wherever_they_are():
    def rearranged(wb):
        sheet = wb["学校信息"]
        sheet.insert_rows(1)
        sheet["A1"] = "学校基本信息"
        sheet["A4"] = "学校代码"  # a synonym
        sheet["B4"] = 4142010488  # typed as a number

    school = read(filled_with(rearranged)).report.school
    assert school.code == "4142010488" and school.name == "武汉科技大学"


def test_a_file_without_template_version_is_read_as_the_current_version_with_a_note():
    result = read(filled_with(without_meta))
    assert result.template_version == "1" and result.report is not None
    assert any(p.severity is NOTE and "模板版本" in p.message for p in result.problems)


def test_version_0_single_registration_column_is_adapted_to_the_two_current_columns():
    def version_0(wb):
        wb[META_SHEET]["B1"] = "0"
        sheet = wb[STAFF.name]
        sheet["K1"] = "是否已注册（智慧团建/i志愿）"
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row, 11, "是")
        sheet["K3"] = "不清楚"
        sheet.delete_cols(12)

    result = read(filled_with(version_0))
    assert result.template_version == "0"
    assert any("旧版模板" in p.message for p in result.problems)
    problem = at(result, "工作人员名单!K3")  # both derived fields point at the one old cell
    assert problem.value == "不清楚"
    fixed = read(filled_with(lambda wb: (version_0(wb), wb[STAFF.name].__setitem__("K3", "是"))))
    assert all(s.zhtj_registered and s.ivolunteer_registered for s in fixed.report.staff)


def test_an_unknown_template_version_is_an_error():
    result = read(filled_with(lambda wb: wb[META_SHEET].__setitem__("B1", "9")))
    assert result.report is None and "无法识别的模板版本" in errors(result)[0].message


# --- problems, cell by cell ---------------------------------------------------------------------


def test_a_missing_sheet_is_named():
    result = read(filled_with(lambda wb: wb.remove(wb["会议记录"])))
    assert result.report is None
    assert [p.sheet for p in errors(result)] == ["会议记录"]


def test_a_missing_required_column_is_named_with_its_sheet():
    result = read(edit_staff(lambda sheet: sheet.delete_cols(2)))
    [problem] = errors(result)
    assert (problem.sheet, problem.field, problem.cell) == ("工作人员名单", "学号", "")


def test_an_empty_required_value_names_its_cell():
    result = read(edit_staff(lambda sheet: sheet.__setitem__("A10", None)))
    assert at(result, "工作人员名单!A10").field == "姓名"


def test_a_formula_without_a_cached_result_is_named_at_its_cell():
    # openpyxl writes formulas without cached results, as programs that generate workbooks do.
    result = read(edit_staff(lambda sheet: sheet.__setitem__("B10", "=1/0")))
    problems = [p for p in result.problems if p.where == "工作人员名单!B10"]
    assert all(p.severity is ERROR for p in problems)
    assert any("公式" in p.message and "计算结果" in p.message for p in problems)
    assert result.report is None


def test_a_formula_with_its_cached_result_is_read_as_that_value():
    def with_cached_formula(data: bytes) -> bytes:
        """The same workbook as Excel would save it: the formula and its computed value."""
        source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for entry in source.infolist():
                body = source.read(entry)
                if b"<f>" in body:
                    body = re.sub(
                        rb'<c r="B10"([^>]*)><f>([^<]*)</f>(<v></v>|<v ?/>)?',
                        rb'<c r="B10"\1 t="str"><f>\2</f><v>29990001</v>',
                        body,
                    )
                target.writestr(entry, body)
        return out.getvalue()

    data = with_cached_formula(edit_staff(lambda sheet: sheet.__setitem__("B10", '="29990001"')))
    result = read(data)
    assert not [p for p in result.problems if p.where == "工作人员名单!B10"]


def test_a_date_that_is_not_a_date():
    data = filled_with(lambda wb: wb["会议记录"].__setitem__("B2", "去年九月"))
    problem = at(read(data), "会议记录!B2")
    assert problem.value == "去年九月" and "2020-06-30" in problem.message


def test_a_word_outside_a_closed_list_lists_the_allowed_words():
    problem = at(read(edit_staff(lambda sheet: sheet.__setitem__("F5", "无党派"))), "工作人员名单!F5")
    assert "中共党员、中共预备党员、共青团员、群众、其他" in problem.message


def test_a_duplicated_student_number_names_the_first_occurrence():
    result = read(edit_staff(lambda sheet: sheet.__setitem__("B5", sheet["B2"].value)))
    assert "工作人员名单!B5" in [p.where for p in errors(result)]
    assert "B2" in at(result, "工作人员名单!B5").message


def test_task_items_must_each_be_present_once():
    def items(wb):
        sheet = wb["任务进展"]
        sheet["A3"] = "1.1"  # duplicates 1.1, loses 1.2
        sheet["A4"] = "11.1"  # unknown, loses 1.3

    result = read(filled_with(items))
    assert "重复" in at(result, "任务进展!A3").message
    assert "11.1" in at(result, "任务进展!A4").message
    missing = at(result, "任务进展")
    assert "1.2、1.3" in missing.message


def test_a_school_code_must_be_ten_digits():
    result = read(filled_with(lambda wb: wb["学校信息"].__setitem__("B3", "41420104")))
    assert "10 位" in at(result, "学校信息!B3").message


def test_every_problem_of_a_file_is_reported_in_one_pass():
    def many(wb):
        wb["学校信息"]["B2"] = None
        wb["任务进展"]["E5"] = "差不多"
        wb[STAFF.name]["F7"] = "无党派"
        wb["会议记录"]["B3"] = "某天"

    result = read(filled_with(many))
    assert {p.where for p in errors(result)} == {"学校信息!B2", "任务进展!E5", "工作人员名单!F7", "会议记录!B3"}


def test_problems_beyond_the_limit_are_counted_not_listed():
    result = read(
        filled_with(lambda wb: [wb[STAFF.name].cell(r, 6, "?") for r in range(2, 62)]), Limits(max_problems=10)
    )
    assert len(result.problems) == 10 and result.more_problems >= 50


# --- across sheets ------------------------------------------------------------------------------


def test_a_roster_organisation_missing_from_the_organisation_sheet():
    result = read(edit_staff(lambda sheet: sheet.__setitem__("C4", "校学生联合会")))
    assert "组织架构" in at(result, "工作人员名单!C4").message


def test_organisation_names_differing_only_by_spaces_are_the_same_organisation():
    report = read(edit_staff(lambda sheet: sheet.__setitem__("C4", "校 学生会 "))).report
    assert report.staff[2].organisation == "校学生会"


def test_a_declared_presidium_size_disagreeing_with_the_roster_names_both_figures():
    result = read(filled_with(lambda wb: wb["组织架构"].__setitem__("F2", 7)))
    problem = at(result, "组织架构!F2")
    assert problem.severity is NOTE and "7" in problem.message and "5" in problem.message


def test_a_completion_date_after_today_is_an_error():
    result = read(filled_with(lambda wb: wb["任务进展"].__setitem__("F2", "2020-12-01")))
    assert at(result, "任务进展!F2").severity is ERROR


def test_done_without_a_completion_date_is_a_note_saying_why():
    result = read(filled_with(lambda wb: wb["任务进展"].__setitem__("F2", None)))
    problem = at(result, "任务进展!F2")
    assert problem.severity is NOTE and "无法核验" in problem.message
    assert result.report is not None


def test_a_meeting_naming_an_unknown_organisation():
    result = read(filled_with(lambda wb: wb["会议记录"].__setitem__("C2", "计算机学院学生会")))
    assert at(result, "会议记录!C2").severity is ERROR


def test_sheet_names_with_stray_spaces_are_found():
    def rename(wb: Workbook):
        wb["会议记录"].title = " 会议记录 "

    assert read(filled_with(rename)).report is not None


def test_a_sheet_without_any_recognisable_header():
    data = workbook_bytes(
        {
            "学校信息": [["学校名称", "某大学"]],
            "任务进展": [["甲", "乙"]],
            "组织架构": [],
            "工作人员名单": [],
            "会议记录": [],
        }
    )
    result = read(data)
    assert "找不到表头行" in at(result, "任务进展").message


def test_the_school_code_is_known_even_when_other_problems_reject_the_file():
    result = read(edit_staff(lambda sheet: sheet.__setitem__("F5", "无党派")))
    assert result.report is None
    assert (result.school_code, result.school_code_cell) == ("4142010488", "B3")


def test_a_malformed_school_code_is_not_offered_as_the_school():
    result = read(filled_with(lambda wb: wb["学校信息"].__setitem__("B3", "41420104")))
    assert result.school_code is None
