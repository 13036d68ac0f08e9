"""验收总览 (dashboard/views/board.py) through Streamlit's AppTest, and the board's data and charts.

The world: five schools under two units, seen on the board date 2020-11-01 (the day after the October
deadlines, when every finding counts) —
广州示范大学 通过验收 (a 限期整改 version before), 广州职业技术学院 限期整改, 广州理工学院 未通过 (uploaded in
September), 广州城市学院 未提交, and 省直师范大学 限期整改 under the other unit. Tests add on-site inspectors'
results and province administrators' overrides with World.inspect and World.override.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
import vl_convert
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from checks.engine import assess
from checks.results import OnsiteResult, Verdict
from checks.rulebook import load_rulebook
from checks.schema import ItemStatus, SchoolReport
from dashboard import charts, data
from tenants import store
from tenants.accounts import add_user
from tenants.db import make_engine, make_sessionmaker
from tenants.principal import UserRole, local_operator
from tests.fixtures.notice import Notice, read_notice
from tests.fixtures.reports import UNIT_KINDS, minimal_compliant_report
from tests.fixtures.wust import wust_report

APP = Path(__file__).parents[1] / "dashboard" / "app.py"
SCHOOL_PAGE = "views/school.py"
BOARD_DATE = date(2020, 11, 1)
PASSWORD = "correct horse battery"
RULEBOOK = load_rulebook()
CAMPAIGN = RULEBOOK.campaign

PASSING, RECTIFY, FAILED, SILENT, OTHER = ("4144010001", "4144010002", "4144010003", "4144010004", "4144010005")
NAMES = {
    PASSING: "广州示范大学",
    RECTIFY: "广州职业技术学院",
    FAILED: "广州理工学院",
    SILENT: "广州城市学院",
    OTHER: "省直师范大学",
}
GUANGZHOU = (PASSING, RECTIFY, FAILED, SILENT)
INSPECTORS = "张三、李四"
INSPECTED_ON = date(2020, 10, 20)


@dataclass(frozen=True)
class World:
    url: str

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        engine = make_engine(self.url)
        try:
            with make_sessionmaker(engine).begin() as session:
                yield session
        finally:
            engine.dispose()

    def inspect(self, code: str, item_id: str, result: str, note: str = "") -> None:
        """The inspectors' result on one sub-item, stored as a loaded verification sheet stores it."""
        with self.transaction() as session:
            store.save_onsite_results(
                session,
                tenant_code=code,
                campaign_id=CAMPAIGN.id,
                submission_id=None,
                results=[OnsiteResult(item_id, result, note, INSPECTORS, INSPECTED_ON)],
                source_sha256=hashlib.sha256(f"{code}/{item_id}/{result}".encode()).hexdigest(),
            )

    def override(self, code: str, verdict: Verdict | None, reason: str, on: date) -> None:
        """A province administrator's decision on the morning of `on`."""
        with self.transaction() as session:
            store.record_override(
                session,
                tenant_code=code,
                campaign_id=CAMPAIGN.id,
                verdict=verdict,
                reason=reason,
                decided_by="admin",
                decided_at=datetime(on.year, on.month, on.day, 2, 0, tzinfo=UTC),
            )


def _report(code: str, base: SchoolReport) -> SchoolReport:
    return replace(base, school=replace(base.school, code=code, name=NAMES[code]))


def _not_started(report: SchoolReport) -> SchoolReport:
    return replace(
        report, items=tuple(replace(i, status=ItemStatus.NOT_STARTED, completed_on=None) for i in report.items)
    )


def _upload(session, code: str, report: SchoolReport | None, day: date, filename: str) -> None:
    at = datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)  # 10:00 in China
    problems = (
        []
        if report
        else [
            {
                "severity": "错误",
                "sheet": "工作人员名单",
                "cell": "B7",
                "field": "学号",
                "value": "张三",
                "message": "学号应为数字，请改正后重新上传",
            }
        ]
    )
    submission, _ = store.record_submission(
        session,
        tenant_code=code,
        campaign_id=CAMPAIGN.id,
        filename=filename,
        raw=f"{code}-{day}-{filename}".encode(),
        uploader=f"user{code[-1]}",
        uploaded_at=at,
        report=report,
        problems=problems,
    )
    if report is not None:
        store.save_assessment(
            session,
            submission.id,
            assess(report, RULEBOOK, CAMPAIGN, day, tenant=code, school=NAMES[code]),
            computed_at=at,
        )


def build_world(url: str) -> None:
    engine = make_engine(url)
    with make_sessionmaker(engine).begin() as session:
        store.add_unit(session, "4401", "广州市团委", "地市团委", kinds=UNIT_KINDS)
        store.add_unit(session, "SZJG", "省直机关团工委", "省直机关团工委", kinds=UNIT_KINDS)
        for code in GUANGZHOU:
            store.add_school(session, code, NAMES[code], "4401", "高职（专科）" if code == RECTIFY else "本科")
        store.add_school(session, OTHER, NAMES[OTHER], "SZJG", "本科")
        store.ensure_campaign(session, CAMPAIGN)
        _upload(session, PASSING, _report(PASSING, wust_report()), date(2020, 7, 1), "第一次.xlsx")
        _upload(session, PASSING, _report(PASSING, minimal_compliant_report()), date(2020, 9, 10), "第二次.xlsx")
        _upload(session, PASSING, None, date(2020, 9, 12), "填错了.xlsx")
        _upload(session, RECTIFY, _report(RECTIFY, wust_report()), date(2020, 7, 15), "进展.xlsx")
        _upload(session, FAILED, _report(FAILED, _not_started(wust_report())), date(2020, 9, 1), "进展.xlsx")
        _upload(session, OTHER, _report(OTHER, wust_report()), date(2020, 7, 20), "进展.xlsx")
        operator = local_operator("test")
        add_user(session, "admin", UserRole.PROVINCE_ADMIN, by=operator, password=PASSWORD)
        add_user(session, "viewer", UserRole.PROVINCE_VIEWER, by=operator, password=PASSWORD)
        add_user(session, "gz", UserRole.UNIT, by=operator, unit_code="4401", password=PASSWORD)
        add_user(session, "school1", UserRole.SCHOOL, by=operator, tenant_code=PASSING, password=PASSWORD)
    engine.dispose()


def seeded_world(template: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    """The world in a fresh SQLite file, which the app under test is pointed at."""
    path = folder / "board.db"
    shutil.copyfile(template, path)
    url = f"sqlite:///{path}"
    build_world(url)
    monkeypatch.setenv("REFORMBOARD_DATABASE_URL", url)
    monkeypatch.delenv("REFORMBOARD_APP_DATABASE_URL", raising=False)
    return World(url)


@pytest.fixture
def world(sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    return seeded_world(sqlite_template, tmp_path, monkeypatch)


def signed_in(username: str, board_date: date = BOARD_DATE) -> AppTest:
    """The app after signing in through the login form, with the sidebar's board date set."""
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.text_input[0].input(username)
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    at.date_input(key="as_of").set_value(board_date).run()
    assert not at.exception, at.exception
    return at


def school_table(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def figures(at: AppTest) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.metric}


# --- the page --------------------------------------------------------------------------------------------


def test_a_province_admin_sees_every_school_with_its_verdict_on_the_board_date(world: World) -> None:
    at = signed_in("admin")
    table = school_table(at)
    assert dict(zip(table["code"], table["verdict"], strict=False)) == {
        PASSING: "通过验收",
        RECTIFY: "限期整改",
        FAILED: "未通过",
        SILENT: "未提交",
        OTHER: "限期整改",
    }


def test_the_key_figures_add_up(world: World) -> None:
    shown = figures(signed_in("admin"))
    assert shown["范围内学校"] == 5
    assert shown["已提交"] == 4
    assert [shown[str(v)] for v in Verdict] == [1, 2, 1, 1]
    assert sum(shown[str(v)] for v in Verdict) == shown["范围内学校"]
    assert shown["逾期子项"] > 0


def test_a_unit_sees_only_the_schools_it_supervises(world: World) -> None:
    at = signed_in("gz")
    assert sorted(school_table(at)["code"]) == sorted(GUANGZHOU)
    assert figures(at)["范围内学校"] == 4
    assert NAMES[OTHER] not in str(at.main)


def test_a_province_viewer_sees_the_board(world: World) -> None:
    assert len(school_table(signed_in("viewer"))) == 5


def test_filters_narrow_the_table_and_the_figures(world: World) -> None:
    at = signed_in("admin")
    at.multiselect(key="board.verdicts").select("限期整改").run()
    assert sorted(school_table(at)["code"]) == [RECTIFY, OTHER]
    assert figures(at)["范围内学校"] == 2
    at.multiselect(key="board.units").select("广州市团委").run()
    assert list(school_table(at)["code"]) == [RECTIFY]
    at.multiselect(key="board.verdicts").unselect("限期整改").run()
    at.multiselect(key="board.units").unselect("广州市团委").run()
    at.text_input(key="board.search").input("职业").run()
    assert list(school_table(at)["code"]) == [RECTIFY]


def test_a_filter_matching_nothing_says_what_to_do(world: World) -> None:
    at = signed_in("admin")
    at.text_input(key="board.search").input("不存在的学校").run()
    assert any("放宽或清除" in info.value for info in at.info)


def test_the_board_date_changes_the_verdicts(world: World) -> None:
    at = signed_in("admin", board_date=date(2020, 8, 1))
    table = school_table(at)
    verdicts = dict(zip(table["code"], table["verdict"], strict=False))
    assert verdicts[PASSING] == "限期整改"  # its July upload; the passing one came in September
    assert verdicts[FAILED] == "未提交"
    assert figures(at)["已提交"] == 3


def test_sorting_by_score_puts_the_weakest_school_first(world: World) -> None:
    at = signed_in("admin")
    at.selectbox(key="board.sort").set_value("得分（低→高）").run()
    table = school_table(at)
    assert list(table["code"][:2]) == [SILENT, FAILED]  # no score first, then 0 points


def test_selecting_a_row_opens_that_schools_detail(world: World) -> None:
    at = signed_in("admin")
    row = list(school_table(at)["code"]).index(RECTIFY)
    at.session_state["board.table"] = {"selection": {"rows": [row], "columns": []}}
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["学校详情"]
    assert [s.value for s in at.subheader] == [NAMES[RECTIFY]]


def test_the_final_verdict_counts_the_inspectors_results_and_marks_an_override(world: World) -> None:
    world.inspect(PASSING, "3.1", "不符合", "校学生会实有工作人员 75 人")
    world.inspect(RECTIFY, "1.1", "符合")
    world.override(FAILED, Verdict.PASSED, "经现场复核，各项整改已于十月完成", date(2020, 10, 25))
    table = school_table(signed_in("admin")).set_index("code")
    assert table.loc[PASSING, ["system_verdict", "onsite", "final"]].tolist() == ["通过验收", "已核查 1 项", "限期整改"]
    assert table.loc[RECTIFY, ["system_verdict", "onsite", "final"]].tolist() == ["限期整改", "已核查 1 项", "限期整改"]
    assert table.loc[FAILED, ["system_verdict", "onsite", "final"]].tolist() == ["未通过", "未核查", "通过验收（改判）"]
    assert table.loc[SILENT, ["system_verdict", "onsite", "final"]].tolist() == ["未提交", "未核查", "未提交"]


def test_the_figures_and_the_verdict_filter_use_the_final_verdict(world: World) -> None:
    world.inspect(PASSING, "3.1", "不符合")
    world.override(FAILED, Verdict.PASSED, "经现场复核，各项整改已于十月完成", date(2020, 10, 25))
    at = signed_in("admin")
    shown = figures(at)
    assert [shown[str(v)] for v in Verdict] == [1, 3, 0, 1]
    assert shown["已提交"] == 4
    at.multiselect(key="board.verdicts").select("通过验收").run()
    assert list(school_table(at)["code"]) == [FAILED]
    at.multiselect(key="board.verdicts").unselect("通过验收").select("限期整改").run()
    assert sorted(school_table(at)["code"]) == [PASSING, RECTIFY, OTHER]


def test_an_override_counts_from_the_day_it_was_decided(world: World) -> None:
    world.override(FAILED, Verdict.PASSED, "经现场复核，各项整改已于十一月完成", date(2020, 11, 5))
    assert school_table(signed_in("admin")).set_index("code").loc[FAILED, "final"] == "未通过"
    world.override(FAILED, None, "撤销：复核材料不完整", date(2020, 11, 6))
    at = signed_in("admin", board_date=date(2020, 11, 5))
    assert school_table(at).set_index("code").loc[FAILED, "final"] == "通过验收（改判）"
    at.date_input(key="as_of").set_value(date(2020, 11, 6)).run()
    assert school_table(at).set_index("code").loc[FAILED, "final"] == "未通过"


def test_new_inspections_and_overrides_show_at_once_on_a_cached_board(world: World) -> None:
    at = signed_in("admin")
    assert school_table(at).set_index("code").loc[PASSING, "final"] == "通过验收"
    world.inspect(PASSING, "3.1", "不符合")
    at.run()
    assert school_table(at).set_index("code").loc[PASSING, "final"] == "限期整改"
    world.override(PASSING, Verdict.PASSED, "人员超编已于检查后当场整改", date(2020, 10, 30))
    at.run()
    assert school_table(at).set_index("code").loc[PASSING, "final"] == "通过验收（改判）"


def test_a_school_user_has_no_board(world: World) -> None:
    at = signed_in("school1")
    with pytest.raises(ValueError):
        at.switch_page("views/board.py")


def test_an_empty_province_says_how_to_start(
    world: World, tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "empty.db"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    with make_sessionmaker(engine).begin() as session:
        store.ensure_campaign(session, CAMPAIGN)
        add_user(session, "admin", UserRole.PROVINCE_ADMIN, by=local_operator("test"), password=PASSWORD)
    engine.dispose()
    monkeypatch.setenv("REFORMBOARD_DATABASE_URL", f"sqlite:///{path}")
    at = signed_in("admin")
    assert any("还没有登记学校" in info.value for info in at.info)


# --- data and charts -------------------------------------------------------------------------------------


def test_weekly_verdicts_count_every_school_every_week() -> None:
    stored = pd.DataFrame(
        [("A", date(2020, 5, 6), "限期整改"), ("A", date(2020, 5, 20), "通过验收"), ("B", date(2020, 5, 13), "未通过")],
        columns=["code", "as_of", "verdict"],
    )
    weekly = data.weekly_verdicts(stored, schools=3, starts_on=date(2020, 5, 4), as_of=date(2020, 5, 21))
    counts = weekly.pivot(index="week", columns="verdict", values="schools")
    assert list(counts.index) == [date(2020, 5, 10), date(2020, 5, 17), date(2020, 5, 21)]
    assert counts.loc[date(2020, 5, 10)].to_dict() == {"通过验收": 0, "限期整改": 1, "未通过": 0, "未提交": 2}
    assert counts.loc[date(2020, 5, 21)].to_dict() == {"通过验收": 1, "限期整改": 0, "未通过": 1, "未提交": 1}
    assert (counts.sum(axis=1) == 3).all()


def test_deadlines_place_every_dated_sub_item_and_count_overdue_schools() -> None:
    items = pd.DataFrame(
        [("A", "1.1", "逾期未完成"), ("B", "1.1", "已完成"), ("A", "2.3", "持续推进")],
        columns=["code", "item_id", "state"],
    )
    frame = data.deadlines(RULEBOOK, CAMPAIGN, items).set_index("item_id")
    assert "2.3" not in frame.index  # ongoing: no date
    assert len(frame) == sum(1 for i in RULEBOOK.items if i.due is not None)
    assert (frame.loc["1.1", "overdue"], frame.loc["1.1", "done"]) == (1, 1)
    assert frame.loc["1.1", "due"] == date(2020, 6, 10)  # the notice's day, not the annex's month
    assert (frame.loc["1.1", "source"], frame.loc["1.2", "source"]) == ("通知正文 三、材料报送", "附件")


def test_charts_encode_the_frames_they_are_given() -> None:
    schools = pd.DataFrame(
        {"name": ["甲", "乙", "丙"], "score": [90.0, 55.0, None], "verdict": ["通过验收", "未通过", "未提交"]}
    )
    histogram = charts.score_histogram(schools, pass_min=85, fail_below=60).to_dict()
    bars = histogram["layer"][0]
    assert bars["encoding"]["x"]["bin"] == {"extent": [0, 100], "step": 5}
    assert len(histogram["datasets"][bars["data"]["name"]]) == 2  # the school without a score is left out
    tasks = pd.DataFrame(
        {"code": ["1", "1"], "name": ["甲", "甲"], "task": ["1 明确职能定位", "2 改革运行机制"], "share": [1.0, 0.25]}
    )
    heatmap = charts.task_heatmap(tasks).to_dict()
    assert heatmap["encoding"]["x"]["sort"] == ["1 明确职能定位", "2 改革运行机制"]
    assert heatmap["encoding"]["color"]["scale"]["domain"] == [0, 1]
    timeline = charts.deadline_timeline(
        pd.DataFrame(
            {
                "item_id": ["10.1", "9.1", "1.1"],
                "task": ["t"] * 3,
                "content": ["c"] * 3,
                "due": [date(2020, 10, 31)] * 2 + [date(2020, 6, 30)],
                "overdue": [0, 2, 1],
                "done": [1, 0, 0],
            }
        ),
        as_of=date(2020, 8, 1),
    ).to_dict()
    assert timeline["layer"][0]["encoding"]["y"]["sort"] == ["1.1", "9.1", "10.1"]
    progress = charts.progress_chart(
        pd.DataFrame({"week": [date(2020, 5, 10)], "verdict": ["未提交"], "schools": [3]})
    ).to_dict()
    assert progress["encoding"]["color"]["scale"]["domain"] == [str(v) for v in Verdict]


def test_on_the_acceptance_date_the_board_splits_the_months_deadlines_at_the_day(world: World) -> None:
    at = signed_in("admin", board_date=CAMPAIGN.acceptance_on)
    assert not [frame for frame in at.dataframe if "时限来源" in frame.value.columns]  # only the open tab is drawn
    at.session_state["board.charts"] = "完成时限"  # what choosing the tab does
    at.run()
    due_by, later = [frame.value for frame in at.dataframe if "时限来源" in frame.value.columns]
    assert "1.4" in list(due_by["子项"]) and "1.3" not in list(due_by["子项"])
    assert list(later["子项"]) == [i.id for i in RULEBOOK.items if i.due == date(2020, 10, 31)]
    assert set(later["时限来源"]) == {"附件"}
    assert due_by.set_index("子项").loc["1.4", "时限来源"] == "通知正文 三、材料报送"
    assert any("10月内稍后到期的子项" in m.value for m in at.markdown)


def test_a_unit_without_schools_is_told_to_ask_the_campaigns_contact(
    world: World, tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "empty.db"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    with make_sessionmaker(engine).begin() as session:
        store.ensure_campaign(session, replace(CAMPAIGN, contact="某市团委学校部"))
        store.add_unit(session, "4401", "广州市团委", "地市团委", kinds=UNIT_KINDS)
        add_user(session, "gz", UserRole.UNIT, by=local_operator("test"), unit_code="4401", password=PASSWORD)
    engine.dispose()
    monkeypatch.setenv("REFORMBOARD_DATABASE_URL", f"sqlite:///{path}")
    at = signed_in("gz")
    assert any("请联系某市团委学校部核对学校名单" in info.value for info in at.info)


# --- the progress report (通报) --------------------------------------------------------------------------


def _progress_report(at: AppTest) -> Notice:
    at.button(key="board.report.build").click().run()
    assert not at.exception, at.exception
    _, _, file_name, data = at.session_state["board.report.file"]
    assert file_name.endswith(f"通报_{BOARD_DATE.isoformat()}.docx")
    return read_notice(data)


def test_the_progress_report_holds_the_figures_the_board_shows(world: World) -> None:
    world.override(FAILED, Verdict.PASSED, "经现场复核，各项整改已于十月完成", date(2020, 10, 25))
    at = signed_in("admin")
    shown = figures(at)
    notice = _progress_report(at)
    overall = notice.section("一、总体情况")
    assert f"纳入验收的高校共{shown['范围内学校']}所，已报送改革进展材料的{shown['已提交']}所" in overall
    assert "、".join(f"{v}{shown[str(v)]}所" for v in Verdict) in overall
    assert f"逾期未完成的子项合计{shown['逾期子项']}项" in overall
    table = school_table(at)
    # The final verdicts as the board's table shows them, the override marked (改判).
    assert {r["学校"]: r["最终结论"] for r in notice.annex} == dict(zip(table["name"], table["final"], strict=True))


def test_a_unit_downloads_the_progress_report_of_its_own_schools(world: World) -> None:
    notice = _progress_report(signed_in("gz"))
    assert sorted(r["学校"] for r in notice.annex) == sorted(NAMES[code] for code in GUANGZHOU)
    assert NAMES[OTHER] not in notice.text
    assert notice.paragraphs[0].startswith("关于广州市团委所属高校")
    assert f"以下1所高校尚未报送改革进展材料：{NAMES[SILENT]}。" in notice.section("六、未提交的高校")


def test_school_counts_are_labelled_in_whole_numbers_however_few_schools_there_are() -> None:
    schools = pd.DataFrame({"name": ["甲", "乙"], "score": [90.0, 55.0], "verdict": ["通过验收", "未通过"]})
    weekly = pd.DataFrame({"week": [date(2020, 5, 10)] * 2, "verdict": ["通过验收", "未提交"], "schools": [1, 1]})
    deadlines = pd.DataFrame(
        {
            "item_id": ["1.1", "1.2"],
            "task": ["t"] * 2,
            "content": ["c"] * 2,
            "due": [date(2020, 6, 10), date(2020, 6, 30)],
            "overdue": [1, 0],
            "done": [0, 1],
        }
    )
    for chart in (
        charts.score_histogram(schools, pass_min=85, fail_below=60),
        charts.progress_chart(weekly),
        charts.deadline_timeline(deadlines, as_of=date(2020, 8, 1)),
    ):
        svg = vl_convert.vegalite_to_svg(chart.properties(width=300).to_json())
        labels = re.findall(r">([\d.]+)</text>", svg)
        assert not {"0.2", "0.5"} & set(labels) and labels.count("1") <= 1, labels
