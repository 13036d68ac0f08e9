"""`reformboard init`: migrate the database, grant the app role, register the rulebook's campaign, and on
first run create the province administrator whose password is printed once."""

from __future__ import annotations

import argparse

from reformboard.commands.common import operator
from reformboard.context import AppContext
from tenants import db, rls
from tenants.accounts import BOOTSTRAP_USERNAME, bootstrap_admin
from tenants.store import ensure_campaign


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("init", help="创建或升级数据库 (migrate to head)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    ctx = AppContext.open()
    db.migrate(ctx.engine)
    if ctx.engine.dialect.name == "postgresql" and ctx.settings.app_database_url:
        rls.ensure_app_role(ctx.engine, db.database_url(ctx.settings.app_database_url))
    rulebook = ctx.rulebook_file(ctx.settings.rulebook)
    with ctx.transaction(operator(), writes=True) as session:
        stored = ensure_campaign(session, rulebook.campaign)
        password = bootstrap_admin(session)
    print(
        f"数据库已就绪：{db.hide_password(ctx.engine.url)}；验收批次 {rulebook.campaign.id}（{rulebook.campaign.name}）"
    )
    if stored.rulebook_texts != rulebook.campaign.rulebook_texts:
        print(
            f"注意：规则文件与验收批次 {stored.id} 已固定的规则手册不同，改动不影响该批次；"
            f"如需生效，请运行 reformboard campaign update-rulebook {stored.id}"
        )
    if password:
        print(
            f"已创建省级管理员账号 {BOOTSTRAP_USERNAME}，初始密码：{password}"
            "（仅显示这一次，请登录后立即修改：reformboard user passwd admin --password-stdin）"
        )
    return 0
