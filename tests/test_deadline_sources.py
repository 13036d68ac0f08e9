"""Day-level deadlines, each with its source: the notice of 团粤办发〔2020〕14号 fixes to the day what its annex
rounds to the month (1.1 by 6月10日, 1.4 by 10月15日, 三、材料报送), the rulebook says so, and the engine and
the board judge by the day."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from checks.deadlines import MOVED_BY_CAMPAIGN, deadline_wording, due_by_and_later_in_month, due_date
from checks.engine import assess
from checks.results import DeadlineState
from checks.rulebook import load_rulebook
from checks.schema import ItemReport, ItemStatus
from tests.fixtures.reports import minimal_compliant_report

BOOK = load_rulebook()
NOTICE = "通知正文 三、材料报送"


def test_the_notice_fixes_the_plan_and_the_implementation_scheme_to_the_day():
    assert (BOOK.item("1.1").due, BOOK.item("1.1").due_text, BOOK.item("1.1").due_source) == (
        date(2020, 6, 10),
        "2020年6月10日",
        NOTICE,
    )
    assert (BOOK.item("1.4").due, BOOK.item("1.4").due_text, BOOK.item("1.4").due_source) == (
        date(2020, 10, 15),
        "2020年10月15日",
        NOTICE,
    )


def test_they_match_the_campaigns_submission_deadlines():
    assert [s.due for s in BOOK.submissions] == [BOOK.item("1.1").due, BOOK.item("1.4").due]


def test_every_other_deadline_is_the_annexs_month_sourced_to_the_annex():
    others = [item for item in BOOK.items if item.id not in ("1.1", "1.4")]
    assert {item.due_source for item in others} == {"附件"}
    assert all(item.due is None or item.due.day >= 28 for item in others)  # a month's end
    assert BOOK.item("9.2").due_source == BOOK.item("9.1").due_source  # due_with shares the source


def test_wording_names_the_rulebooks_source_or_the_campaign_that_moved_the_deadline():
    item = BOOK.item("1.1")
    assert deadline_wording(item, item.due) == ("2020年6月10日", NOTICE)
    assert deadline_wording(item, date(2020, 7, 20)) == ("2020年7月20日", MOVED_BY_CAMPAIGN)
    assert deadline_wording(BOOK.item("2.3"), None) == ("全年持续推进", "附件")


def test_a_plan_sent_after_the_tenth_of_june_is_late():
    report = minimal_compliant_report(
        items=(ItemReport("1.1", ItemStatus.DONE, date(2020, 6, 20), "校团发〔2020〕8号"),)
    )
    assessed = assess(report, BOOK, BOOK.campaign, date(2020, 10, 31)).item("1.1")
    assert (assessed.deadline, assessed.state) == (date(2020, 6, 10), DeadlineState.DONE_LATE)


def test_on_the_acceptance_date_the_implementation_scheme_is_due_and_the_rest_of_october_is_not():
    as_of = BOOK.campaign.acceptance_on
    assert as_of == date(2020, 10, 15)
    dues = {item.id: due_date(item, BOOK.campaign) for item in BOOK.items}
    due_by, later = due_by_and_later_in_month(dues, as_of)
    assert "1.4" in due_by and "1.1" in due_by and "3.1" in due_by
    assert later == [item.id for item in BOOK.items if item.due == date(2020, 10, 31)]
    assert "2.3" not in due_by + later  # ongoing
    assert not set(due_by) & set(later)


def test_nothing_falls_due_later_in_a_month_whose_deadlines_have_all_passed():
    dues = {item.id: item.due for item in BOOK.items}
    assert due_by_and_later_in_month(dues, date(2020, 10, 31))[1] == []
    assert due_by_and_later_in_month(dues, date(2020, 6, 9)) == ([], ["1.1", "1.2", "3.1", "7.1", "8.1"])


def test_a_campaign_that_moves_a_day_level_deadline_is_judged_by_the_moved_day():
    moved = replace(BOOK.campaign, deadline_overrides={"1.4": date(2020, 10, 30)})
    assert deadline_wording(BOOK.item("1.4"), due_date(BOOK.item("1.4"), moved)) == (
        "2020年10月30日",
        MOVED_BY_CAMPAIGN,
    )
