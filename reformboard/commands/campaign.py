"""`reformboard campaign list | show | default | set-threshold | update-rulebook | refresh-results`: the
campaigns, which one is the default, a campaign's threshold overrides and the rulebook text pinned to it,
and the stored results kept under them."""

from __future__ import annotations

import argparse
import sys
import tomllib
from typing import Any

from sqlalchemy.orm import Session

from checks.campaign import Campaign, rulebook_sha256
from checks.rulebook import read_rulebook
from reformboard.commands.common import iso_date, operator_transaction, today
from reformboard.context import AppContext
from reformboard.services.campaigns import (
    RulebookUpdate,
    apply_update,
    describe_update,
    make_default,
    refresh_campaign_results,
    set_threshold,
)
from reformboard.settings import Settings
from tenants.store import default_campaign, list_campaigns, list_schools
from textsafety import for_terminal


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("campaign", help="验收批次：列出、查看、设默认、调整阈值、更新规则手册")
    actions = parser.add_subparsers(dest="action", required=True, metavar="操作")
    actions.add_parser("list", help="列出验收批次（标出默认批次）").set_defaults(run=run_list)
    show = actions.add_parser("show", help="查看一个验收批次：规则手册及其 sha256、时限与阈值调整、学校数")
    show.add_argument("campaign", metavar="批次编号")
    show.set_defaults(run=run_show)
    default = actions.add_parser("default", help="设定默认验收批次（未指定批次的命令和页面打开它）")
    default.add_argument("campaign", metavar="批次编号")
    default.set_defaults(run=run_default)
    threshold = actions.add_parser("set-threshold", help="调整本批次某项核验的参数（阈值）")
    threshold.add_argument("campaign", metavar="批次编号")
    threshold.add_argument("rule", metavar="核验编号")
    threshold.add_argument("param", metavar="参数")
    threshold.add_argument("value", metavar="值", help='按 TOML 写法：60、0.3、"文字"、[1, 9]')
    threshold.set_defaults(run=run_set_threshold)
    update = actions.add_parser("update-rulebook", help="列出改用新规则手册的变化及受影响的学校数，确认后生效")
    update.add_argument("campaign", metavar="批次编号")
    update.add_argument("rulebook", nargs="?", metavar="FILE.toml|规则手册编号", help="默认为本批次的规则手册编号")
    update.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD", help="按哪一天比较各校结论（默认今天）")
    update.add_argument("--yes", action="store_true", help="不再询问，直接生效")
    update.set_defaults(run=run_update_rulebook)
    refresh = actions.add_parser(
        "refresh-results",
        help="按本批次现行的规则手册、阈值和完成时限，计算尚未存储的各份填报的名单核验结果和逐日看板结果",
    )
    refresh.add_argument("campaign", metavar="批次编号")
    refresh.set_defaults(run=run_refresh_results)


def run_list(args: argparse.Namespace) -> int:
    with operator_transaction() as (session, _operator):
        default = default_campaign(session)
        rows = [(c, len(list_schools(session, campaign_id=c.id))) for c in list_campaigns(session)]
    print("\t".join(("默认", "批次编号", "名称", "规则手册", "学校数")))
    for campaign, schools in rows:
        mark = "*" if default is not None and campaign.id == default.id else ""
        print("\t".join((mark, campaign.id, for_terminal(campaign.name), campaign.rulebook, str(schools))))
    return 0


def run_show(args: argparse.Namespace) -> int:
    with operator_transaction() as (session, _operator):
        campaign = AppContext.campaign(session, args.campaign)
        print(_description(session, campaign), end="")
    return 0


def _description(session: Session, campaign: Campaign) -> str:
    default = default_campaign(session)
    marked = "（默认）" if default is not None and default.id == campaign.id else ""
    chain = " ← ".join(text.id for text in reversed(campaign.rulebook_texts)) or "（未固定）"
    lines = [
        f"验收批次 {campaign.id}：{for_terminal(campaign.name)}{marked}",
        f"起止：{campaign.starts_on} 开始，{campaign.acceptance_on} 起逐校验收",
        f"规则手册：{campaign.rulebook}（固定的文本：{chain}），"
        f"sha256 {rulebook_sha256(campaign.rulebook_texts) if campaign.rulebook_texts else '—'}",
        f"参加学校：{len(list_schools(session, campaign_id=campaign.id))} 所",
        "完成时限调整：" + ("无" if not campaign.deadline_overrides else ""),
        *(f"  子项 {item}：{due}" for item, due in sorted(campaign.deadline_overrides.items())),
        "阈值调整：" + ("无" if not campaign.threshold_overrides else ""),
        *(
            f"  {rule}.{param} = {value}"
            for rule, params in sorted(campaign.threshold_overrides.items())
            for param, value in sorted(params.items())
        ),
    ]
    return "\n".join(lines) + "\n"


def run_default(args: argparse.Namespace) -> int:
    with operator_transaction() as (session, operator):
        campaign = make_default(session, operator, args.campaign)
    print(f"默认验收批次已设为 {campaign.id}（{for_terminal(campaign.name)}）")
    return 0


def run_set_threshold(args: argparse.Namespace) -> int:
    value = _toml_value(args.value)
    with operator_transaction() as (session, operator):
        campaign = set_threshold(session, operator, args.campaign, args.rule, args.param, value)
    print(f"验收批次 {campaign.id}：{args.rule}.{args.param} 已调整为 {value!r}")
    return _refresh(campaign.id)


def _toml_value(text: str) -> Any:
    """A value as TOML writes it (60, 0.3, [1, 9], "文字"); bare words are text."""
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text


def run_update_rulebook(args: argparse.Namespace) -> int:
    folders = Settings.from_env().rulebook_folders
    with operator_transaction() as (session, operator):
        campaign = AppContext.campaign(session, args.campaign)
        texts = read_rulebook(args.rulebook or campaign.rulebook, folders)
        update = describe_update(session, operator, campaign, texts, args.as_of or today())
    print(_summary(campaign, update), end="")
    if not update.changes:
        return 0
    if not (args.yes or _confirmed()):  # asked outside any transaction: no lock is held while one waits
        print("未更新。确认无误后加 --yes 再运行一次即生效。")
        return 0
    with operator_transaction() as (session, operator):
        apply_update(session, operator, update, AppContext.campaign(session, campaign.id))
    print(f"已更新：验收批次 {campaign.id} 改用规则手册 {update.campaign.rulebook}（已记入审计日志）")
    return _refresh(campaign.id)


def run_refresh_results(args: argparse.Namespace) -> int:
    return _refresh(args.campaign)


def _refresh(campaign_id: str) -> int:
    """Store the results the board reads under the campaign's rulebook and thresholds now in force; until
    then the board assesses those schools, so it is never stale, only slower."""
    with operator_transaction() as (session, operator):
        stored = refresh_campaign_results(session, operator, campaign_id, _progress)
    print(f"验收批次 {campaign_id}：已存储 {stored} 份填报的名单核验结果和逐日看板结果")
    return 0


def _progress(done: int, total: int) -> None:
    print(f"  已计算 {done}/{total} 份填报", flush=True)


def _summary(campaign: Campaign, update: RulebookUpdate) -> str:
    if not update.changes:
        return f"规则手册与验收批次 {campaign.id} 现行的一致，无需更新。\n"
    lines = [
        f"验收批次 {campaign.id} 改用规则手册 {update.campaign.rulebook}"
        f"（sha256 {rulebook_sha256(update.campaign.rulebook_texts)}）的变化：",
        *(f"  {for_terminal(change)}" for change in update.changes),
        f"按 {update.as_of} 已收到的填报重新评估：{update.schools} 所学校中 {len(update.changed_verdicts)} 所的结论会改变"
        + (f"（{'、'.join(update.changed_verdicts)}）" if update.changed_verdicts else ""),
    ]
    return "\n".join(lines) + "\n"


def _confirmed() -> bool:
    if not sys.stdin.isatty():
        return False
    return input("确认更新？输入 y 生效：").strip().lower() == "y"
