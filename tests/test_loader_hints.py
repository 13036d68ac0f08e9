"""What the reader assumes a clerk meant, it says in a 提示 naming the cell; what it cannot guess, it
says how to write."""

from datetime import date

import pytest

from loaders.cells import BadValue, Noted, parse_date, parse_int
from loaders.limits import Limits
from loaders.problems import Problem, ProblemSeverity
from loaders.workbook import LoadResult, read_workbook
from tests.fixtures.workbooks import TODAY, filled_with, rulebook

NOTE, ERROR = ProblemSeverity.NOTE, ProblemSeverity.ERROR


def read(data: bytes, limits: Limits = Limits()) -> LoadResult:
    return read_workbook(data, "学校.xlsx", rulebook(), today=TODAY, limits=limits)


def at(result: LoadResult, where: str) -> Problem:
    [problem] = [p for p in result.problems if p.where == where]
    return problem


# --- a month alone ---------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["2017年6月", "2017-6", 2017.06])
def test_a_month_alone_is_read_as_its_last_day_and_says_so(written):
    read_as = parse_date(written)
    assert isinstance(read_as, Noted) and read_as.value == date(2017, 6, 30)
    assert "2017-06-30" in read_as.hint and "最后一天" in read_as.hint


def test_the_workbook_names_the_cell_holding_a_month_alone():
    result = read(filled_with(lambda wb: wb["任务进展"].__setitem__("F2", "2020年6月")))
    problem = at(result, "任务进展!F2")
    assert (problem.severity, problem.field, problem.value) == (NOTE, "完成日期", "2020年6月")
    assert "该月最后一天 2020-06-30" in problem.message
    assert result.report is not None and result.report.item("1.1").completed_on == date(2020, 6, 30)


def test_a_full_date_gets_no_hint():
    result = read(filled_with(lambda wb: wb["任务进展"].__setitem__("F2", "2020年6月30日")))
    assert not [p for p in result.problems if p.where == "任务进展!F2"]


# --- 无 in a count ---------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["无", " 无 ", "没有"])
def test_none_written_in_a_count_is_zero_with_a_hint(written):
    read_as = parse_int(written)
    assert isinstance(read_as, Noted) and read_as.value == 0 and "按 0 读取" in read_as.hint


def test_the_workbook_reads_none_failed_courses_as_zero_and_names_the_cell():
    result = read(filled_with(lambda wb: wb["工作人员名单"].__setitem__("H2", "无")))
    problem = at(result, "工作人员名单!H2")
    assert (problem.severity, problem.field, problem.value) == (NOTE, "不及格课程数", "无")
    assert "按 0 读取" in problem.message
    assert result.report is not None and result.report.staff[0].failed_courses == 0


def test_every_cell_read_on_an_assumption_is_named_even_when_the_values_repeat():
    # The reader reads each distinct value of a column once: the hint must still name every cell.
    def none_twice(workbook):
        workbook["工作人员名单"]["H2"] = "无"
        workbook["工作人员名单"]["H3"] = "无"

    result = read(filled_with(none_twice))
    assert {at(result, cell).severity for cell in ("工作人员名单!H2", "工作人员名单!H3")} == {NOTE}


def test_hints_never_crowd_errors_out_of_the_listed_problems():
    def many_hints_then_an_error(workbook):
        for row in range(2, 12):
            workbook["工作人员名单"][f"H{row}"] = "无"
        workbook["会议记录"]["B2"] = "去年九月"

    result = read(filled_with(many_hints_then_an_error), Limits(max_problems=5))
    assert "会议记录!B2" in [p.where for p in result.problems]
    assert result.more_problems > 0


# --- two days in one cell --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["2020年10月17、18日", "2020年10月17日、18日", "2020.10.17-18", "2020年10月17日至2020年10月18日"]
)
def test_two_days_in_one_date_say_to_enter_the_first_and_put_the_rest_in_the_notes(written):
    with pytest.raises(BadValue, match="只填第一天（2020年10月17日）.*其余日期写在“说明”（备注）栏"):
        parse_date(written)


def test_the_workbook_refuses_a_congress_held_over_two_days_naming_the_cell():
    result = read(filled_with(lambda wb: wb["会议记录"].__setitem__("B2", "2020年10月17、18日")))
    problem = at(result, "会议记录!B2")
    assert (problem.severity, problem.field) == (ERROR, "召开日期")
    assert "只填第一天" in problem.message and "备注" in problem.message
