"""The board's data, loaded once per scope and cached.

Every cached loader is keyed by the database, the campaign, the board date, the caller's visible school
codes and a data version read cheaply on each run (it changes with every upload, loaded verification
sheet and verdict override), so two users with different scopes never share an entry and new data shows
at once. The loaders still read through the caller's scoped transaction, so PostgreSQL's row-level
security applies as well.

A board date never asked before costs one row per school: each submission's facts are stored for every
day (reformboard.board.board_lines). The few schools assessed instead (inspected on site, or without
stored facts for that day) keep their assessment on a board date, by submission id, so after an upload
the board assesses one report again, not all of them.

The tables themselves are built in reformboard.board_tables (the progress report prints the same);
the pages read them, and their vocabulary, through this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from checks.campaign import Campaign
from checks.results import SchoolAssessment
from reformboard import board_tables
from reformboard.board import board_lines
from reformboard.board_tables import DUE_SOON_DAYS as DUE_SOON_DAYS
from reformboard.board_tables import OVERDUE_MISSING as OVERDUE_MISSING
from reformboard.board_tables import OVERRIDDEN as OVERRIDDEN
from reformboard.board_tables import Board as Board
from reformboard.board_tables import deadlines as deadlines
from reformboard.board_tables import material_column as material_column
from reformboard.board_tables import weekly_verdicts as weekly_verdicts
from reformboard.context import AppContext
from tenants.access import scoped_transaction, visible_codes
from tenants.assessments import data_version
from tenants.documents import material_receipts
from tenants.principal import Principal
from tenants.store import list_units

CACHE_TTL = timedelta(minutes=10)  # bounds how long a directory edit (a renamed school) can go unseen


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
        found = board_lines(
            session,
            _principal,
            rulebook,
            campaign,
            as_of,
            key.codes,
            memo=assessment_memo(key.database, campaign, as_of),
        )
        receipts = material_receipts(session, _principal, campaign.id, key.codes)
    return board_tables.tables(found, units, rulebook, campaign, receipts)


@st.cache_resource(max_entries=4, show_spinner=False)  # ~50 MB each at 3,000 schools
def assessment_memo(database: str, campaign: Campaign, as_of: date) -> dict[int, SchoolAssessment]:
    """Accepted submissions assessed as of `as_of`, by submission id, shared by every session.

    Submissions never change, so an entry never goes stale. Only ids that a caller's scoped query
    returned are ever looked up, so the shared memo shows nobody a school outside their scope."""
    return {}


def progress(ctx: AppContext, principal: Principal, campaign: Campaign, as_of: date) -> pd.DataFrame:
    """Schools by verdict at the end of each week up to `as_of`: week, verdict, schools."""
    with scoped_transaction(ctx.engine, principal) as session:
        key = scope(ctx, session, principal, campaign.id)
    return _progress(ctx, principal, key, campaign, as_of)


@st.cache_data(ttl=CACHE_TTL, max_entries=64, show_spinner=False)
def _progress(_ctx: AppContext, _principal: Principal, key: Scope, campaign: Campaign, as_of: date) -> pd.DataFrame:
    with scoped_transaction(_ctx.engine, _principal) as session:
        return board_tables.progress(session, campaign, key.codes, as_of)


def forget() -> None:
    """Drop every cached board, e.g. after a school was renamed or moved to another unit."""
    _board.clear()
    _progress.clear()
