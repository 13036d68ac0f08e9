"""The board's Altair charts: each a pure function from a DataFrame (see dashboard.data) to a chart."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from checks.results import Verdict

VERDICT_ORDER = [str(v) for v in Verdict]
VERDICT_SCALE = alt.Scale(domain=VERDICT_ORDER, range=["#2E7D32", "#F59E0B", "#C62828", "#9CA3AF"])
ROW_HEIGHT = 18  # pixels per school in the heatmap
HEATMAP_ROWS = 50  # beyond this the heatmap shows the lowest-scoring schools only


def _whole_ticks(scale: str, most: str) -> alt.ExprRef:
    """A tick count for a scale counting schools: no more ticks than the count spans, so few schools are
    labelled 0, 1 (not 0, 0.5, 1); `most` is the count otherwise wanted."""
    return alt.ExprRef(f"max(1, min({most}, span(domain('{scale}'))))")


def _school_count_axis() -> alt.Axis:
    return alt.Axis(format="d", tickCount=_whole_ticks("y", "ceil(height / 40)"))  # Vega-Lite's own count


def _verdict_color() -> alt.Color:
    return alt.Color(
        "verdict:N", title="验收结论", scale=VERDICT_SCALE, sort=VERDICT_ORDER, legend=alt.Legend(orient="top")
    )


def task_heatmap(tasks: pd.DataFrame) -> alt.Chart:
    """School × task, coloured by the share of the task's weight earned; rows keep the frame's order."""
    return (
        alt.Chart(tasks)
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X(
                "task:N",
                title=None,
                sort=list(dict.fromkeys(tasks["task"])),
                axis=alt.Axis(orient="top", labelAngle=-40, labelLimit=160, labelOverlap=False),
            ),
            y=alt.Y(
                "name:N",
                title=None,
                sort=list(dict.fromkeys(tasks["name"])),
                axis=alt.Axis(labelLimit=200, labelOverlap=False),
            ),
            color=alt.Color(
                "share:Q",
                title="得分率",
                scale=alt.Scale(domain=[0, 1], scheme="redyellowgreen"),
                legend=alt.Legend(format=".0%", orient="top", direction="horizontal"),
            ),
            tooltip=[
                alt.Tooltip("name:N", title="学校"),
                alt.Tooltip("task:N", title="任务"),
                alt.Tooltip("share:Q", title="得分率", format=".0%"),
            ],
        )
        .properties(height=alt.Step(ROW_HEIGHT))
    )


def weakest_heatmap(tasks: pd.DataFrame, scored: pd.DataFrame) -> alt.Chart:
    """The task heatmap of the HEATMAP_ROWS lowest-scoring of the `scored` schools, weakest on top."""
    lowest = scored.sort_values(["score", "code"]).head(HEATMAP_ROWS)
    rows = tasks[tasks["code"].isin(lowest["code"])]
    order = {code: n for n, code in enumerate(lowest["code"])}
    return task_heatmap(rows.sort_values("code", key=lambda c: c.map(order), kind="stable"))  # keeps the task order


def score_histogram(schools: pd.DataFrame, pass_min: float, fail_below: float) -> alt.LayerChart | alt.FacetChart:
    """Submitted schools by score, in 5-point bins stacked by verdict, with the verdict thresholds."""
    scored = schools[schools["score"].notna()][["name", "score", "verdict"]]
    bars = (
        alt.Chart(scored)
        .mark_bar()
        .encode(
            x=alt.X("score:Q", title="得分", bin=alt.Bin(extent=[0, 100], step=5), scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("count():Q", title="学校数", axis=_school_count_axis()),
            color=_verdict_color(),
            tooltip=[alt.Tooltip("verdict:N", title="结论"), alt.Tooltip("count():Q", title="学校数")],
        )
    )
    lines = pd.DataFrame({"score": [fail_below, pass_min], "label": [f"{fail_below:g}分", f"{pass_min:g}分"]})
    rules = alt.Chart(lines).mark_rule(strokeDash=[4, 4], color="#555").encode(x="score:Q")
    labels = rules.mark_text(align="left", dx=4, dy=-6, color="#555").encode(text="label:N", y=alt.value(0))
    return alt.layer(bars, rules, labels).properties(height=260)


def progress_chart(progress: pd.DataFrame) -> alt.Chart:
    """Schools by verdict, week by week (a stacked area)."""
    frame = progress.assign(week=pd.to_datetime(progress["week"]))
    return (
        alt.Chart(frame)
        .mark_area(opacity=0.85)
        .encode(
            x=alt.X("week:T", title="周末日期", axis=alt.Axis(format="%m-%d")),
            y=alt.Y("schools:Q", title="学校数", stack="zero", axis=_school_count_axis()),
            color=_verdict_color(),
            order=alt.Order("verdict_rank:Q"),
            tooltip=[
                alt.Tooltip("week:T", title="日期", format="%Y-%m-%d"),
                alt.Tooltip("verdict:N", title="结论"),
                alt.Tooltip("schools:Q", title="学校数"),
            ],
        )
        .transform_calculate(
            verdict_rank=f"indexof({VERDICT_ORDER!r}, datum.verdict)",
        )
        .properties(height=260)
    )


def deadline_timeline(deadlines: pd.DataFrame, as_of: date) -> alt.LayerChart | alt.FacetChart:
    """Each dated sub-item at its due date, sized and coloured by how many schools are overdue on it,
    with a rule at the board date."""
    frame = deadlines.assign(due=pd.to_datetime(deadlines["due"]))
    order = list(frame.sort_values(["due", "item_id"], key=_natural)["item_id"])
    points = (
        alt.Chart(frame)
        .mark_circle(opacity=0.9, stroke="#333", strokeWidth=0.5)
        .encode(
            x=alt.X(
                "due:T",
                title="完成时限",
                scale=alt.Scale(padding=16),
                axis=alt.Axis(format="%Y-%m", tickCount={"interval": "month", "step": 1}),
            ),
            y=alt.Y("item_id:N", title="子项", sort=order, axis=alt.Axis(labelOverlap=False)),
            size=alt.Size(
                "overdue:Q",
                title="逾期学校数",
                scale=alt.Scale(range=[60, 600], zero=True),
                legend=alt.Legend(format="d", tickCount=_whole_ticks("size", "5")),
            ),
            color=alt.Color(
                "overdue:Q",
                title="逾期学校数",
                scale=alt.Scale(scheme="orangered"),
                legend=alt.Legend(format="d", tickCount=_whole_ticks("color", "5")),
            ),
            tooltip=[
                alt.Tooltip("item_id:N", title="子项"),
                alt.Tooltip("task:N", title="任务"),
                alt.Tooltip("content:N", title="内容"),
                alt.Tooltip("due:T", title="完成时限", format="%Y-%m-%d"),
                alt.Tooltip("source:N", title="时限来源"),
                alt.Tooltip("overdue:Q", title="逾期未完成"),
                alt.Tooltip("done:Q", title="已完成"),
            ],
        )
    )
    today = pd.DataFrame({"day": [pd.Timestamp(as_of)], "label": [f"看板日期 {as_of:%Y-%m-%d}"]})
    rule = alt.Chart(today).mark_rule(color="#C8102E", strokeWidth=2).encode(x="day:T")
    label = rule.mark_text(align="left", dx=4, dy=8, color="#C8102E").encode(text="label:N", y=alt.value(0))
    return alt.layer(points, rule, label).properties(height=alt.Step(ROW_HEIGHT))


def _natural(column: pd.Series) -> pd.Series:
    """Sort key putting "9.2" before "10.1"; other columns sort as they are."""
    if column.name != "item_id":
        return column
    return column.map(lambda item_id: tuple(int(part) for part in item_id.split(".")))
