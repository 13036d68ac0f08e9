"""A required material's state across its due date (checks.materials)."""

from dataclasses import replace
from datetime import date

import pytest

from checks.materials import MaterialState, material_status, material_statuses
from checks.rulebook import SubmissionDeadline, load_rulebook

PLAN = SubmissionDeadline("plan", "深化改革推进计划（校团委制定）", date(2020, 6, 10))


@pytest.mark.parametrize(
    ("as_of", "state", "overdue"),
    [
        (date(2020, 6, 9), MaterialState.MISSING, False),
        (date(2020, 6, 10), MaterialState.MISSING, False),
        (date(2020, 6, 11), MaterialState.MISSING, True),
    ],
)
def test_nothing_received_is_missing_and_overdue_only_after_the_due_day(as_of, state, overdue):
    status = material_status(PLAN, PLAN.due, [], as_of)
    assert (status.state, status.overdue, status.received_on) == (state, overdue, None)


def test_received_on_the_due_day_is_sent_on_time():
    status = material_status(PLAN, PLAN.due, [date(2020, 6, 10)], date(2020, 7, 1))
    assert (status.state, status.overdue, status.text) == (MaterialState.SENT, False, "已报送（2020-06-10）")


def test_received_the_day_after_is_late_with_its_date():
    status = material_status(PLAN, PLAN.due, [date(2020, 6, 11)], date(2020, 7, 1))
    assert (status.state, status.overdue, status.text) == (MaterialState.LATE, False, "逾期报送（2020-06-11）")


def test_a_file_received_after_the_as_of_date_does_not_count_yet():
    status = material_status(PLAN, PLAN.due, [date(2020, 6, 20)], date(2020, 6, 15))
    assert (status.state, status.overdue, status.text) == (MaterialState.MISSING, True, "未报送（已逾期）")


def test_the_first_receipt_counts_and_a_later_replacement_does_not_make_it_late():
    status = material_status(PLAN, PLAN.due, [date(2020, 7, 30), date(2020, 6, 1)], date(2020, 8, 1))
    assert (status.state, status.received_on) == (MaterialState.SENT, date(2020, 6, 1))


def test_every_material_of_the_rulebook_in_its_order():
    book = load_rulebook("guangdong-2020")
    statuses = material_statuses(
        book.submissions, book.campaign, {"completion": [date(2020, 10, 16)]}, date(2020, 10, 20)
    )
    assert [(s.material.id, s.state) for s in statuses] == [
        ("plan", MaterialState.MISSING),
        ("completion", MaterialState.LATE),
    ]
    assert [s.overdue for s in statuses] == [True, False]


def test_a_campaign_may_move_a_materials_due_date_by_its_id():
    book = load_rulebook("guangdong-2020")
    campaign = replace(book.campaign, deadline_overrides={"plan": date(2020, 6, 20)})
    plan, _ = material_statuses(book.submissions, campaign, {"plan": [date(2020, 6, 15)]}, date(2020, 7, 1))
    assert (plan.due, plan.state) == (date(2020, 6, 20), MaterialState.SENT)
