"""Which sub-items a school is reminded of, the notice it receives, and which schools are escalated."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from checks.engine import assess
from checks.materials import material_statuses
from checks.results import DeadlineState, SchoolAssessment
from checks.rulebook import load_rulebook
from checks.schema import ItemStatus
from reformboard.reminders import escalations, notice_title, reminder_notice, school_due
from tenants.models import Reminder

RULEBOOK = load_rulebook()
CAMPAIGN = RULEBOOK.campaign
SCHOOL = "4144010558"
PLAN_ITEM = "1.1"  # due 2020-06-10, the day the notice sets for the plan
MONTH_END_ITEMS = ["1.2", "3.1", "7.1", "8.1"]  # due 2020-06-30
JUNE_ITEMS = [PLAN_ITEM, *MONTH_END_ITEMS]
JULY_ITEMS = ["4.1", "5.1", "5.2"]  # due 2020-07-31


def nothing_submitted(as_of: date, campaign=CAMPAIGN) -> SchoolAssessment:
    return assess(None, RULEBOOK, campaign, as_of, tenant=SCHOOL, school="广州示范大学")


def marked_done(assessment: SchoolAssessment, item_id: str) -> SchoolAssessment:
    items = tuple(replace(i, state=DeadlineState.DONE) if i.item_id == item_id else i for i in assessment.items)
    return replace(assessment, items=items)


def ids(items) -> list[str]:
    return [item.item_id for item in items]


class TestSelection:
    def test_items_past_their_deadline_are_overdue_with_days_counted(self):
        due = school_due(nothing_submitted(date(2020, 7, 17)), RULEBOOK)
        assert ids(due.overdue) == JUNE_ITEMS
        assert {item.item_id: item.days for item in due.overdue} == {
            PLAN_ITEM: 37,
            **dict.fromkeys(MONTH_END_ITEMS, 17),
        }

    def test_a_deadline_exactly_n_days_away_is_due_soon(self):
        due = school_due(nothing_submitted(date(2020, 7, 17)), RULEBOOK, within_days=14)
        assert ids(due.due_soon) == JULY_ITEMS
        assert {item.days for item in due.due_soon} == {14}

    def test_a_deadline_one_day_beyond_the_window_is_not_due_soon(self):
        due = school_due(nothing_submitted(date(2020, 7, 17)), RULEBOOK, within_days=13)
        assert due.due_soon == ()

    def test_a_deadline_today_is_due_soon_not_overdue(self):
        due = school_due(nothing_submitted(date(2020, 6, 30)), RULEBOOK, within_days=0)
        assert ids(due.due_soon) == MONTH_END_ITEMS
        assert ids(due.overdue) == [PLAN_ITEM]
        assert {item.days for item in due.due_soon} == {0}

    def test_completed_items_are_not_reminded(self):
        due = school_due(marked_done(nothing_submitted(date(2020, 7, 17)), "1.1"), RULEBOOK)
        assert "1.1" not in ids(due.overdue)

    def test_ongoing_items_are_never_due(self):
        due = school_due(nothing_submitted(date(2021, 1, 1)), RULEBOOK, within_days=365)
        assert "2.3" not in ids(due.overdue) + ids(due.due_soon)

    def test_the_campaigns_deadline_override_decides(self):
        moved = replace(CAMPAIGN, deadline_overrides={"1.1": date(2020, 7, 20)})
        due = school_due(nothing_submitted(date(2020, 7, 17), moved), RULEBOOK)
        assert "1.1" not in ids(due.overdue)
        assert ids(due.due_soon)[0] == "1.1" and due.due_soon[0].days == 3


class TestNotice:
    @pytest.fixture
    def notice(self) -> str:
        due = school_due(nothing_submitted(date(2020, 7, 17)), RULEBOOK)
        return reminder_notice(due, RULEBOOK, CAMPAIGN)

    def test_titled_and_addressed_to_the_school(self, notice):
        assert notice.splitlines()[0] == notice_title("广州示范大学")
        assert notice_title("广州示范大学") == "关于督促广州示范大学加快推进学生会（研究生会）深化改革的提醒函"
        assert "广州示范大学团委：" in notice

    def test_names_each_item_with_its_deadline_and_what_is_missing(self, notice):
        for item_id in MONTH_END_ITEMS:
            content = RULEBOOK.item(item_id).content
            assert f"{item_id} {content}（完成时限：2020年6月30日，已逾期17天；目前未填报完成情况）" in notice
        content = RULEBOOK.item(PLAN_ITEM).content
        assert f"{PLAN_ITEM} {content}（完成时限：2020年6月10日，已逾期37天；目前未填报完成情况）" in notice
        for item_id in JULY_ITEMS:
            assert f"{item_id} {RULEBOOK.item(item_id).content}（完成时限：2020年7月31日，还剩14天" in notice

    def test_is_dated_and_signed_by_the_campaigns_contact(self, notice):
        assert notice.rstrip().splitlines()[-2:] == [CAMPAIGN.contact, "2020年7月17日"]
        assert f"如有疑问，请联系{CAMPAIGN.contact}" in notice

    def test_says_what_the_school_reported(self):
        assessment = nothing_submitted(date(2020, 7, 17))
        items = tuple(replace(i, status=ItemStatus.IN_PROGRESS) if i.item_id == "1.1" else i for i in assessment.items)
        notice = reminder_notice(school_due(replace(assessment, items=items), RULEBOOK), RULEBOOK, CAMPAIGN)
        assert "已逾期37天；目前填报为“推进中”）" in notice


def sent_reminder(items: list[str], sent_at: datetime | None) -> Reminder:
    return Reminder(
        tenant_code=SCHOOL,
        campaign_id=CAMPAIGN.id,
        as_of=date(2020, 7, 1),
        items=items,
        text="",
        created_by="admin",
        created_at=datetime(2020, 7, 1, tzinfo=UTC),
        sent_at=sent_at,
        sent_by="admin" if sent_at else None,
    )


class TestEscalation:
    AS_OF = date(2020, 7, 17)

    def dues(self):
        return [school_due(nothing_submitted(self.AS_OF), RULEBOOK)]

    def test_a_school_still_overdue_after_a_reminder_is_escalated(self):
        sent = datetime(2020, 7, 2, 2, 0, tzinfo=UTC)
        [escalation] = escalations(self.dues(), [sent_reminder(["1.1", "1.2"], sent)])
        assert (escalation.tenant, ids(escalation.items)) == (SCHOOL, ["1.1", "1.2"])
        assert escalation.first_sent_at == escalation.last_sent_at == sent

    def test_items_since_completed_are_not_escalated(self):
        dues = [school_due(marked_done(nothing_submitted(self.AS_OF), "1.1"), RULEBOOK)]
        [escalation] = escalations(dues, [sent_reminder(["1.1", "1.2"], datetime(2020, 7, 2, tzinfo=UTC))])
        assert ids(escalation.items) == ["1.2"]

    def test_no_escalation_when_every_reminded_item_is_done(self):
        dues = [school_due(marked_done(nothing_submitted(self.AS_OF), "1.1"), RULEBOOK)]
        assert escalations(dues, [sent_reminder(["1.1"], datetime(2020, 7, 2, tzinfo=UTC))]) == []

    def test_a_drafted_reminder_never_sent_does_not_count(self):
        assert escalations(self.dues(), [sent_reminder(["1.1"], None)]) == []

    def test_a_reminder_sent_on_the_as_of_day_in_china_does_not_count_yet(self):
        # 2020-07-16 17:00 UTC is 2020-07-17 01:00 in Beijing: sent on the as-of day itself.
        late = sent_reminder(["1.1"], datetime(2020, 7, 16, 17, 0, tzinfo=UTC))
        early = sent_reminder(["1.1"], datetime(2020, 7, 16, 15, 0, tzinfo=UTC))
        assert escalations(self.dues(), [late]) == []
        assert len(escalations(self.dues(), [early])) == 1

    def test_counts_every_sent_reminder_naming_the_items(self):
        first, second = datetime(2020, 7, 2, tzinfo=UTC), datetime(2020, 7, 10, tzinfo=UTC)
        reminders = [sent_reminder(["1.1"], second), sent_reminder(["1.2"], first)]
        [escalation] = escalations(self.dues(), reminders)
        assert (escalation.reminders, escalation.first_sent_at, escalation.last_sent_at) == (2, first, second)
        assert ids(escalation.items) == ["1.1", "1.2"]


def test_an_overdue_material_is_reminded_like_an_overdue_sub_item():
    as_of = date(2020, 7, 17)
    materials = material_statuses(RULEBOOK.submissions, CAMPAIGN, {}, as_of)
    due = school_due(nothing_submitted(as_of), RULEBOOK, materials=materials)
    assert [m.material.id for m in due.overdue_materials] == ["plan"]  # the completion report is not yet due
    notice = reminder_notice(due, RULEBOOK, CAMPAIGN)
    assert "1份材料已逾期未报送" in notice
    assert "已超过报送时限、尚未报送的材料（1项）" in notice
    assert "深化改革推进计划（校团委制定）（报送时限：2020年6月10日，已逾期37天" in notice


def test_a_material_sent_late_is_not_reminded():
    as_of = date(2020, 7, 17)
    materials = material_statuses(RULEBOOK.submissions, CAMPAIGN, {"plan": [date(2020, 7, 1)]}, as_of)
    assert school_due(nothing_submitted(as_of), RULEBOOK, materials=materials).overdue_materials == ()
