"""The figures of the province's progress report (通报): the acceptance board of one date, as plain data.

Everything comes from the board's own tables (reformboard.board_tables over reformboard.board.standings,
for the schools the principal sees, exactly as the board page reads them) and the board's own Altair
charts (dashboard.charts), rendered to PNG without a browser by vl-convert. Nothing here imports
Streamlit: the command line builds the same figures as the page.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import altair as alt
import pandas as pd
import vl_convert
from sqlalchemy.orm import Session

from checks.campaign import Campaign
from checks.results import DeadlineState, Severity, Verdict
from checks.rulebook import Rulebook
from dashboard import charts
from reformboard import board_tables
from reformboard.board import BoardLine, Memo, Standing, standings
from reformboard.errors import UserFacingError
from tenants.access import visible_tenants
from tenants.documents import material_receipts
from tenants.models import Tenant
from tenants.principal import Principal, UserRole
from tenants.store import list_units

PROVINCE_SCOPE = "全省"
CHART_WIDTH = 480  # pixels of the plotting area: at the document's text width its labels print at about 8 pt
CHART_SCALE = 2  # pixels per CSS pixel: sharp when printed


@dataclass(frozen=True)
class SubItem:
    item_id: str  # "3.1"
    task: str  # its task's name, "坚持精简原则"


@dataclass(frozen=True)
class OverdueItem(SubItem):
    deadline: date
    days: int  # days past the deadline on the report's date


@dataclass(frozen=True)
class SchoolLine:
    """A school as the board's table shows it, with what it must put right."""

    code: str
    name: str
    unit: str
    school_type: str
    score: float | None  # None until it submitted
    system_verdict: str
    verdict: str  # the final verdict: on-site results and overrides included
    overridden: bool
    overdue_items: tuple[OverdueItem, ...]
    violations: tuple[SubItem, ...]  # sub-items with a finding of 不符合 that counts (not an early warning)
    onsite_failed: tuple[SubItem, ...]  # sub-items the on-site inspectors found 不符合
    last_upload: date | None


@dataclass(frozen=True)
class UnitLine:
    unit: str
    schools: int
    verdicts: tuple[int, ...]  # schools per final verdict, in Verdict's order
    overdue: int  # overdue sub-items summed over its schools


@dataclass(frozen=True)
class TaskLine:
    task: str  # "1 明确职能定位"
    mean_share: float | None  # mean share of the task's weight earned by the submitted schools
    full_marks: int  # submitted schools that earned all of it
    overdue: int  # schools overdue on one of its sub-items, counted per sub-item


@dataclass(frozen=True)
class ItemLine(SubItem):
    due: date
    overdue: int  # schools overdue on it


@dataclass(frozen=True)
class ChartImage:
    title: str
    note: str
    png: bytes


@dataclass(frozen=True)
class ProgressFigures:
    scope: str  # 全省, or "<unit>所属"
    addressees: tuple[str, ...]
    campaign: str
    rulebook: str
    rulebook_source: str
    contact_office: str
    as_of: date
    schools: tuple[SchoolLine, ...]  # in school-code order
    verdicts: Mapping[str, int]  # schools per final verdict, every verdict present
    submitted: int
    overdue: int  # overdue sub-items summed over the schools
    due_soon: int  # open sub-items due within due_soon_days, summed over the schools
    due_soon_days: int
    pass_min_score: float  # the rulebook's score lines: 通过验收 from here …
    fail_below_score: float  # … 未通过 below this
    units: tuple[UnitLine, ...]
    tasks: tuple[TaskLine, ...]
    items: tuple[ItemLine, ...]  # the dated sub-items, most overdue schools first
    overview_charts: tuple[ChartImage, ...]  # the board's trend and score histogram
    task_charts: tuple[ChartImage, ...]  # the board's task heatmap and deadline timeline

    def with_verdict(self, verdict: Verdict) -> list[SchoolLine]:
        return [school for school in self.schools if school.verdict == verdict]


def progress_figures(
    session: Session,
    principal: Principal,
    rulebook: Rulebook,
    campaign: Campaign,
    as_of: date,
    unit_code: str | None = None,
    memo: Memo | None = None,
) -> ProgressFigures:
    """The board of `as_of` for the schools the principal sees (only those of `unit_code` when given)."""
    units = {u.code: u.name for u in list_units(session)}
    schools = _schools_in_scope(session, principal, units, unit_code)
    codes = [s.code for s in schools]
    found = standings(session, principal, rulebook, campaign, as_of, codes, memo)
    receipts = material_receipts(session, principal, campaign.id, codes)
    tables = board_tables.tables(list(map(BoardLine.of, found)), units, rulebook, campaign, receipts)
    frame = tables.schools
    deadlines = board_tables.deadlines(rulebook, campaign, tables.items)
    weekly = board_tables.progress(session, campaign, codes, as_of)
    verdicts = frame["verdict"].value_counts()
    scope_unit = unit_code or (principal.unit_code if principal.role is UserRole.UNIT else None)
    return ProgressFigures(
        scope=f"{units[scope_unit]}所属" if scope_unit else PROVINCE_SCOPE,
        addressees=_addressees(schools, units, one_unit=scope_unit is not None),
        campaign=campaign.name,
        rulebook=rulebook.name,
        rulebook_source=rulebook.source,
        contact_office=campaign.contact_office,
        as_of=as_of,
        schools=tuple(
            _school_line(standing, row, rulebook) for standing, row in zip(found, frame.to_dict("records"), strict=True)
        ),
        verdicts={str(v): int(verdicts.get(str(v), 0)) for v in Verdict},
        submitted=int((frame["system_verdict"] != Verdict.NOT_SUBMITTED).sum()),
        overdue=int(frame["overdue"].sum()),
        due_soon=int(frame["due_soon"].sum()),
        due_soon_days=board_tables.DUE_SOON_DAYS,
        pass_min_score=rulebook.verdict.pass_min_score,
        fail_below_score=rulebook.verdict.fail_below_score,
        units=_unit_lines(frame),
        tasks=_task_lines(tables, deadlines),
        items=_item_lines(rulebook, deadlines),
        overview_charts=_overview_charts(rulebook, frame, weekly),
        task_charts=_task_charts(tables, deadlines, as_of),
    )


def _schools_in_scope(
    session: Session, principal: Principal, units: Mapping[str, str], unit_code: str | None
) -> list[Tenant]:
    """The schools the board shows the principal, narrowed to one unit when asked."""
    if unit_code is not None and unit_code not in units:
        raise UserFacingError(f"找不到主管单位 {unit_code}")
    schools = [s for s in visible_tenants(session, principal) if unit_code in (None, s.unit_code)]
    if not schools:
        where = f"主管单位{units[unit_code]}" if unit_code else "您的范围内"
        raise UserFacingError(f"{where}没有可查看的学校，无法生成通报")
    return schools


def _addressees(schools: list[Tenant], units: Mapping[str, str], *, one_unit: bool) -> tuple[str, ...]:
    """主送: one unit's report goes to its schools' League committees; the province's to every unit and school."""
    if one_unit:
        return tuple(f"{school.name}团委" for school in schools)
    return (*(units[code] for code in sorted({school.unit_code for school in schools})), "各高校团委")


def _school_line(standing: Standing, row: Mapping[Hashable, Any], rulebook: Rulebook) -> SchoolLine:
    """`row`: the school's record of the board's table (pandas gives values untyped)."""
    assessment = standing.assessment
    overdue = tuple(
        OverdueItem(
            item.item_id, _task_name(rulebook, item.item_id), item.deadline, (assessment.as_of - item.deadline).days
        )
        for item in assessment.items
        if item.state is DeadlineState.OVERDUE and item.deadline is not None
    )
    violations = [
        item.item_id
        for item in assessment.items
        if any(f.counts and f.severity is Severity.VIOLATION for f in item.findings)
    ]
    failed = [
        item_id
        for item_id, result in standing.onsite.items()
        if rulebook.onsite_severity.get(result.result) is Severity.VIOLATION
    ]
    score, last_upload = row["score"], row["last_upload"]
    return SchoolLine(
        code=str(row["code"]),
        name=str(row["name"]),
        unit=str(row["unit"]),
        school_type=str(row["school_type"] or ""),
        score=None if pd.isna(score) else float(score),
        system_verdict=str(row["system_verdict"]),
        verdict=str(row["verdict"]),
        overridden=standing.override is not None,
        overdue_items=overdue,
        violations=_sub_items(rulebook, violations),
        onsite_failed=_sub_items(rulebook, sorted(failed, key=_natural)),
        last_upload=None if pd.isna(last_upload) else last_upload.date(),
    )


def _sub_items(rulebook: Rulebook, item_ids: Iterable[str]) -> tuple[SubItem, ...]:
    return tuple(SubItem(item_id, _task_name(rulebook, item_id)) for item_id in item_ids)


def _task_name(rulebook: Rulebook, item_id: str) -> str:
    return rulebook.task(rulebook.item(item_id).task_id).name


def _unit_lines(frame: pd.DataFrame) -> tuple[UnitLine, ...]:
    lines = []
    for unit, group in frame.groupby("unit", sort=True):
        counts = group["verdict"].value_counts()
        lines.append(
            UnitLine(
                str(unit), len(group), tuple(int(counts.get(str(v), 0)) for v in Verdict), int(group["overdue"].sum())
            )
        )
    return tuple(lines)


def _task_lines(tables: board_tables.Board, deadlines: pd.DataFrame) -> tuple[TaskLine, ...]:
    """Per task, over the submitted schools (the heatmap's rows) and the dated sub-items."""
    scored = tables.schools.loc[tables.schools["score"].notna(), "code"]
    shares = tables.tasks[tables.tasks["code"].isin(scored)]
    overdue = deadlines.groupby("task")["overdue"].sum()
    lines = []
    for task in dict.fromkeys(tables.tasks["task"]):
        task_shares = shares.loc[shares["task"] == task, "share"]
        lines.append(
            TaskLine(
                task,
                float(task_shares.mean()) if len(task_shares) else None,
                int((task_shares.round(6) >= 1).sum()),  # shares are sums of float credits
                int(overdue.get(task, 0)),
            )
        )
    return tuple(lines)


def _item_lines(rulebook: Rulebook, deadlines: pd.DataFrame) -> tuple[ItemLine, ...]:
    lines = [
        ItemLine(r["item_id"], _task_name(rulebook, r["item_id"]), r["due"], int(r["overdue"]))
        for r in deadlines.to_dict("records")
    ]
    return tuple(sorted(lines, key=lambda line: (-line.overdue, _natural(line.item_id))))


def _natural(item_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in item_id.split("."))


def _overview_charts(rulebook: Rulebook, schools: pd.DataFrame, weekly: pd.DataFrame) -> tuple[ChartImage, ...]:
    """The board's trend and, once a school has a score, its score histogram, over the whole scope."""
    trend = ChartImage(
        "各校验收结论推进趋势",
        "按各校每次上传当天的系统结论逐周统计，不含现场核查和改判。",
        _png(charts.progress_chart(weekly)),
    )
    if schools["score"].isna().all():
        return (trend,)
    verdict = rulebook.verdict
    histogram = ChartImage(
        "已提交高校得分分布",
        f"虚线为验收结论的分数线（{verdict.fail_below_score:g}分、{verdict.pass_min_score:g}分）。",
        _png(charts.score_histogram(schools, verdict.pass_min_score, verdict.fail_below_score)),
    )
    return trend, histogram


def _task_charts(tables: board_tables.Board, deadlines: pd.DataFrame, as_of: date) -> tuple[ChartImage, ...]:
    """The board's heatmap, once a school has a score, and its deadline timeline, over the whole scope."""
    timeline = ChartImage(
        "各子项完成时限及逾期学校数",
        "圆点越大，逾期未完成的学校越多；“全年持续推进”的子项没有固定时限，未列出。",
        _png(charts.deadline_timeline(deadlines, as_of)),
    )
    scored = tables.schools[tables.schools["score"].notna()]
    if scored.empty:
        return (timeline,)
    lowest = f"中得分最低的{charts.HEATMAP_ROWS}所" if len(scored) > charts.HEATMAP_ROWS else ""
    heatmap = ChartImage(
        "各校任务完成情况（得分率）",
        f"已提交的{len(scored)}所高校{lowest}，按得分由低到高排列。",
        _png(charts.weakest_heatmap(tables.tasks, scored)),
    )
    return heatmap, timeline


def _png(chart: alt.TopLevelMixin) -> bytes:
    return vl_convert.vegalite_to_png(chart.properties(width=CHART_WIDTH).to_json(), scale=CHART_SCALE)
