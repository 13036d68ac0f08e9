"""What every command and page needs: the database, the campaign and its rulebook."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from checks.campaign import Campaign, RulebookText
from checks.rulebook import Rulebook, build_rulebook, load_rulebook
from reformboard.errors import UserFacingError
from reformboard.settings import Settings
from tenants import db
from tenants.access import scoped_transaction
from tenants.principal import Principal
from tenants.store import default_campaign, get_campaign


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

    def rulebook_file(self, name_or_path: str) -> Rulebook:
        """A rulebook file named by path, or by id in the configured folder or the built-in ones."""
        return load_rulebook(name_or_path, self.settings.rulebook_folders)

    @staticmethod
    def campaign(session: Session, campaign_id: str | None = None) -> Campaign:
        """The named campaign, or the default one when none is named."""
        campaign = get_campaign(session, campaign_id) if campaign_id else default_campaign(session)
        if campaign is None and campaign_id:
            raise UserFacingError(f"找不到验收批次 {campaign_id!r}，请先运行 reformboard init 或 demo")
        if campaign is None:
            raise UserFacingError("数据库中还没有验收批次，请先运行 reformboard init 或 reformboard demo")
        return campaign

    @staticmethod
    def rulebook_for(campaign: Campaign) -> Rulebook:
        """The campaign's rulebook as pinned when it was registered, with its threshold overrides: no file
        is read, so editing one changes no campaign until `campaign update-rulebook` applies it."""
        if not campaign.rulebook_texts:
            raise UserFacingError(
                f"验收批次 {campaign.id} 没有固定的规则手册，"
                f"请运行 reformboard campaign update-rulebook {campaign.id} 规则文件"
            )
        return _pinned_rulebook(campaign.rulebook_texts, json.dumps(campaign.threshold_overrides, sort_keys=True))


def configured_rulebook(settings: Settings) -> Rulebook:
    """The rulebook file the settings name (REFORMBOARD_RULEBOOK), read afresh: outside a campaign (units,
    the sign-in page) its vocabulary is the one in force."""
    return load_rulebook(settings.rulebook, settings.rulebook_folders)


@lru_cache(maxsize=16)
def _pinned_rulebook(texts: tuple[RulebookText, ...], thresholds: str) -> Rulebook:
    return build_rulebook(texts, json.loads(thresholds))
