"""Deadline states: month ends, leap years, completion dates, overrides, ongoing and 不适用 items."""

from dataclasses import replace
from datetime import date

import pytest

from checks.deadlines import completion_date_findings, deadline_state, due_date
from checks.results import DeadlineState, Severity
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


@pytest.mark.parametrize("as_of, expected", [
    (date(2020, 6, 29), DeadlineState.NOT_DUE),
    (JUNE_END, DeadlineState.NOT_DUE),  # the last day of the month is still on time
    (date(2020, 7, 1), DeadlineState.OVERDUE),
])
def test_unfinished_item_turns_overdue_the_day_after_the_month_ends(as_of, expected):
    assert deadline_state(in_progress(), JUNE_END, as_of) is expected
    assert deadline_state(None, JUNE_END, as_of) is expected


@pytest.mark.parametrize("completed_on, expected", [
    (JUNE_END, DeadlineState.DONE),
    (date(2020, 7, 1), DeadlineState.DONE_LATE),
])
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
