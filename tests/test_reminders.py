"""Which sub-items a school is reminded of, the notice it receives, and which schools are escalated."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from checks.engine import assess
from checks.materials import material_statuses
from checks.results import DeadlineState, SchoolAssessment
from checks.rulebook import RULEBOOK_DIR, RulebookError, load_rulebook
from checks.schema import ItemStatus
from reformboard.reminders import (
    escalations,
    notice_title,
    policy_steps,
    policy_window,
    reminder_email,
    reminder_notice,
    school_due,
    unreachable_escalations,
)
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


def sent_reminder(items: list[str], sent_at: datetime | None, as_of: date = date(2020, 7, 1)) -> Reminder:
    return Reminder(
        tenant_code=SCHOOL,
        campaign_id=CAMPAIGN.id,
        as_of=as_of,
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

    def test_a_reminder_written_for_the_as_of_day_itself_does_not_count_yet(self):
        sent = datetime(2020, 7, 17, 2, 0, tzinfo=UTC)
        assert escalations(self.dues(), [sent_reminder(["1.1"], sent, as_of=self.AS_OF)]) == []
        assert len(escalations(self.dues(), [sent_reminder(["1.1"], sent, as_of=date(2020, 7, 16))])) == 1

    def test_only_reminders_after_the_last_escalation_count_again(self):
        reminders = [
            sent_reminder(["1.1"], datetime(2020, 7, 2, tzinfo=UTC), as_of=date(2020, 7, 2)),
            sent_reminder(["1.1"], datetime(2020, 7, 9, tzinfo=UTC), as_of=date(2020, 7, 9)),
        ]
        [escalation] = escalations(self.dues(), reminders, since={SCHOOL: date(2020, 7, 5)})
        assert escalation.reminders == 1
        assert escalations(self.dues(), reminders, since={SCHOOL: date(2020, 7, 9)}) == []

    def test_counts_every_sent_reminder_naming_the_items(self):
        first, second = datetime(2020, 7, 2, tzinfo=UTC), datetime(2020, 7, 10, tzinfo=UTC)
        reminders = [sent_reminder(["1.1"], second), sent_reminder(["1.2"], first)]
        [escalation] = escalations(self.dues(), reminders)
        assert (escalation.reminders, escalation.first_sent_at, escalation.last_sent_at) == (2, first, second)
        assert ids(escalation.items) == ["1.1", "1.2"]


class TestUnreachableEscalation:
    """A school without an address counts the days reminders went out at its steps (1.1 due 2020-06-10:
    06-03, 06-09, 06-11, then weekly; the month-end items 06-23, 06-29, 07-01, then weekly)."""

    POLICY = RULEBOOK.reminders
    AS_OF = date(2020, 7, 2)

    def dues(self, as_of: date = AS_OF):
        return [school_due(nothing_submitted(as_of), RULEBOOK, policy_window(self.POLICY))]

    def test_counts_the_days_reminders_went_out_at_its_steps_with_what_was_due_then(self):
        days = [date(2020, 6, 11), date(2020, 6, 12), date(2020, 6, 18), date(2020, 6, 29)]
        [escalation] = unreachable_escalations(self.dues(), self.POLICY, days)
        assert (escalation.reminders, escalation.unreachable) == (3, True)  # 06-12 is no step
        assert ids(escalation.items) == JUNE_ITEMS  # 06-29: the month-end items were due the next day

    def test_days_after_its_last_escalation_and_before_the_as_of_day_count(self):
        days = [date(2020, 6, 11), date(2020, 6, 18), date(2020, 6, 25), date(2020, 7, 2)]
        [escalation] = unreachable_escalations(self.dues(), self.POLICY, days, since={SCHOOL: date(2020, 6, 11)})
        assert (escalation.reminders, ids(escalation.items)) == (2, JUNE_ITEMS)

    def test_no_escalation_when_no_reminders_went_out(self):
        assert unreachable_escalations(self.dues(), self.POLICY, []) == []


class TestPolicy:
    """The Guangdong policy: 7 days and 1 day before a deadline, the day after it, then every 7 days."""

    POLICY = RULEBOOK.reminders

    def steps(self, day: date) -> tuple[str, ...]:
        return policy_steps(school_due(nothing_submitted(day), RULEBOOK, policy_window(self.POLICY)), self.POLICY)

    def test_the_rulebook_gives_the_policy_with_its_source(self):
        assert (self.POLICY.before_days, self.POLICY.after_days) == ((7, 1), (1,))
        assert (self.POLICY.then_every_days, self.POLICY.escalate_after) == (7, 3)
        assert "适时对推进改革不力的高校进行提醒和督办" in self.POLICY.source

    @pytest.mark.parametrize(
        ("day", "steps"),
        [
            (date(2020, 6, 3), ("到期前7天",)),  # 1.1 due 2020-06-10
            (date(2020, 6, 9), ("到期前1天",)),
            (date(2020, 6, 10), ()),  # the deadline itself
            (date(2020, 6, 11), ("逾期1天",)),
            (date(2020, 6, 12), ()),
            (date(2020, 6, 18), ("逾期8天",)),
            (date(2020, 6, 23), ("到期前7天",)),  # the month-end items
            (date(2020, 6, 25), ("逾期15天",)),
            (date(2020, 7, 1), ("逾期1天",)),  # the month-end items; 1.1 is 21 days late
        ],
    )
    def test_steps_fall_on_the_policys_days(self, day, steps):
        assert self.steps(day) == steps

    def test_a_reminder_lists_items_due_within_the_earliest_step_before_a_deadline(self):
        due = school_due(nothing_submitted(date(2020, 6, 23)), RULEBOOK, policy_window(self.POLICY))
        assert ids(due.due_soon) == MONTH_END_ITEMS and ids(due.overdue) == [PLAN_ITEM]

    def test_a_rulebook_may_set_no_schedule(self):
        assert load_rulebook(Path(__file__).parent / "data" / "rulebooks" / "otherland-2021.toml").reminders is None

    @pytest.mark.parametrize(
        ("old", "new", "key"),
        [
            ("before_days = [7, 1]", "before_days = [7, 0]", "reminders.before_days"),
            ("before_days = [7, 1]", 'before_days = ["7"]', "reminders.before_days"),
            ("after_days = [1]", "after_days = []", "reminders.after_days"),
            ("then_every_days = 7", "then_every_days = 0", "reminders.then_every_days"),
            ("escalate_after = 3", "escalate_after = true", "reminders.escalate_after"),
            (
                'also_to_province = ["省直机关团工委"]',
                'also_to_province = "省直机关团工委"',
                "reminders.also_to_province",
            ),
        ],
    )
    def test_a_malformed_policy_names_the_file_and_the_key(self, tmp_path, old, new, key):
        source = (RULEBOOK_DIR / "guangdong-2020.toml").read_text(encoding="utf-8")
        assert old in source
        path = tmp_path / "broken.toml"
        path.write_text(source.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(RulebookError, match=f"{path}: {key}:"):
            load_rulebook(path)


def test_an_overdue_material_is_reminded_like_an_overdue_sub_item():
    as_of = date(2020, 7, 17)
    materials = material_statuses(RULEBOOK.submissions, CAMPAIGN, {}, as_of)
    due = school_due(nothing_submitted(as_of), RULEBOOK, materials=materials)
    assert [m.material.id for m in due.overdue_materials] == ["plan"]  # the completion report is not yet due
    notice = reminder_notice(due, RULEBOOK, CAMPAIGN)
    assert "1份材料已逾期未报送" in notice
    assert "已超过报送时限、尚未报送的材料（1项）" in notice
    assert "深化改革推进计划（校团委制定）（报送时限：2020年6月10日，已逾期37天" in notice


def test_the_policy_reminds_of_an_overdue_material_alone_and_the_email_lists_it():
    as_of = date(2020, 10, 16)  # the completion report was due the day before
    materials = material_statuses(RULEBOOK.submissions, CAMPAIGN, {"plan": [date(2020, 6, 1)]}, as_of)
    nothing = nothing_submitted(as_of)
    all_done = replace(nothing, items=tuple(replace(i, state=DeadlineState.DONE) for i in nothing.items))
    due = school_due(all_done, RULEBOOK, policy_window(RULEBOOK.reminders), materials=materials)
    assert (due.overdue, due.due_soon) == ((), ())
    assert policy_steps(due, RULEBOOK.reminders) == ("逾期1天",)
    email = reminder_email(due, CAMPAIGN)
    assert "1份材料已逾期未报送" in email and "已超过报送时限、尚未报送的材料（1项）" in email
    assert "深化改革完成情况及学校党委出台的实施方案（报送时限：2020年10月15日，已逾期1天" in email


def test_a_material_sent_late_is_not_reminded():
    as_of = date(2020, 7, 17)
    materials = material_statuses(RULEBOOK.submissions, CAMPAIGN, {"plan": [date(2020, 7, 1)]}, as_of)
    assert school_due(nothing_submitted(as_of), RULEBOOK, materials=materials).overdue_materials == ()


def test_a_material_not_yet_sent_is_reminded_on_the_policys_days_before_its_due_date():
    due_on = date(2020, 6, 10)  # the plan's due date
    nothing = nothing_submitted(due_on)
    all_done = replace(nothing, items=tuple(replace(i, state=DeadlineState.DONE) for i in nothing.items))
    window = policy_window(RULEBOOK.reminders)

    def due(days_before: int, received: dict[str, list[date]] | None = None):
        as_of = due_on - timedelta(days=days_before)
        materials = material_statuses(RULEBOOK.submissions, CAMPAIGN, received or {}, as_of)
        return school_due(replace(all_done, as_of=as_of), RULEBOOK, window, materials=materials)

    assert [policy_steps(due(days), RULEBOOK.reminders) for days in (8, 7, 3, 1, 0)] == [
        (),
        ("到期前7天",),
        (),
        ("到期前1天",),
        (),
    ]
    email = reminder_email(due(7), CAMPAIGN)
    assert "1份材料即将到期" in email and "即将到期、尚未报送的材料（1项）" in email
    assert "深化改革推进计划（校团委制定）（报送时限：2020年6月10日，还剩7天" in email
    assert "今日到期" in reminder_email(due(0), CAMPAIGN)
    assert not due(7, {"plan": [date(2020, 6, 1)]}).needs_reminder  # already sent
    assert not due(8).needs_reminder  # not yet within the window
