"""`reformboard remind` against a real SMTP server on 127.0.0.1 (aiosmtpd), on both databases: who receives
what, once per school, step and day; failures kept and retried up to a bound; escalation after N reminders.

The Guangdong 2020 rulebook's policy: reminders 7 days and 1 day before a deadline, the day after it, then
every 7 days while overdue; the supervising unit is told once a school is still overdue after 3 reminders.
Nothing is submitted, so 1.1 (due 2020-06-10) is overdue from 2020-06-11.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import TypeVar

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from checks.rulebook import load_rulebook
from loaders.template import fill_template
from reformboard.commands.common import operator
from reformboard.context import AppContext
from reformboard.reminders import TEXT_ENCODING
from reformboard.services import reminders
from reformboard.services.reminders import NoReminderPolicy, plan
from reformboard.settings import MailSettings
from tenants import store
from tenants.accounts import add_user, get_user, principal_for
from tenants.models import AuditEntry, Delivery, Escalation, Reminder, utcnow
from tenants.principal import Principal, UserRole, local_operator
from tenants.reminders import claim, reminder_contacts, school_contacts
from tenants.submissions import china_time
from tests.conftest import PROVINCE, Directory
from tests.fixtures.ports import free_port
from tests.fixtures.reports import UNIT_KINDS
from tests.fixtures.wust import wust_report
from tests.test_dashboard_pages import frame_with, open_page, texts

RULEBOOK = load_rulebook()
SENDER = "reformboard@league.example.gov.cn"
SCHOOL_MAIL = ["tuanwei@gzsf.edu.cn", "fushuji@gzsf.edu.cn"]
UNIT_MAIL = "xuexiao@gzyouth.example.cn"
PROVINCE_MAIL = "xuexiaobu@gdyouth.example.cn"
DAY_AFTER_PLAN = date(2020, 6, 11)  # 1.1 due 2020-06-10: the step 逾期1天
Row = TypeVar("Row", Reminder, Escalation, Delivery)


@dataclass
class Inbox:
    """What the test's SMTP server received; `refuse` makes it answer 550 to every message; `while_taking`
    runs (in a thread, the server serving on) before the next message is taken."""

    port: int
    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    refuse: bool = False
    while_taking: Callable[[], object] | None = None

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's handler hook
        if self.while_taking is not None:
            run, self.while_taking = self.while_taking, None
            await asyncio.get_running_loop().run_in_executor(None, run)
        if self.refuse:
            return "550 5.7.1 Message refused by policy"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """A real SMTP server on a free port of 127.0.0.1, configured as the board's mail server."""
    received = Inbox(free_port())
    controller = Controller(received, hostname="127.0.0.1", port=received.port)
    controller.start()
    for name, value in {
        "REFORMBOARD_SMTP_HOST": "127.0.0.1",
        "REFORMBOARD_SMTP_PORT": str(controller.port),
        "REFORMBOARD_SMTP_SECURITY": "none",
        "REFORMBOARD_MAIL_FROM": SENDER,
        "REFORMBOARD_MAIL_MAX_ATTEMPTS": "3",
        "REFORMBOARD_PROVINCE_EMAIL": PROVINCE_MAIL,
    }.items():
        monkeypatch.setenv(name, value)
    yield received
    controller.stop()


@pytest.fixture
def reachable(reformboard, directory: Directory, inbox: Inbox) -> Directory:
    """The school has two addresses and its city committee one; the other school has none."""
    assert reformboard("contact", "set", "--tenant", directory.school, *SCHOOL_MAIL)[0] == 0
    assert reformboard("contact", "set", "--unit", directory.unit, UNIT_MAIL)[0] == 0
    return directory


def remind(reformboard, day: date, *more: str) -> tuple[int, str, str]:
    return reformboard("remind", "--as-of", day.isoformat(), *more)


def stored(engine: Engine, model: type[Row]) -> list[Row]:
    with Session(engine) as session:
        return list(session.scalars(select(model).order_by(model.id)))


# --- contacts ---------------------------------------------------------------------------------------


def test_contacts_are_stored_in_lower_case_and_replaced_whole(reformboard, engine, directory) -> None:
    assert reformboard("contact", "set", "--tenant", directory.school, "TuanWei@GZSF.edu.cn")[0] == 0
    code, out, _ = reformboard("contact", "set", "--tenant", directory.school, "a@gzsf.edu.cn", "b@gzsf.edu.cn")

    assert (code, out.strip()) == (0, f"已设置 {directory.school} 的联系邮箱：a@gzsf.edu.cn、b@gzsf.edu.cn")
    with Session(engine) as session:
        assert school_contacts(session) == {directory.school: ["a@gzsf.edu.cn", "b@gzsf.edu.cn"]}
        [first, _] = session.scalars(select(AuditEntry).where(AuditEntry.action == "contacts_set")).all()
        assert first.detail["emails"] == ["tuanwei@gzsf.edu.cn"]


@pytest.mark.parametrize("bad", ["tuanwei", "tuanwei@", "tuan wei@gzsf.edu.cn", "tuanwei@gzsf", "a@b..cn"])
def test_a_malformed_address_is_refused_in_chinese_and_nothing_changes(reformboard, engine, directory, bad) -> None:
    assert reformboard("contact", "set", "--tenant", directory.school, "ok@gzsf.edu.cn")[0] == 0

    code, _, err = reformboard("contact", "set", "--tenant", directory.school, "new@gzsf.edu.cn", bad)

    assert code == 1 and "格式不正确，应形如 tuanwei@example.edu.cn" in err
    with Session(engine) as session:
        assert school_contacts(session) == {directory.school: ["ok@gzsf.edu.cn"]}


def workbook(tmp_path: Path, school: str, contact_email: str) -> Path:
    """The 武汉科技大学 report as `school`'s, giving `contact_email` in 学校信息."""
    base = wust_report()
    info = replace(base.school, code=school, contact_email=contact_email)
    path = tmp_path / f"{school}.xlsx"
    path.write_bytes(fill_template(replace(base, school=info), RULEBOOK, RULEBOOK.campaign))
    return path


def test_without_addresses_set_the_workbooks_are_used_and_set_ones_win(reformboard, engine, directory, tmp_path):
    filled = workbook(tmp_path, directory.school, "TW@gzsf.edu.cn、fsj@gzsf.edu.cn")
    assert reformboard("load", str(filled), "--received-on", "2020-10-20")[0] == 0

    def contacts(day: date) -> dict[str, list[str]]:
        with Session(engine) as session:
            return reminder_contacts(session, directory.campaign.id, day)

    assert contacts(date(2020, 10, 19)) == {}  # not yet received
    assert contacts(date(2020, 10, 21)) == {directory.school: ["tw@gzsf.edu.cn", "fsj@gzsf.edu.cn"]}
    assert reformboard("contact", "set", "--tenant", directory.school, "office@gzsf.edu.cn")[0] == 0
    assert contacts(date(2020, 10, 21)) == {directory.school: ["office@gzsf.edu.cn"]}


def test_a_malformed_address_in_the_workbook_is_a_problem_in_its_cell(reformboard, directory, tmp_path) -> None:
    code, out, err = reformboard("load", str(workbook(tmp_path, directory.school, "tw@gzsf")))

    assert code == 1 and "邮箱地址“tw@gzsf”格式不正确" in out + err


def test_a_unit_that_does_not_exist_is_refused(reformboard, directory) -> None:
    code, _, err = reformboard("contact", "set", "--unit", "4499", "a@b.cn")

    assert (code, err.strip()) == (1, "错误：找不到单位代码为 4499 的单位")


# --- reminders --------------------------------------------------------------------------------------


def test_the_reminder_reaches_the_schools_contacts_with_its_items_and_the_notice_attached(
    reformboard, reachable, inbox
) -> None:
    code, out, _ = remind(reformboard, DAY_AFTER_PLAN)

    assert code == 0
    [(recipients, message)] = inbox.messages
    assert recipients == SCHOOL_MAIL
    assert message["From"] == SENDER
    assert message["Subject"] == ("关于督促广州示范大学加快推进学生会（研究生会）深化改革的提醒函（2020年6月11日）")
    body = message.get_body(("plain",)).get_content()
    assert "广州示范大学团委：" in body
    assert "1.1 " in body and "（完成时限：2020年6月10日，已逾期1天；目前未填报完成情况）" in body
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == "4144010558_广州示范大学_提醒函_2020-06-11.txt"
    notice = attachment.get_payload(decode=True).decode(TEXT_ENCODING)
    assert notice.startswith("关于督促广州示范大学加快推进学生会（研究生会）深化改革的提醒函\n")
    assert "已逾期1天" in notice
    assert "广州示范大学（4144010558）[逾期1天] → tuanwei@gzsf.edu.cn、fushuji@gzsf.edu.cn" in out


def test_each_send_is_recorded_with_recipients_time_message_id_and_result(reformboard, engine, reachable, inbox):
    remind(reformboard, DAY_AFTER_PLAN)

    [reminder] = stored(engine, Reminder)
    [delivery] = stored(engine, Delivery)
    [(_, message)] = inbox.messages
    assert (reminder.step, reminder.attempts, reminder.message_id) == ("逾期1天", 1, message["Message-ID"])
    assert reminder.sent_at is not None and reminder.sent_by.startswith("cli:")
    assert (delivery.recipients, delivery.ok, delivery.message_id) == (SCHOOL_MAIL, True, message["Message-ID"])
    assert delivery.reminder_id == reminder.id


def test_a_school_without_an_address_is_listed_as_unreachable(reformboard, engine, reachable, inbox) -> None:
    _, out, _ = remind(reformboard, DAY_AFTER_PLAN, "--dry-run")

    assert "无联系邮箱、无法提醒的学校 1 个：\n  广州职业技术学院（4144010559）[逾期1天]" in out
    assert inbox.messages == [] and stored(engine, Reminder) == []


def test_running_twice_on_a_day_sends_once(reformboard, engine, reachable, inbox) -> None:
    remind(reformboard, DAY_AFTER_PLAN)
    code, out, _ = remind(reformboard, DAY_AFTER_PLAN)

    assert code == 0 and "本次新发提醒 0 封" in out and "已发送 0 封" in out
    assert len(inbox.messages) == 1 and len(stored(engine, Reminder)) == 1


def stored_reminder(session, directory: Directory, step: str) -> Reminder:
    """A reminder of 1.1 stored for the school the day after the plan was due, as `remind` stores one."""
    reminder = store.create_reminder(
        session,
        tenant_code=directory.school,
        campaign_id=directory.campaign.id,
        as_of=DAY_AFTER_PLAN,
        items=["1.1"],
        text="",
        created_by="test",
        step=step,
    )
    session.flush()
    return reminder


def test_the_database_refuses_a_second_reminder_for_the_same_school_step_and_day(session, reachable) -> None:
    stored_reminder(session, reachable, "逾期1天")
    with pytest.raises(Exception, match="(?i)unique"):
        stored_reminder(session, reachable, "逾期1天")


def remind_now(day: date) -> reminders.Outcome:
    """A second `remind` run, as the command runs it, returning what it did."""
    ctx = AppContext.open()
    try:
        return reminders.run(ctx, operator(), day)
    finally:
        ctx.engine.dispose()


def test_a_run_started_while_another_is_sending_a_reminder_skips_it(reformboard, engine, reachable, inbox) -> None:
    second: list[reminders.Outcome] = []
    inbox.while_taking = lambda: second.append(remind_now(DAY_AFTER_PLAN))

    code, _, _ = remind(reformboard, DAY_AFTER_PLAN)

    [skipped] = second
    assert code == 0 and len(inbox.messages) == 1
    assert (skipped.sent, skipped.busy) == ([], [f"广州示范大学（{reachable.school}）"])
    [reminder] = stored(engine, Reminder)
    assert (reminder.attempts, reminder.claimed_at, reminder.sent_at is not None) == (1, None, True)
    assert len(stored(engine, Delivery)) == 1


def test_an_e_mail_for_several_rows_is_claimed_whole_or_not_at_all(session, reachable) -> None:
    first, second = stored_reminder(session, reachable, "逾期1天"), stored_reminder(session, reachable, "到期前7天")
    now = utcnow()
    claimed = {"max_attempts": 3, "now": now, "stale": now - timedelta(minutes=15)}

    assert claim(session, [second], **claimed)
    assert not claim(session, [first, second], **claimed)  # `second` is being sent
    assert claim(session, [first], **claimed)  # the refused claim took nothing


class Killed(BaseException):
    """The run dies while the server takes the message (kill -9, a power cut)."""


def test_a_reminder_whose_run_died_mid_send_is_sent_once_its_claim_is_stale(
    reformboard, engine, reachable, inbox, monkeypatch
) -> None:
    def die(settings, message):
        raise Killed

    with monkeypatch.context() as dying:
        dying.setattr(reminders.mail, "send", die)
        with pytest.raises(Killed):
            remind(reformboard, DAY_AFTER_PLAN)
    [claimed] = stored(engine, Reminder)
    assert claimed.claimed_at is not None and claimed.attempts == 0

    _, out, _ = remind(reformboard, DAY_AFTER_PLAN)  # within REFORMBOARD_MAIL_CLAIM_MINUTES: maybe still sending
    assert inbox.messages == [] and "另一次运行正在发送、本次跳过 1 封" in out

    with engine.begin() as connection:  # the claim's minutes pass
        lapsed = utcnow() - timedelta(minutes=MailSettings.from_env({}).claim_minutes + 1)
        connection.execute(update(Reminder).values(claimed_at=lapsed))
    remind(reformboard, DAY_AFTER_PLAN)

    [(recipients, _)] = inbox.messages
    [reminder] = stored(engine, Reminder)
    assert recipients == SCHOOL_MAIL and (reminder.attempts, reminder.claimed_at) == (1, None)


def test_no_step_falls_between_the_policys_days(reformboard, reachable, inbox) -> None:
    for day in (date(2020, 6, 12), date(2020, 6, 13)):  # 逾期2天, 逾期3天: neither is a step
        remind(reformboard, day)

    assert inbox.messages == []


@pytest.mark.parametrize("down", [False, True], ids=["refused", "down"])
def test_a_failed_send_stays_pending_and_is_retried_on_the_next_run(
    reformboard, engine, reachable, inbox, monkeypatch, down
) -> None:
    if down:
        monkeypatch.setenv("REFORMBOARD_SMTP_PORT", str(free_port()))  # nothing listens there
    else:
        inbox.refuse = True

    code, _, err = remind(reformboard, DAY_AFTER_PLAN)

    assert code == 1 and "发送失败 1 封（下次运行时重发）" in err
    [reminder] = stored(engine, Reminder)
    assert (reminder.sent_at, reminder.attempts) == (None, 1)
    assert ("550" if not down else "无法连接邮件服务器") in reminder.last_error
    [failed] = stored(engine, Delivery)
    assert not failed.ok and failed.error == reminder.last_error
    _, out, _ = remind(reformboard, date(2020, 6, 12), "--dry-run")
    assert "此前未发出、将重发 1 封：\n  提醒 4144010558 2020-06-11（已尝试 1 次：" in out

    inbox.refuse = False
    monkeypatch.setenv("REFORMBOARD_SMTP_PORT", str(inbox.port))
    code, _, _ = remind(reformboard, date(2020, 6, 12))  # the next day: no new step, the old one retried

    assert code == 0
    [(recipients, message)] = inbox.messages
    assert recipients == SCHOOL_MAIL and message["Subject"].endswith("（2020年6月11日）")
    [reminder] = stored(engine, Reminder)
    assert (reminder.attempts, reminder.sent_at is not None, reminder.last_error) == (2, True, "")


def test_retries_stop_after_the_configured_number_of_attempts(reformboard, engine, reachable, inbox) -> None:
    inbox.refuse = True
    for day in (date(2020, 6, 11), date(2020, 6, 12), date(2020, 6, 13), date(2020, 6, 14)):
        remind(reformboard, day)
    inbox.refuse = False

    remind(reformboard, date(2020, 6, 15))

    [reminder] = stored(engine, Reminder)
    assert (reminder.attempts, reminder.sent_at) == (3, None)  # REFORMBOARD_MAIL_MAX_ATTEMPTS
    assert len(stored(engine, Delivery)) == 3 and inbox.messages == []


def test_without_a_mail_server_remind_refuses_but_dry_run_lists(reformboard, directory, monkeypatch) -> None:
    monkeypatch.delenv("REFORMBOARD_SMTP_HOST", raising=False)
    code, _, err = remind(reformboard, DAY_AFTER_PLAN)

    assert code == 1 and "未配置发信服务器" in err
    assert remind(reformboard, DAY_AFTER_PLAN, "--dry-run")[0] == 0


def test_a_rulebook_without_a_schedule_is_refused_in_chinese(session, directory) -> None:
    otherland = load_rulebook(Path(__file__).parent / "data" / "rulebooks" / "otherland-2021.toml")
    with pytest.raises(NoReminderPolicy, match=r"没有 \[reminders\] 表"):
        plan(session, PROVINCE, otherland, directory.campaign, DAY_AFTER_PLAN, MailSettings.from_env({}))


# --- escalation -------------------------------------------------------------------------------------

REMINDER_DAYS = (date(2020, 6, 11), date(2020, 6, 18), date(2020, 6, 25))  # 1.1 逾期1、8、15天
ESCALATION_DAY = date(2020, 7, 1)  # the month-end items 逾期1天; 1.1 still overdue after 3 reminders
# 1.1, and the month-end items the reminder of 2020-06-25 named as due soon, all overdue on ESCALATION_DAY
ESCALATED_ITEMS = ["1.1", "1.2", "3.1", "7.1", "8.1"]


def escalations_to(inbox: Inbox, address: str) -> list[EmailMessage]:
    return [m for to, m in inbox.messages if to == [address]]


def test_a_school_still_overdue_after_three_reminders_is_escalated_to_its_city_committee_once(
    reformboard, engine, reachable, inbox
) -> None:
    for day in REMINDER_DAYS:
        remind(reformboard, day)
    assert escalations_to(inbox, UNIT_MAIL) == []

    remind(reformboard, ESCALATION_DAY)
    remind(reformboard, ESCALATION_DAY)
    remind(reformboard, date(2020, 7, 8))  # 逾期8天: a fourth reminder, not yet three since the escalation

    [message] = escalations_to(inbox, UNIT_MAIL)
    assert message["Subject"] == "关于督办广州市团委所属高校学生会（研究生会）深化改革逾期任务的函（2020年7月1日）"
    body = message.get_body(("plain",)).get_content()
    assert "广州示范大学（4144010558）：已提醒3次，仍有5项任务逾期未完成" in body
    [row, _] = stored(engine, Escalation)  # the other row: the school without an address (below)
    assert (row.tenant_code, row.unit_code, row.reminders, row.items) == (reachable.school, "4401", 3, ESCALATED_ITEMS)
    assert row.text in body and "已逾期21天" in row.text and row.text.count("已逾期1天") == 4
    assert row.sent_at is not None and row.message_id == message["Message-ID"]


def test_a_school_without_an_address_is_escalated_with_the_others_marked_as_unreachable(
    reformboard, engine, reachable, inbox
) -> None:
    for day in (*REMINDER_DAYS, ESCALATION_DAY):
        remind(reformboard, day)

    [message] = escalations_to(inbox, UNIT_MAIL)
    body = message.get_body(("plain",)).get_content()
    assert (
        f"广州职业技术学院（{reachable.other_school}）：未设置联系邮箱，无法提醒（按提醒时点应提醒3次），"
        "请督促其报送联系邮箱，仍有5项任务逾期未完成"
    ) in body
    [_, row] = stored(engine, Escalation)
    assert (row.tenant_code, row.reminders, row.items) == (reachable.other_school, 3, ESCALATED_ITEMS)


def test_schools_under_the_province_directly_escalate_to_the_province(reformboard, session, directory, inbox):
    store.add_unit(session, "SZJG", "省直机关团工委", "省直机关团工委", kinds=UNIT_KINDS)
    store.add_school(session, "4144010001", "省直师范大学", "SZJG")
    session.commit()
    assert reformboard("contact", "set", "--tenant", "4144010001", "tw@szsf.edu.cn")[0] == 0

    for day in (*REMINDER_DAYS, ESCALATION_DAY):
        remind(reformboard, day)

    [message] = escalations_to(inbox, PROVINCE_MAIL)
    assert "省直师范大学（4144010001）：已提醒3次" in message.get_body(("plain",)).get_content()


def test_a_city_committee_without_an_address_is_listed_as_unreachable(reformboard, directory, inbox) -> None:
    assert reformboard("contact", "set", "--tenant", directory.school, *SCHOOL_MAIL)[0] == 0
    for day in REMINDER_DAYS:
        remind(reformboard, day)

    _, out, _ = remind(reformboard, ESCALATION_DAY, "--dry-run")

    assert "无联系邮箱、无法督办的单位 1 个：\n  广州市团委（2所学校）" in out  # neither school has an address


# --- the 提醒督办 page --------------------------------------------------------------------------------


@pytest.fixture
def viewer(session: Session, directory: Directory) -> Principal:
    add_user(session, "viewer", UserRole.PROVINCE_VIEWER, by=local_operator("test"), email="viewer@example.cn")
    session.commit()
    return principal_for(get_user(session, "viewer"))


def test_the_page_lists_the_escalations_remind_is_due_to_send_marking_schools_without_an_address(
    reformboard, reachable, inbox, viewer
) -> None:
    for day in REMINDER_DAYS:
        remind(reformboard, day)

    at = open_page("reminders", viewer, as_of=ESCALATION_DAY)
    _, out, _ = remind(reformboard, ESCALATION_DAY, "--dry-run")

    planned = frame_with(at, "提醒情况")
    assert dict(zip(planned["标识码"], planned["提醒情况"], strict=True)) == {
        reachable.school: "已提醒 3 次",
        reachable.other_school: "无联系邮箱，无法提醒（按提醒时点应提醒 3 次）",
    }
    assert set(planned["督办邮件（主管单位）"]) == {"待发送（运行提醒时发往主管单位）"}
    assert (
        f"广州示范大学（{reachable.school}）、广州职业技术学院（{reachable.other_school}）" in out
    )  # as remind decides


def test_the_page_lists_the_escalations_remind_stored_with_what_the_unit_was_told(
    reformboard, reachable, inbox, viewer
) -> None:
    for day in (*REMINDER_DAYS, ESCALATION_DAY):
        remind(reformboard, day)

    at = open_page("reminders", viewer, as_of=ESCALATION_DAY)

    assert "本统计日期没有待督办的学校" in texts(at)
    recorded = frame_with(at, "督办内容").set_index("标识码")
    assert recorded.loc[reachable.school, "督办内容"].startswith(f"广州示范大学（{reachable.school}）：已提醒3次")
    assert recorded.loc[reachable.other_school, "督办内容"].startswith(
        f"广州职业技术学院（{reachable.other_school}）：未设置联系邮箱，无法提醒"
    )
    assert set(recorded["督办邮件状态"]) == {"已发送邮件"}


def dying_on(monkeypatch: pytest.MonkeyPatch, subject: str) -> None:
    """The run dies while sending the e-mail whose subject begins with `subject`, leaving its claim."""
    send = reminders.mail.send

    def sending(settings, message):
        if str(message["Subject"]).startswith(subject):
            raise Killed
        return send(settings, message)

    monkeypatch.setattr(reminders.mail, "send", sending)


def mail_states(at: AppTest, state: str) -> dict[str, str]:
    """School code -> what the page's column `state` says of its e-mail."""
    frame = frame_with(at, state)
    return dict(zip(frame["标识码"], frame[state], strict=True))


@pytest.mark.parametrize(
    ("model", "subject", "days", "state", "prefix"),
    [
        (Reminder, "关于督促", (DAY_AFTER_PLAN,), "提醒邮件", "2020-06-11（逾期1天）："),
        (Escalation, "关于督办", (*REMINDER_DAYS, ESCALATION_DAY), "督办邮件状态", ""),
    ],
    ids=["reminder", "escalation"],
)
def test_an_e_mail_being_sent_shows_as_sending_until_its_claim_lapses(
    reformboard, engine, reachable, inbox, viewer, monkeypatch, model, subject, days, state, prefix
) -> None:
    *before, day = days
    with monkeypatch.context() as dying:
        dying_on(dying, subject)
        for earlier in before:
            remind(reformboard, earlier)
        with pytest.raises(Killed):
            remind(reformboard, day)
    claimed = next(row for row in stored(engine, model) if row.tenant_code == reachable.school)
    assert claimed.claimed_at is not None and claimed.sent_at is None

    sending = mail_states(open_page("reminders", viewer, as_of=day), state)
    with engine.begin() as connection:  # the claim's minutes pass: its run died
        lapsed = utcnow() - timedelta(minutes=MailSettings.from_env({}).claim_minutes + 1)
        connection.execute(update(model).values(claimed_at=lapsed))
    pending = mail_states(open_page("reminders", viewer, as_of=day), state)

    assert sending[reachable.school] == f"{prefix}发送中（{china_time(claimed.claimed_at)} 起）"
    assert pending[reachable.school] == f"{prefix}待发送"
