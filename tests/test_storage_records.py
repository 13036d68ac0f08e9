"""The directory, stored assessments, on-site results, reminders and the audit log."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from checks.campaign import Campaign
from checks.results import (
    DeadlineState,
    Finding,
    ItemAssessment,
    OnsiteResult,
    SchoolAssessment,
    Severity,
    TaskAssessment,
    Verdict,
)
from checks.schema import ItemStatus
from tenants import store
from tests.conftest import PROVINCE
from tests.fixtures.reports import UNIT_KINDS


def assessment(tenant: str, as_of: date, score: float, verdict: Verdict) -> SchoolAssessment:
    overdue = ItemAssessment(
        item_id="3.1",
        task_id="3",
        deadline=date(2020, 6, 30),
        state=DeadlineState.OVERDUE,
        status=ItemStatus.IN_PROGRESS,
        completed_on=None,
        evidence="",
        findings=(
            Finding("school_staff_size", Severity.VIOLATION, "校学生会工作人员52人，超过50人", ("工作人员名单!A5",)),
        ),
        credit=0.0,
    )
    done = ItemAssessment(
        item_id="1.1",
        task_id="1",
        deadline=date(2020, 6, 10),
        state=DeadlineState.DONE,
        status=ItemStatus.DONE,
        completed_on=date(2020, 6, 1),
        evidence="纪要",
        findings=(),
        credit=1.0,
    )
    return SchoolAssessment(
        tenant=tenant,
        school="广州示范大学",
        campaign_id="gd-2020",
        as_of=as_of,
        score=score,
        verdict=verdict,
        tasks=(TaskAssessment("1", "加强党的领导", 10.0, 10.0),),
        items=(done, overdue),
    )


def test_units_and_schools_are_listed_by_code(session, directory) -> None:
    store.add_unit(session, "4400", "省直机关团工委", "省直机关团工委", kinds=UNIT_KINDS)
    store.add_school(session, "4144010001", "省直属学院", "4400")
    session.commit()

    assert [(u.code, u.kind) for u in store.list_units(session)] == [
        ("4400", "省直机关团工委"),
        ("4401", "地市团委"),
    ]
    assert [s.code for s in store.list_schools(session)] == ["4144010001", directory.school, directory.other_school]
    assert [s.code for s in store.list_schools(session, unit_code="4400")] == ["4144010001"]
    school = store.get_school(session, directory.school)
    assert (school.name, school.active, school.created_at.tzinfo) == ("广州示范大学", True, UTC)
    assert store.get_school(session, "0000000000") is None


def test_a_campaign_comes_back_with_its_deadline_overrides(session, directory) -> None:
    shifted = Campaign(
        id="gd-2021",
        name="2021年复查",
        rulebook="guangdong-2020",
        starts_on=date(2021, 3, 1),
        acceptance_on=date(2021, 10, 15),
        deadline_overrides={"3.1": date(2021, 6, 30)},
        contact="团省委学校部",
    )

    store.ensure_campaign(session, shifted)
    session.commit()

    assert store.get_campaign(session, "gd-2021") == shifted
    assert store.list_campaigns(session) == [directory.campaign, shifted]
    assert store.get_campaign(session, "gd-1999") is None


def test_ensuring_an_existing_campaign_keeps_the_stored_one(session, directory) -> None:
    renamed = replace(directory.campaign, name="另一个名字")

    assert store.ensure_campaign(session, renamed) == directory.campaign
    assert store.get_campaign(session, directory.campaign.id).name == directory.campaign.name


def test_the_latest_assessment_per_school_comes_back_whole(session, directory) -> None:
    early = assessment(directory.school, date(2020, 7, 1), 60.0, Verdict.RECTIFY)
    later = assessment(directory.school, date(2020, 10, 1), 85.5, Verdict.PASSED)
    missing = assessment(directory.other_school, date(2020, 10, 1), 0.0, Verdict.NOT_SUBMITTED)
    store.save_assessment(session, None, early, computed_at=datetime(2020, 7, 1, tzinfo=UTC))
    store.save_assessment(session, None, later, computed_at=datetime(2020, 10, 1, tzinfo=UTC))
    store.save_assessment(session, None, missing, computed_at=datetime(2020, 10, 1, tzinfo=UTC))
    session.commit()

    latest = store.latest_assessments(session, "gd-2020")
    in_july = store.latest_assessments(session, "gd-2020", [directory.school], as_of=date(2020, 7, 1))

    row = latest[directory.school]
    assert (row.score, row.verdict, row.overdue_count, row.as_of) == (85.5, Verdict.PASSED, 1, date(2020, 10, 1))
    assert store.assessment_result(row) == later
    assert latest[directory.other_school].verdict is Verdict.NOT_SUBMITTED
    assert store.assessment_result(in_july[directory.school]) == early
    assert list(in_july) == [directory.school]


def test_onsite_results_keep_the_latest_word_per_item_and_ignore_a_sheet_loaded_twice(session, directory) -> None:
    first_visit = [
        OnsiteResult("3.1", "基本符合", "章程待报备", "孙、周", date(2020, 10, 20)),
        OnsiteResult("1.1", "符合", "", "孙、周", date(2020, 10, 20)),
    ]
    revisit = [OnsiteResult("3.1", "符合", "已报备", "孙", None)]

    def load(results: list[OnsiteResult], sha: str, day: int) -> bool:
        return store.save_onsite_results(
            session,
            tenant_code=directory.school,
            campaign_id="gd-2020",
            submission_id=None,
            results=results,
            source_sha256=sha,
            loaded_at=datetime(2020, 10, day, tzinfo=UTC),
        )

    assert load(first_visit, "a" * 64, 21)
    assert load(revisit, "b" * 64, 28)
    assert not load(first_visit, "a" * 64, 29)
    session.commit()

    results = store.onsite_results_for(session, "gd-2020")
    assert results == {directory.school: {"1.1": first_visit[1], "3.1": revisit[0]}}
    assert store.onsite_results_for(session, "gd-2020", [directory.other_school]) == {}


def test_a_reminder_is_listed_and_marked_sent_once(session, directory) -> None:
    reminder = store.create_reminder(
        session,
        tenant_code=directory.school,
        campaign_id="gd-2020",
        as_of=date(2020, 7, 1),
        items=["3.1", "4.2"],
        text="贵校3.1、4.2项已逾期，请于7月10日前完成。",
        created_by="团省委学校部",
        created_at=datetime(2020, 7, 1, 2, tzinfo=UTC),
    )
    session.commit()

    store.mark_reminder_sent(session, reminder.id, sent_by="张老师", sent_at=datetime(2020, 7, 1, 3, tzinfo=UTC))
    store.mark_reminder_sent(session, reminder.id, sent_by="李老师", sent_at=datetime(2020, 7, 2, tzinfo=UTC))
    session.commit()

    [listed] = store.reminders_for(session, directory.school, "gd-2020")
    assert listed.items == ["3.1", "4.2"]
    assert (listed.sent_by, listed.sent_at) == ("张老师", datetime(2020, 7, 1, 3, tzinfo=UTC))
    assert store.reminders_for(session, directory.other_school) == []
    with pytest.raises(LookupError, match="提醒 999 不存在"):
        store.mark_reminder_sent(session, 999, sent_by="张老师")


def test_the_audit_log_appends_and_filters(session, directory) -> None:
    store.audit(session, "school-admin", "upload", directory.school, submission_id=7, as_of=date(2020, 7, 1))
    store.audit(session, "province", "remind", directory.other_school, items=["3.1"])
    store.audit(session, "province", "login")
    session.commit()

    everything = store.audit_entries(session, PROVINCE)
    uploads = store.audit_entries(session, PROVINCE, action="upload")

    assert [e.action for e in everything] == ["login", "remind", "upload"]
    assert uploads[0].detail == {"submission_id": 7, "as_of": "2020-07-01"}
    assert uploads[0].at.tzinfo is UTC
    assert [e.action for e in store.audit_entries(session, PROVINCE, actor="province", limit=1)] == ["login"]
    assert [e.action for e in store.audit_entries(session, PROVINCE, tenant_code=directory.other_school)] == ["remind"]
    assert store.audit_entries(session, PROVINCE, since=datetime(2999, 1, 1, tzinfo=UTC)) == []
