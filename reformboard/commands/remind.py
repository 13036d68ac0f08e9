"""`reformboard remind`: send the reminders and escalations the rulebook's policy calls for on a date, by e-mail.

Run daily (README shows the crontab line); running it again the same day sends nothing new, and it
retries what earlier runs could not send.
"""

from __future__ import annotations

import argparse
import sys

from reformboard.commands.common import iso_date, operator, today
from reformboard.context import AppContext
from reformboard.services import reminders
from reformboard.services.reminders import Plan
from tenants.models import Reminder
from textsafety import for_terminal


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("remind", help="按规则手册的提醒时点发送提醒与督办邮件（每天运行一次）")
    parser.add_argument("--as-of", type=iso_date, default=None, metavar="YYYY-MM-DD", help="统计日期（默认今天）")
    parser.add_argument("--campaign", metavar="ID", help="验收批次（默认最新一批）")
    parser.add_argument("--dry-run", action="store_true", help="只列出将发送的邮件，不发送也不记录")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    ctx = AppContext.open()
    principal = operator()
    as_of = args.as_of or today()
    try:
        if args.dry_run:
            with ctx.transaction(principal) as session:
                campaign = ctx.campaign(session, args.campaign)
                planned = reminders.plan(
                    session, principal, ctx.rulebook_for(campaign), campaign, as_of, ctx.settings.mail
                )
            print_plan(planned, dry_run=True)
            return 0
        outcome = reminders.run(ctx, principal, as_of, args.campaign)
    finally:
        ctx.engine.dispose()
    print_plan(outcome.plan, dry_run=False)
    print(f"已发送 {len(outcome.sent)} 封")
    for line in outcome.sent:
        print(f"  {for_terminal(line)}")
    if outcome.busy:
        print(f"另一次运行正在发送、本次跳过 {len(outcome.busy)} 封：")
        for line in outcome.busy:
            print(f"  {for_terminal(line)}")
    if outcome.failed:
        print(f"发送失败 {len(outcome.failed)} 封（下次运行时重发）：", file=sys.stderr)
        for line in outcome.failed:
            print(f"  {for_terminal(line)}", file=sys.stderr)
        return 1
    return 0


def print_plan(planned: Plan, *, dry_run: bool) -> None:
    reachable = [r for r in planned.reminders if r.recipients]
    print(f"统计日期 {planned.as_of.isoformat()}{'（试运行：不发送、不记录）' if dry_run else ''}")
    print(f"{'将' if dry_run else '本次'}新发提醒 {len(reachable)} 封：")
    for r in reachable:
        due = r.due
        items = f"逾期 {'、'.join(i.item_id for i in due.overdue) or '无'}；即将到期 {'、'.join(i.item_id for i in due.due_soon) or '无'}"
        print(f"  {for_terminal(due.school)}（{due.tenant}）[{r.step}] → {'、'.join(r.recipients)}：{items}")
    _unreachable(
        "无联系邮箱、无法提醒的学校",
        [f"{r.due.school}（{r.due.tenant}）[{r.step}]" for r in planned.unreachable_schools],
    )
    escalations = [e for e in planned.escalations if e.recipients]
    print(f"{'将' if dry_run else '本次'}新发督办 {len(escalations)} 封：")
    for e in escalations:
        schools = "、".join(f"{x.school}（{x.tenant}）" for x in e.escalations)
        print(f"  {for_terminal(e.unit.name)} → {'、'.join(e.recipients)}：{for_terminal(schools)}")
    _unreachable(
        "无联系邮箱、无法督办的单位",
        [f"{e.unit.name}（{len(e.escalations)}所学校）" for e in planned.unreachable_units],
    )
    if planned.unsent:
        print(f"此前未发出、{'将' if dry_run else '本次'}重发 {len(planned.unsent)} 封：")
        for row in planned.unsent:
            kind = "提醒" if isinstance(row, Reminder) else "督办"
            print(
                f"  {kind} {row.tenant_code} {row.as_of.isoformat()}（已尝试 {row.attempts} 次：{for_terminal(row.last_error)}）"
            )


def _unreachable(heading: str, lines: list[str]) -> None:
    if lines:
        print(f"{heading} {len(lines)} 个：")
        for line in lines:
            print(f"  {for_terminal(line)}")
