"""What every command and page needs: the database, the campaign and its rulebook."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from checks.campaign import Campaign
from checks.rulebook import Rulebook, load_rulebook
from reformboard.errors import UserFacingError
from reformboard.settings import Settings
from tenants import db
from tenants.access import scoped_transaction
from tenants.principal import Principal
from tenants.store import get_campaign, list_campaigns


@lru_cache(maxsize=8)
def rulebook_named(rulebook_id: str) -> Rulebook:
    return load_rulebook(rulebook_id)


@dataclass
class AppContext:
    settings: Settings
    engine: Engine

    @classmethod
    def open(cls, settings: Settings | None = None) -> AppContext:
        settings = settings or Settings.from_env()
        return cls(settings=settings, engine=db.make_engine(settings.database_url))

    @contextmanager
    def transaction(self, principal: Principal, *, writes: bool = False) -> Iterator[Session]:
        """One unit of work as `principal`: committed when the block ends, rolled back on any error,
        and on PostgreSQL limited by row-level security to the schools the principal may see.
        `writes`: it will write (see tenants.db.make_sessionmaker)."""
        with scoped_transaction(self.engine, principal, writes=writes) as session:
            yield session

    @staticmethod
    def campaign(session: Session, campaign_id: str | None = None) -> Campaign:
        """The named campaign, or the most recent one when none is named."""
        if campaign_id:
            campaign = get_campaign(session, campaign_id)
            if campaign is None:
                raise UserFacingError(f"找不到验收批次 {campaign_id!r}，请先运行 reformboard init 或 demo")
            return campaign
        campaigns = list_campaigns(session)
        if not campaigns:
            raise UserFacingError("数据库中还没有验收批次，请先运行 reformboard init 或 reformboard demo")
        return max(campaigns, key=lambda c: c.starts_on)

    @staticmethod
    def rulebook_for(campaign: Campaign) -> Rulebook:
        return rulebook_named(campaign.rulebook)
