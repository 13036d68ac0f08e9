"""The board's data, loaded once per scope and cached.

Every cached loader is keyed by the database, the campaign, the board date, the caller's visible school
codes and a data version read cheaply on each run (it changes with every upload, loaded verification
sheet and verdict override), so two users with different scopes never share an entry and new data shows
at once. The loaders still read through the caller's scoped transaction, so PostgreSQL's row-level
security applies as well.

Reading every school's report is what costs (about 15 s for 3,000 schools with full rosters), so the
assessment of each accepted submission on a board date is also kept, by submission id: after an upload
the board re-reads one report, not all of them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import streamlit as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from checks.campaign import Campaign
from checks.deadlines import deadline_wording, due_date
from checks.materials import MaterialStatus, material_statuses
from checks.results import DeadlineState, SchoolAssessment, Verdict
from checks.rulebook import Rulebook
from reformboard.board import Standing, standings
from reformboard.context import AppContext
from tenants.access import scoped_transaction, visible_codes
from tenants.documents import material_receipts
from tenants.models import Assessment, Document, OnsiteResultRow, Submission, Tenant, VerdictOverrideRow
from tenants.principal import Principal
from tenants.store import list_units
from tenants.submissions import CHINA_TIME

DUE_SOON_DAYS = 14
CACHE_TTL = timedelta(minutes=10)  # bounds how long a directory edit (a renamed school) can go unseen
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


def material_column(material_id: str) -> str:
    """The school table's column holding one required material's status text."""
    return f"material:{material_id}"


@dataclass(frozen=True)
class Board:
    schools: pd.DataFrame  # one row per school in scope: SCHOOL_COLUMNS; "verdict" is the final one
    tasks: pd.DataFrame  # code, name, task, share (0..1 of the task's weight), one row per school and task
    items: pd.DataFrame  # code, item_id, state, one row per school and sub-item


@dataclass(frozen=True)
class Scope:
    """What a cached entry is keyed by, besides its own arguments."""

    database: str
    codes: tuple[str, ...]  # the caller's visible schools, sorted
    version: tuple[int, ...]


def scope(ctx: AppContext, session: Session, principal: Principal, campaign_id: str) -> Scope:
    return Scope(
        str(ctx.engine.url), tuple(sorted(visible_codes(session, principal))), data_version(session, campaign_id)
    )


def data_version(session: Session, campaign_id: str) -> tuple[int, ...]:
    """(number of schools, then the last id of the campaign's submissions, stored assessments, on-site
    results, verdict overrides and documents), in one round trip: these rows are only ever added, never changed."""
    schools = select(func.count()).select_from(Tenant).scalar_subquery()
    last_ids = [
        select(func.coalesce(func.max(model.id), 0)).where(model.campaign_id == campaign_id).scalar_subquery()
        for model in (Submission, Assessment, OnsiteResultRow, VerdictOverrideRow, Document)
    ]
    return tuple(int(n) for n in session.execute(select(schools, *last_ids)).one())


def board(ctx: AppContext, principal: Principal, campaign: Campaign, as_of: date) -> Board:
    """Every visible school as it stood at the end of `as_of`."""
    with scoped_transaction(ctx.engine, principal) as session:
        key = scope(ctx, session, principal, campaign.id)
    return _board(ctx, principal, key, campaign, as_of)


@st.cache_data(ttl=CACHE_TTL, max_entries=32, show_spinner="正在计算各校验收情况…")
def _board(_ctx: AppContext, _principal: Principal, key: Scope, campaign: Campaign, as_of: date) -> Board:
    rulebook = _ctx.rulebook_for(campaign)
    with scoped_transaction(_ctx.engine, _principal) as session:
        units = {u.code: u.name for u in list_units(session)}
        found = standings(
            session,
            _principal,
            rulebook,
            campaign,
            as_of,
            key.codes,
            memo=assessment_memo(key.database, campaign, as_of),
        )
        receipts = material_receipts(session, _principal, campaign.id, key.codes)
    assessments = [standing.assessment for standing in found]
    rows = [
        school_row(
            standing,
            units.get(standing.school.unit_code, standing.school.unit_code),
            material_statuses(rulebook.submissions, campaign, receipts.get(standing.school.code, {}), as_of),
        )
        for standing in found
    ]
    material_columns = [material_column(m.id) for m in rulebook.submissions]
    frame = pd.DataFrame(rows, columns=SCHOOL_COLUMNS + material_columns)
    # Real datetime columns show a missing upload or deadline as blank, not "None".
    frame["last_upload"] = pd.to_datetime(frame["last_upload"])
    frame["next_deadline"] = pd.to_datetime(frame["next_deadline"])
    names = dict(zip(frame["code"], frame["name"], strict=False))
    return Board(
        schools=frame,
        tasks=pd.DataFrame(
            [
                {
                    "code": a.tenant,
                    "name": names[a.tenant],
                    "task": f"{t.task_id} {t.name}",
                    "share": t.score / t.weight if t.weight else 0.0,
                }
                for a in assessments
                for t in a.tasks
            ],
            columns=["code", "name", "task", "share"],
        ),
        items=pd.DataFrame(
            [{"code": a.tenant, "item_id": i.item_id, "state": str(i.state)} for a in assessments for i in a.items],
            columns=["code", "item_id", "state"],
        ),
    )


@st.cache_resource(max_entries=4, show_spinner=False)  # ~50 MB each at 3,000 schools
def assessment_memo(database: str, campaign: Campaign, as_of: date) -> dict[int, SchoolAssessment]:
    """Accepted submissions assessed as of `as_of`, by submission id, shared by every session.

    Submissions never change, so an entry never goes stale. Only ids that a caller's scoped query
    returned are ever looked up, so the shared memo shows nobody a school outside their scope."""
    return {}


def school_row(standing: Standing, unit: str, materials: tuple[MaterialStatus, ...]) -> dict[str, object]:
    """One line of the school table; each required material's status in a column of its own."""
    assessment, school, submission = standing.assessment, standing.school, standing.submission
    as_of = assessment.as_of
    pending = [i.deadline for i in assessment.items if i.state is DeadlineState.NOT_DUE and i.deadline]
    submitted = assessment.verdict is not Verdict.NOT_SUBMITTED
    return {
        "code": assessment.tenant,
        "name": school.name,
        "unit": unit,
        "school_type": school.school_type,
        # When the board counts it received: a backfilled workbook's day, not the day it was typed in.
        "last_upload": submission.received_at.astimezone(CHINA_TIME).replace(tzinfo=None) if submission else None,
        "uploader": submission.uploader if submission else "",
        "score": assessment.score if submitted else None,
        "system_verdict": str(assessment.verdict),
        "onsite": f"已核查 {len(standing.onsite)} 项" if standing.onsite else "未核查",
        "verdict": str(standing.final_verdict),
        "final": str(standing.final_verdict) + (OVERRIDDEN if standing.override else ""),
        "overdue": assessment.count(DeadlineState.OVERDUE),
        "due_soon": sum(1 for due in pending if due <= as_of + timedelta(days=DUE_SOON_DAYS)),
        "next_deadline": min(pending, default=None),
        "materials_overdue": sum(m.overdue for m in materials),
        "material_states": sorted({OVERDUE_MISSING if m.overdue else str(m.state) for m in materials}),
        **{material_column(m.material.id): m.text for m in materials},
    }


def progress(ctx: AppContext, principal: Principal, campaign: Campaign, as_of: date) -> pd.DataFrame:
    """Schools by verdict at the end of each week up to `as_of`: week, verdict, schools."""
    with scoped_transaction(ctx.engine, principal) as session:
        key = scope(ctx, session, principal, campaign.id)
    return _progress(ctx, principal, key, campaign, as_of)


@st.cache_data(ttl=CACHE_TTL, max_entries=64, show_spinner=False)
def _progress(_ctx: AppContext, _principal: Principal, key: Scope, campaign: Campaign, as_of: date) -> pd.DataFrame:
    # The verdict each upload earned on its day (stored at ingest): re-assessing every school for every
    # week would be exact but far too slow for a province.
    query = (
        select(Assessment.tenant_code, Assessment.as_of, Assessment.verdict)
        .where(
            Assessment.campaign_id == campaign.id,
            Assessment.submission_id.is_not(None),
            Assessment.as_of <= as_of,
            Assessment.tenant_code.in_(key.codes),
        )
        .order_by(Assessment.as_of, Assessment.computed_at, Assessment.id)
    )
    with scoped_transaction(_ctx.engine, _principal) as session:
        stored = pd.DataFrame(session.execute(query).all(), columns=["code", "as_of", "verdict"])
    return weekly_verdicts(stored, len(key.codes), campaign.starts_on, as_of)


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


def forget() -> None:
    """Drop every cached board, e.g. after a school was renamed or moved to another unit."""
    _board.clear()
    _progress.clear()
