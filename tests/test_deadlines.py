"""Deadline states: month ends, leap years, completion dates, overrides, ongoing and 不适用 items."""

from dataclasses import replace
from datetime import date

import pytest

from checks.deadlines import completion_date_findings, deadline_state, due_date, timed
from checks.results import DeadlineState, Finding, Severity
from checks.schema import ItemReport, ItemStatus
from tests.fixtures.reports import rulebook

JUNE_END = date(2020, 6, 30)
SPEC = rulebook().rules["completion_date"]


def done(on: date | None) -> ItemReport:
    return ItemReport("3.1", ItemStatus.DONE, on, source="任务进展!E9")


def in_progress() -> ItemReport:
    return ItemReport("3.1", ItemStatus.IN_PROGRESS)


def test_due_dates_are_month_ends_and_overrides_replace_them():
    book = rulebook()
    assert due_date(book.item("3.1"), book.campaign) == JUNE_END
    assert due_date(book.item("2.3"), book.campaign) is None
    moved = replace(book.campaign, deadline_overrides={"3.1": date(2020, 9, 15)})
    assert due_date(book.item("3.1"), moved) == date(2020, 9, 15)
    assert due_date(book.item("3.2"), moved) == book.item("3.2").due


@pytest.mark.parametrize(
    "as_of, expected",
    [
        (date(2020, 6, 29), DeadlineState.NOT_DUE),
        (JUNE_END, DeadlineState.NOT_DUE),  # the last day of the month is still on time
        (date(2020, 7, 1), DeadlineState.OVERDUE),
    ],
)
def test_unfinished_item_turns_overdue_the_day_after_the_month_ends(as_of, expected):
    assert deadline_state(in_progress(), JUNE_END, as_of) is expected
    assert deadline_state(None, JUNE_END, as_of) is expected


@pytest.mark.parametrize(
    "completed_on, expected",
    [
        (JUNE_END, DeadlineState.DONE),
        (date(2020, 7, 1), DeadlineState.DONE_LATE),
    ],
)
def test_completion_on_the_due_day_is_on_time(completed_on, expected):
    assert deadline_state(done(completed_on), JUNE_END, date(2020, 10, 31)) is expected


def test_leap_day_deadline():
    leap_end = date(2020, 2, 29)
    assert deadline_state(done(date(2020, 2, 29)), leap_end, date(2020, 3, 1)) is DeadlineState.DONE
    assert deadline_state(in_progress(), leap_end, date(2020, 2, 29)) is DeadlineState.NOT_DUE
    assert deadline_state(in_progress(), leap_end, date(2020, 3, 1)) is DeadlineState.OVERDUE


def test_completion_dated_after_as_of_is_not_yet_complete():
    assert deadline_state(done(date(2020, 6, 20)), JUNE_END, date(2020, 6, 10)) is DeadlineState.NOT_DUE
    assert deadline_state(done(date(2020, 8, 1)), JUNE_END, date(2020, 7, 15)) is DeadlineState.OVERDUE


def test_done_without_date_is_on_time_before_the_deadline_and_late_after_it():
    assert deadline_state(done(None), JUNE_END, JUNE_END) is DeadlineState.DONE
    assert completion_date_findings(done(None), JUNE_END, JUNE_END, SPEC) == []
    assert deadline_state(done(None), JUNE_END, date(2020, 7, 1)) is DeadlineState.DONE_LATE
    [finding] = completion_date_findings(done(None), JUNE_END, date(2020, 7, 1), SPEC)
    assert finding.rule == "completion_date"
    assert finding.severity is Severity.ATTENTION
    assert finding.message == "未填写完成日期，无法核验是否按期完成"
    assert finding.sources == ("任务进展!E9",)


def test_ongoing_and_not_applicable():
    assert deadline_state(in_progress(), None, date(2020, 10, 31)) is DeadlineState.ONGOING
    assert deadline_state(None, None, date(2020, 10, 31)) is DeadlineState.ONGOING
    not_applicable = ItemReport("3.1", ItemStatus.NOT_APPLICABLE)
    assert deadline_state(not_applicable, JUNE_END, date(2020, 10, 31)) is DeadlineState.NOT_APPLICABLE
    assert deadline_state(not_applicable, None, date(2020, 10, 31)) is DeadlineState.NOT_APPLICABLE


def test_dated_completion_needs_no_date_finding():
    assert completion_date_findings(done(date(2020, 5, 1)), JUNE_END, date(2020, 10, 31), SPEC) == []
    assert completion_date_findings(in_progress(), JUNE_END, date(2020, 10, 31), SPEC) == []


BREACH = Finding("school_staff_size", Severity.VIOLATION, "校学生会工作人员 72 人")


@pytest.mark.parametrize("as_of, early", [(date(2020, 6, 29), True), (JUNE_END, True), (date(2020, 7, 1), False)])
def test_a_problem_is_an_early_warning_up_to_and_including_the_deadline(as_of, early):
    finding = timed(BREACH, JUNE_END, as_of)
    assert finding.early is early and finding.counts is not early
    assert finding.severity is Severity.VIOLATION and finding.message == BREACH.message


def test_a_problem_about_a_period_still_running_waits_for_the_periods_end():
    running = replace(BREACH, due=date(2021, 1, 31))
    assert timed(running, JUNE_END, date(2020, 10, 31)).early
    assert timed(running, None, date(2021, 1, 31)).early  # an ongoing item: the period alone decides
    assert not timed(running, JUNE_END, date(2021, 2, 1)).early
    assert not timed(BREACH, None, date(2020, 6, 1)).early  # no deadline and no period: counts at once


@pytest.mark.parametrize(
    "done_on, note", [(JUNE_END, ""), (date(2020, 7, 1), "（晚于完成时限2020年6月30日 1 天，逾期完成）")]
)
def test_an_event_after_the_deadline_is_named_late_with_the_days(done_on, note):
    met = Finding("training_meeting", Severity.OK, "已于…召开全员培训", done_on=done_on)
    assert timed(met, JUNE_END, date(2020, 10, 31)).message == met.message + note
    assert deadline_state(done(JUNE_END), JUNE_END, date(2020, 10, 31), evidenced_on=done_on) is (
        DeadlineState.DONE_LATE if note else DeadlineState.DONE
    )
