"""The acceptance board's tables, built from the board lines of a date (reformboard.board): one row per school (with its required
materials' statuses), per school and task, per school and sub-item, the weekly verdicts and the sub-items'
deadlines.

The board page (dashboard.data caches them per scope) and the progress report (reformboard.progress_figures)
both read these, so the document prints exactly the figures the board shows for the same date.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy.orm import Session

from checks.campaign import Campaign
from checks.deadlines import deadline_wording, due_date
from checks.materials import MaterialStatus, material_statuses
from checks.results import DeadlineState, Verdict
from checks.rulebook import Rulebook
from reformboard.board import BoardLine
from tenants.assessments import verdicts_at_upload
from tenants.submissions import CHINA_TIME

DUE_SOON_DAYS = 14
SCHOOL_COLUMNS = [
    "code",
    "name",
    "unit",
    "school_type",
    "last_upload",
    "uploader",
    "score",
    "system_verdict",
    "onsite",
    "verdict",
    "final",
    "overdue",
    "due_soon",
    "next_deadline",
    "materials_overdue",
    "material_states",
]
OVERRIDDEN = "（改判）"  # marks a final verdict that a province administrator decided
OVERDUE_MISSING = "逾期未报送"  # a material state the filter offers besides checks.materials.MaterialState
# per school, material id -> the days its files were received (tenants.documents.material_receipts)
Receipts = Mapping[str, Mapping[str, list[date]]]


def material_column(material_id: str) -> str:
    """The school table's column holding one required material's status text."""
    return f"material:{material_id}"


@dataclass(frozen=True)
class Board:
    schools: pd.DataFrame  # one row per school in scope: SCHOOL_COLUMNS; "verdict" is the final one
    tasks: pd.DataFrame  # code, name, task, share (0..1 of the task's weight), one row per school and task
    items: pd.DataFrame  # code, item_id, state, one row per school and sub-item


def tables(
    found: Sequence[BoardLine], units: Mapping[str, str], rulebook: Rulebook, campaign: Campaign, receipts: Receipts
) -> Board:
    """The board's tables of the given lines; `units` names each unit code, `receipts` gives the schools'
    required materials."""
    dues = [due_date(item, campaign) for item in rulebook.items]
    rows = [
        school_row(
            line,
            units.get(line.school.unit_code, line.school.unit_code),
            dues,
            material_statuses(rulebook.submissions, campaign, receipts.get(line.school.code, {}), line.as_of),
        )
        for line in found
    ]
    frame = pd.DataFrame(rows, columns=SCHOOL_COLUMNS + [material_column(m.id) for m in rulebook.submissions])
    # Real datetime columns show a missing upload or deadline as blank, not "None".
    frame["last_upload"] = pd.to_datetime(frame["last_upload"])
    frame["next_deadline"] = pd.to_datetime(frame["next_deadline"])
    tasks = [task for task in rulebook.tasks if task.items]  # those scored (checks.engine.conclude)
    return Board(
        schools=frame,
        # Built column by column: a row per school and task or sub-item is 100,000 rows for a province.
        tasks=pd.DataFrame(
            {
                "code": [line.school.code for line in found for _ in tasks],
                "name": [line.school.name for line in found for _ in tasks],
                "task": [f"{task.id} {task.name}" for _ in found for task in tasks],
                "share": [
                    score / task.weight if task.weight else 0.0
                    for line in found
                    for task, score in zip(tasks, line.facts.task_scores, strict=True)
                ],
            },
            columns=["code", "name", "task", "share"],
        ),
        items=pd.DataFrame(
            {
                "code": [line.school.code for line in found for _ in rulebook.items],
                "item_id": [item.id for _ in found for item in rulebook.items],
                "state": [str(state) for line in found for state in line.facts.states],
            },
            columns=["code", "item_id", "state"],
        ),
    )


def school_row(
    line: BoardLine, unit: str, dues: Sequence[date | None], materials: Sequence[MaterialStatus]
) -> dict[str, object]:
    """One line of the school table (`dues`: each sub-item's due date, in the rulebook's order); each
    required material's status in a column of its own."""
    facts, school, submission = line.facts, line.school, line.submission
    pending = [due for due, state in zip(dues, facts.states, strict=True) if state is DeadlineState.NOT_DUE and due]
    submitted = facts.verdict is not Verdict.NOT_SUBMITTED
    return {
        "code": school.code,
        "name": school.name,
        "unit": unit,
        "school_type": school.school_type,
        # When the board counts it received: a backfilled workbook's day, not the day it was typed in.
        "last_upload": submission.received_at.astimezone(CHINA_TIME).replace(tzinfo=None) if submission else None,
        "uploader": submission.uploader if submission else "",
        "score": facts.score if submitted else None,
        "system_verdict": str(facts.verdict),
        "onsite": f"已核查 {line.inspected} 项" if line.inspected else "未核查",
        "verdict": str(line.final_verdict),
        "final": str(line.final_verdict) + (OVERRIDDEN if line.overridden else ""),
        "overdue": facts.states.count(DeadlineState.OVERDUE),
        "due_soon": sum(1 for due in pending if due <= line.as_of + timedelta(days=DUE_SOON_DAYS)),
        "next_deadline": min(pending, default=None),
        "materials_overdue": sum(m.overdue for m in materials),
        "material_states": sorted({OVERDUE_MISSING if m.overdue else str(m.state) for m in materials}),
        **{material_column(m.material.id): m.text for m in materials},
    }


def progress(session: Session, campaign: Campaign, codes: Collection[str], as_of: date) -> pd.DataFrame:
    """Schools by verdict at the end of each week up to `as_of`: week, verdict, schools."""
    # The verdict each upload earned on its day (stored at ingest): re-assessing every school for every
    # week would be exact but far too slow for a province.
    stored = pd.DataFrame(verdicts_at_upload(session, campaign.id, as_of, codes), columns=["code", "as_of", "verdict"])
    return weekly_verdicts(stored, len(codes), campaign.starts_on, as_of)


def weekly_verdicts(stored: pd.DataFrame, schools: int, starts_on: date, as_of: date) -> pd.DataFrame:
    """From (code, as_of, verdict) rows in date order: schools by their latest verdict each week."""
    rows = []
    week_end = starts_on + timedelta(days=6 - starts_on.weekday())  # the Sunday of the first week
    while True:
        day = min(week_end, as_of)
        latest = stored[stored["as_of"] <= day].groupby("code")["verdict"].last()
        counts = Counter(str(v) for v in latest)
        counts[str(Verdict.NOT_SUBMITTED)] += schools - len(latest)
        rows += [{"week": day, "verdict": str(v), "schools": counts[str(v)]} for v in Verdict]
        if week_end >= as_of:
            break
        week_end += timedelta(days=7)
    return pd.DataFrame(rows, columns=["week", "verdict", "schools"])


def deadlines(rulebook: Rulebook, campaign: Campaign, items: pd.DataFrame) -> pd.DataFrame:
    """The sub-items with a due date in this campaign and how many of the given schools are overdue on each:
    item_id, task, content, due, source (where the deadline is written), overdue, done."""
    states = items.groupby(["item_id", "state"]).size()
    rows = []
    for task in rulebook.tasks:
        for item in task.items:
            due = due_date(item, campaign)
            if due is None:
                continue  # ongoing items have no date to place
            rows.append(
                {
                    "item_id": item.id,
                    "task": f"{task.id} {task.name}",
                    "content": item.content,
                    "due": due,
                    "source": deadline_wording(item, due)[1],
                    "overdue": int(states.get((item.id, str(DeadlineState.OVERDUE)), 0)),
                    "done": int(
                        states.get((item.id, str(DeadlineState.DONE)), 0)
                        + states.get((item.id, str(DeadlineState.DONE_LATE)), 0)
                    ),
                }
            )
    return pd.DataFrame(rows, columns=["item_id", "task", "content", "due", "source", "overdue", "done"])
