"""学校详情 (dashboard/views/school.py) through Streamlit's AppTest, for every role that can open it.

Uses the world of test_dashboard_board: 广州示范大学 (PASSING) has two accepted uploads and a rejected
one; 广州理工学院 (FAILED) has not started anything; 省直师范大学 (OTHER) belongs to the other unit; school1
is 广州示范大学's account.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from checks.results import Verdict
from dashboard import ui
from tenants.db import make_engine, make_sessionmaker
from tenants.models import VerdictOverrideRow
from tenants.store import audit_entries, overrides_for
from tests.conftest import PROVINCE
from tests.test_dashboard_board import (
    BOARD_DATE,
    CAMPAIGN,
    FAILED,
    INSPECTORS,
    NAMES,
    OTHER,
    PASSING,
    RECTIFY,
    SCHOOL_PAGE,
    World,
    school_table,
    seeded_world,
    signed_in,
)

REASON = "经现场复核，各项整改已于十月完成"


@pytest.fixture
def world(sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    return seeded_world(sqlite_template, tmp_path, monkeypatch)


def open_school(username: str, code: str | None, board_date: date = BOARD_DATE) -> AppTest:
    at = signed_in(username, board_date)
    if code is not None:
        at.query_params["school"] = code
    at.switch_page(SCHOOL_PAGE).run()
    assert not at.exception, at.exception
    return at


def text_of(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def badges(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "-badge[" in m.value]


def decide(at: AppTest, button: str, reason: str, verdict: Verdict = Verdict.PASSED) -> AppTest:
    """Fill in the administrator's override form and press one of its buttons."""
    at.selectbox(key="school.override.verdict").set_value(verdict)
    at.text_area(key="school.override.reason").input(reason)
    next(b for b in at.button if b.label == button).click().run()
    assert not at.exception, at.exception
    return at


def overrides_in_force(world: World) -> dict[str, Verdict]:
    with world.transaction() as session:
        return {code: o.verdict for code, o in overrides_for(session, CAMPAIGN.id).items()}


def test_the_detail_shows_verdict_score_and_the_findings_of_each_task(world: World) -> None:
    at = open_school("admin", FAILED)
    assert [s.value for s in at.subheader] == [NAMES[FAILED]]
    assert ":red-badge[未通过]" in [m.value for m in at.markdown]
    assert {m.label: m.value for m in at.metric}["得分"] == "0.0"
    labels = [e.label for e in at.expander]
    assert any(label.startswith("1. 明确职能定位") and "逾期" in label for label in labels)
    assert "不符合" in text_of(at)  # a finding with its severity …
    assert "工作人员" in text_of(at)  # … and its message


def test_a_finding_before_its_deadline_is_shown_as_an_early_warning(world: World) -> None:
    at = open_school("admin", RECTIFY, date(2020, 10, 31))  # 2.2, due that day, has no college reports heard
    assert any("2.2" in line and "（到期前须整改，期限2020年10月31日）" in line for line in text_of(at).splitlines())


def test_the_history_lists_every_upload_and_a_rejected_ones_problems(world: World) -> None:
    at = open_school("admin", PASSING)
    history = next(df.value for df in at.dataframe if "上传时间" in df.value.columns)
    assert list(history["文件名"]) == ["填错了.xlsx", "第二次.xlsx", "第一次.xlsx"]
    assert list(history["结果"]) == ["未接收", "已接收", "已接收"]
    problems = next(df.value for df in at.dataframe if "修改建议" in df.value.columns)
    assert list(problems.columns) == ui.PROBLEM_COLUMNS  # the table the upload page shows
    assert list(problems["修改建议"]) == ["学号应为数字，请改正后重新上传"]
    assert list(problems["填写内容"]) == ["张三"]


def test_the_province_may_download_the_raw_files(world: World) -> None:
    at = open_school("admin", PASSING)
    assert [b.label for b in at.get("download_button")] == ["下载所选文件"]


def test_what_changed_between_the_two_accepted_uploads(world: World) -> None:
    at = open_school("admin", PASSING)
    older, newer = at.selectbox(key="school.older"), at.selectbox(key="school.newer")
    assert "第一次.xlsx" in older.format_func(older.value)
    assert "第二次.xlsx" in newer.format_func(newer.value)
    frames = [df.value for df in at.dataframe]
    items = next(f for f in frames if "原状态" in f.columns)
    assert "5.3" in set(items["子项"])  # 推进中 in the first upload, 已完成 in the second
    figures = next(f for f in frames if "项目" in f.columns)
    assert "工作人员总数" in set(figures["项目"])
    assert any(c.value == "新增人员" for c in at.caption)
    assert next(f for f in frames if "学号" in f.columns)["姓名"].str.len().gt(0).all()


def test_a_unit_sees_figures_but_no_names_and_no_raw_files(world: World) -> None:
    at = open_school("gz", PASSING)
    assert not at.get("download_button")
    assert not any("学号" in df.value.columns or "填写内容" in df.value.columns for df in at.dataframe)
    assert "张三" not in str(at.main)
    assert any("新增" in m.value and "人" in m.value for m in at.markdown)


def test_a_unit_cannot_open_another_units_school(world: World) -> None:
    at = open_school("gz", OTHER)
    assert [e.value for e in at.error] == [f"您没有权限查看学校 {OTHER} 的数据"]
    assert not at.subheader and not at.dataframe and not at.metric


def test_a_unit_picks_among_its_own_schools_only(world: World) -> None:
    at = open_school("gz", None)
    picker = next(s for s in at.selectbox if s.label == "选择学校")
    assert OTHER not in picker.options and len(picker.options) == 4


def test_a_school_user_sees_its_own_school_without_a_selector(world: World) -> None:
    at = open_school("school1", None)
    assert [s.value for s in at.subheader] == [NAMES[PASSING]]
    assert "选择学校" not in [s.label for s in at.selectbox]
    assert [b.label for b in at.get("download_button")] == ["下载所选文件"]


def test_a_school_user_cannot_open_another_school_and_the_attempt_is_audited(world: World) -> None:
    at = open_school("school1", OTHER)
    assert [e.value for e in at.error] == [f"您没有权限查看学校 {OTHER} 的数据"]
    assert NAMES[OTHER] not in str(at.main)
    assert not at.subheader and not at.dataframe and not at.metric
    engine = make_engine(world.url)
    with make_sessionmaker(engine)() as session:
        refused = audit_entries(session, PROVINCE, actor="school1", action="permission_denied")
    engine.dispose()
    assert [e.tenant_code for e in refused] == [OTHER]


# --- on-site results and overrides -----------------------------------------------------------------------


def test_the_inspectors_result_and_note_stand_next_to_each_sub_item(world: World) -> None:
    world.inspect(PASSING, "3.1", "不符合", "校学生会实有工作人员 75 人")
    world.inspect(PASSING, "3.2", "符合")
    at = open_school("admin", PASSING)
    assert badges(at)[:2] == [":green-badge[通过验收]", ":orange-badge[限期整改]"]  # system, final
    assert {m.label: m.value for m in at.metric}["现场核查"] == "2 项"
    assert any(INSPECTORS in c.value and "2020-10-20" in c.value for c in at.caption)
    items = next(df.value for df in at.dataframe if "3.1" in set(df.value.get("子项", []))).set_index("子项")
    assert items.loc["3.1", ["现场核查结论", "核查说明"]].tolist() == ["不符合", "校学生会实有工作人员 75 人"]
    assert items.loc["3.2", "现场核查结论"] == "符合"
    assert any(e.label.startswith("3. ") and "现场核查未完全符合 1 项" in e.label for e in at.expander)


def test_an_override_shows_who_decided_when_and_why(world: World) -> None:
    world.override(FAILED, Verdict.PASSED, REASON, date(2020, 10, 25))
    at = open_school("gz", FAILED)
    assert badges(at)[:2] == [":red-badge[未通过]", ":green-badge[通过验收（改判）]"]
    [note] = [i.value for i in at.info if "改判" in i.value]
    assert note == f"省级管理员 admin 于 2020-10-25 10:00 将验收结论改判为“通过验收”。理由：{REASON}"


def test_the_province_admin_overrides_a_verdict_and_withdraws_it(world: World) -> None:
    at = open_school("admin", FAILED, board_date=ui.today())
    assert "撤销改判" not in [b.label for b in at.button]  # nothing to withdraw yet
    decide(at, "改判验收结论", REASON)
    assert [s.value for s in at.success] == ["已将验收结论改判为“通过验收”。"]
    assert badges(at)[:2] == [":red-badge[未通过]", ":green-badge[通过验收（改判）]"]
    assert any(REASON in i.value for i in at.info)
    assert overrides_in_force(world) == {FAILED: Verdict.PASSED}
    assert at.text_area(key="school.override.reason").value == ""  # the next decision needs its own reason
    decide(at, "撤销改判", "复核材料不完整，恢复系统结论")
    assert [s.value for s in at.success] == ["已撤销改判，恢复系统结论。"]
    assert badges(at)[:2] == [":red-badge[未通过]", ":red-badge[未通过]"]
    assert overrides_in_force(world) == {}
    with world.transaction() as session:
        audited = audit_entries(session, PROVINCE, actor="admin", action="verdict_override")
    assert [(e.tenant_code, e.detail["verdict"]) for e in audited] == [(FAILED, None), (FAILED, "通过验收")]


def test_the_board_shows_an_override_made_on_the_school_page(world: World) -> None:
    at = signed_in("admin", ui.today())  # the board is computed, and cached, first
    at.query_params["school"] = FAILED
    at.switch_page(SCHOOL_PAGE).run()
    decide(at, "改判验收结论", REASON)
    at.switch_page("views/board.py").run()
    assert school_table(at).set_index("code").loc[FAILED, "final"] == "通过验收（改判）"


def test_a_too_short_reason_is_refused_and_nothing_is_stored(world: World) -> None:
    at = decide(open_school("admin", FAILED, board_date=ui.today()), "改判验收结论", " 同意 ")
    assert [e.value for e in at.error] == ["请填写改判理由（至少 5 个字），理由将记入审计日志"]
    assert badges(at)[:2] == [":red-badge[未通过]", ":red-badge[未通过]"]
    with world.transaction() as session:
        assert session.scalar(select(func.count()).select_from(VerdictOverrideRow)) == 0


@pytest.mark.parametrize("username, code", [("viewer", FAILED), ("gz", FAILED), ("school1", None)])
def test_only_the_province_admin_may_override(world: World, username: str, code: str | None) -> None:
    world.override(FAILED if code else PASSING, Verdict.RECTIFY, REASON, date(2020, 10, 25))
    at = open_school(username, code)
    assert any(REASON in i.value for i in at.info)  # the decision is shown …
    assert "改判验收结论" not in [e.label for e in at.expander]  # … but not the form
    assert not {"改判验收结论", "撤销改判"} & {b.label for b in at.button}


def test_each_sub_item_shows_its_deadline_with_the_source_of_that_deadline(world: World) -> None:
    at = open_school("admin", FAILED)
    first_task = next(frame.value for frame in at.dataframe if "时限来源" in frame.value.columns)
    rows = first_task.set_index("子项")
    assert rows.loc["1.1", "完成时限"] == pd.Timestamp(2020, 6, 10)
    assert rows.loc["1.1", "时限来源"] == "通知正文 三、材料报送"
    assert rows.loc["1.2", "时限来源"] == "附件"
