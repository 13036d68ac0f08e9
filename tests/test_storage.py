"""Submissions and their reports: stored once, rebuilt exactly, found by date."""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

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
from tenants import store
from tenants.db import make_sessionmaker
from tenants.models import ReportSchool, ReportStaff, Submission
from tests.conftest import PROVINCE

CHINA = timezone(timedelta(hours=8))
WORKBOOK = b"PK\x03\x04 a workbook's bytes"


def sample_report(code: str = "4144010558", staff_count: int = 3) -> SchoolReport:
    """A report using every kind of value the schema has: enums, dates, None, floats, flags, tuples."""
    staff = [
        StaffMember(
            name="张三",
            student_no="2018001",
            organisation="校学生会",
            title="执行主席",
            political=Political.PARTY,
            rank_percent=12.5,
            failed_courses=0,
            college_experience=True,
            trained=True,
            zhtj_registered=True,
            ivolunteer_registered=False,
            source="工作人员名单!A5",
        ),
        StaffMember(
            name="李四",
            student_no="2019002",
            organisation="校学生会",
            title="部长",
            department="学习部",
            political=Political.LEAGUE,
            rank_percent=30.0,
            source="工作人员名单!A6",
        ),
        StaffMember(
            name="王五",
            student_no="2020003",
            organisation="校研究生会",
            title="干事",
            department="权益部",
            source="工作人员名单!A7",
        ),
    ]
    staff += [
        StaffMember(
            name=f"成员{n}",
            student_no=f"21{n:05d}",
            organisation="计算机学院学生会",
            title="干事",
            department="宣传部",
            political=Political.MASSES,
            source=f"工作人员名单!A{8 + n}",
        )
        for n in range(staff_count - 3)
    ]
    return SchoolReport(
        school=SchoolInfo(
            code=code,
            name="广州示范大学",
            unit="广州市团委",
            school_type="本科",
            undergraduates=30000,
            graduates=8000,
            colleges=("计算机学院", "外国语学院"),
            campuses=2,
            contact_name="赵老师",
            contact_phone="020-12345678",
            deputy_secretary="钱书记",
            staff_increase_reason="分校区较多",
            source="学校信息!B2",
        ),
        items=(
            ItemReport("1.1", ItemStatus.DONE, date(2020, 6, 10), "党委常委会纪要", source="任务清单!C3"),
            ItemReport("3.1", ItemStatus.IN_PROGRESS, note="正在修订章程", source="任务清单!C7"),
            ItemReport("9.2", ItemStatus.NOT_APPLICABLE),
        ),
        organisations=(
            Organisation(
                "校学生会",
                Level.SCHOOL,
                OrgKind.UNDERGRADUATE,
                students_linked=12,
                presidium_size=5,
                department_count=6,
                rotating_chair=True,
                source="组织架构!A3",
            ),
            Organisation("校研究生会", Level.SCHOOL, OrgKind.GRADUATE, presidium_size=3),
            Organisation(
                "计算机学院学生会", Level.COLLEGE, OrgKind.UNDERGRADUATE, college="计算机学院", rotating_chair=False
            ),
        ),
        staff=tuple(staff),
        meetings=(
            Meeting(
                "学生代表大会",
                date(2020, 9, 20),
                "校学生会",
                delegates=300,
                non_cadre_delegates=200,
                colleges_covered=20,
                approved_on=date(2020, 9, 25),
                filed_on=date(2020, 10, 1),
                note="第十届",
                source="会议记录!A2",
            ),
            Meeting("改革动员会", date(2020, 5, 15)),
        ),
    )


def upload(
    session: Session,
    tenant_code: str,
    campaign_id: str,
    *,
    raw: bytes = WORKBOOK,
    at: datetime = datetime(2020, 9, 1, 10, 0, tzinfo=CHINA),
    report: SchoolReport | None = None,
    problems: list[dict[str, str]] | None = None,
) -> tuple[Submission, bool]:
    return store.record_submission(
        session,
        tenant_code=tenant_code,
        campaign_id=campaign_id,
        filename="广州示范大学.xlsx",
        raw=raw,
        uploader="school-admin",
        uploaded_at=at,
        report=report,
        problems=problems or [],
        template_version="2020.1",
    )


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_an_accepted_report_comes_back_exactly(session, directory) -> None:
    report = sample_report()
    submission, created = upload(session, directory.school, directory.campaign.id, report=report)
    session.commit()
    session.expunge_all()

    assert created
    assert store.load_report(session, PROVINCE, submission.id) == report
    stored = session.get(Submission, submission.id)
    assert stored.accepted
    assert stored.raw == WORKBOOK and stored.size == len(WORKBOOK)
    assert stored.sha256 == hashlib.sha256(WORKBOOK).hexdigest()
    assert stored.uploaded_at == datetime(2020, 9, 1, 2, 0, tzinfo=UTC)
    assert stored.uploaded_at.tzinfo is UTC
    assert stored.template_version == "2020.1"


def test_reports_load_in_bulk_keyed_by_submission(session, directory) -> None:
    mine = sample_report(directory.school, staff_count=40)
    theirs = sample_report(directory.other_school, staff_count=5)
    first, _ = upload(session, directory.school, directory.campaign.id, report=mine)
    second, _ = upload(session, directory.other_school, directory.campaign.id, report=theirs)
    session.commit()

    reports = store.load_reports(session, [first.id, second.id])

    assert reports == {first.id: mine, second.id: theirs}


def test_a_byte_identical_reupload_is_recognised_and_stores_nothing(session, directory) -> None:
    first, _ = upload(session, directory.school, directory.campaign.id, report=sample_report())
    session.commit()

    again, created = upload(
        session, directory.school, directory.campaign.id, report=sample_report(), at=datetime(2020, 9, 2, tzinfo=CHINA)
    )
    session.commit()

    assert not created
    assert again.id == first.id
    assert count(session, Submission) == 1
    assert count(session, ReportStaff) == len(sample_report().staff)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # SQLite has a single writer
def test_the_same_file_sent_twice_at_once_is_stored_once(engine, session, directory) -> None:
    sessions = make_sessionmaker(engine)
    with sessions() as first, sessions() as second:
        mine, _ = upload(first, directory.school, directory.campaign.id, report=sample_report())
        racing = ThreadPoolExecutor(1).submit(
            upload, second, directory.school, directory.campaign.id, report=sample_report()
        )
        wait_until_blocked_on_a_lock(engine)
        first.commit()
        theirs, created = racing.result(timeout=30)

    assert (theirs.id, created) == (mine.id, False)
    assert count(session, Submission) == 1


def wait_until_blocked_on_a_lock(engine: Engine) -> None:
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + 30
    # Autocommit: inside a transaction PostgreSQL would keep showing the same snapshot of activity.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as watcher:
        while watcher.execute(waiting).scalar() == 0:
            assert time.monotonic() < deadline, "the second upload never waited for the first"
            time.sleep(0.01)


def test_the_same_bytes_from_another_school_are_a_new_submission(session, directory) -> None:
    upload(session, directory.school, directory.campaign.id)

    _, created = upload(session, directory.other_school, directory.campaign.id)

    assert created


def test_a_rejected_upload_is_kept_with_its_problems_and_no_report_rows(session, directory) -> None:
    problems = [{"sheet": "工作人员名单", "cell": "C7", "message": "政治面貌“党员”不在可选项中"}]
    submission, created = upload(session, directory.school, directory.campaign.id, problems=problems)
    session.commit()
    session.expunge_all()

    stored = session.get(Submission, submission.id)
    assert created and not stored.accepted
    assert stored.problems == problems
    assert stored.raw == WORKBOOK
    assert count(session, ReportSchool) == 0
    with pytest.raises(LookupError, match="没有已接收的报表"):
        store.load_report(session, PROVINCE, submission.id)


def test_recording_does_not_commit(session, directory) -> None:
    upload(session, directory.school, directory.campaign.id, report=sample_report())

    session.rollback()

    assert count(session, Submission) == 0
    assert count(session, ReportStaff) == 0


def test_latest_accepted_is_the_newest_accepted_upload_by_the_end_of_the_day_in_china(session, directory) -> None:
    campaign = directory.campaign.id
    june, _ = upload(
        session,
        directory.school,
        campaign,
        raw=b"june",
        report=sample_report(),
        at=datetime(2020, 6, 5, 9, 0, tzinfo=CHINA),
    )
    # 23:30 in Guangzhou is still 30 June there, though already 15:30 UTC.
    late_june, _ = upload(
        session,
        directory.school,
        campaign,
        raw=b"late june",
        report=sample_report(),
        at=datetime(2020, 6, 30, 23, 30, tzinfo=CHINA),
    )
    upload(session, directory.school, campaign, raw=b"rejected", at=datetime(2020, 7, 2, tzinfo=CHINA))
    july, _ = upload(
        session,
        directory.school,
        campaign,
        raw=b"july",
        report=sample_report(),
        at=datetime(2020, 7, 1, 0, 30, tzinfo=CHINA),
    )
    session.commit()

    def latest_on(day: date) -> int | None:
        found = store.latest_accepted(session, campaign, day).get(directory.school)
        return found.id if found else None

    assert latest_on(date(2020, 6, 4)) is None
    assert latest_on(date(2020, 6, 5)) == june.id
    assert latest_on(date(2020, 6, 30)) == late_june.id
    assert latest_on(date(2020, 7, 1)) == july.id
    assert latest_on(date(2020, 12, 31)) == july.id  # the later upload was rejected


def test_latest_accepted_covers_every_school_or_the_ones_asked_for(session, directory) -> None:
    campaign = directory.campaign.id
    mine, _ = upload(session, directory.school, campaign, raw=b"a", report=sample_report())
    theirs, _ = upload(session, directory.other_school, campaign, raw=b"b", report=sample_report())
    session.commit()

    everyone = store.latest_accepted(session, campaign, date(2020, 10, 1))
    only_theirs = store.latest_accepted(session, campaign, date(2020, 10, 1), [directory.other_school])

    assert {code: s.id for code, s in everyone.items()} == {
        directory.school: mine.id,
        directory.other_school: theirs.id,
    }
    assert list(only_theirs) == [directory.other_school]


def test_history_lists_every_upload_of_a_school_newest_first(session, directory) -> None:
    campaign = directory.campaign.id
    rejected, _ = upload(session, directory.school, campaign, raw=b"1", at=datetime(2020, 6, 1, tzinfo=CHINA))
    accepted, _ = upload(
        session, directory.school, campaign, raw=b"2", report=sample_report(), at=datetime(2020, 6, 2, tzinfo=CHINA)
    )
    upload(session, directory.other_school, campaign, raw=b"3")
    session.commit()

    assert [s.id for s in store.history(session, PROVINCE, directory.school, campaign)] == [accepted.id, rejected.id]


def test_a_campaigns_deadline_overrides_can_be_replaced(session, directory):
    updated = store.set_deadline_overrides(session, directory.campaign.id, {"3.1": date(2020, 7, 15)})
    assert updated.deadline_overrides == {"3.1": date(2020, 7, 15)}
    assert store.get_campaign(session, directory.campaign.id).deadline_overrides == {"3.1": date(2020, 7, 15)}
    with pytest.raises(LookupError, match="找不到验收批次"):
        store.set_deadline_overrides(session, "no-such-campaign", {})
