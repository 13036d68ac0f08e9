"""`reformboard override CODE`: the province administrator replaces a school's verdict, with a reason."""

from __future__ import annotations

import argparse

from checks.results import Verdict
from reformboard.commands.common import operator_transaction
from reformboard.context import AppContext
from reformboard.services.overrides import override_verdict

CHOICES = [v.value for v in Verdict if v is not Verdict.NOT_SUBMITTED]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("override", help="改判某校验收结论（须填写理由）")
    parser.add_argument("tenant", metavar="学校标识码")
    decision = parser.add_mutually_exclusive_group(required=True)
    decision.add_argument("--verdict", choices=CHOICES, help="改判后的结论")
    decision.add_argument("--withdraw", action="store_true", help="撤销改判，恢复系统结论")
    parser.add_argument("--reason", required=True, help="改判或撤销的理由（记入审计日志）")
    parser.add_argument("--campaign", metavar="ID", help="验收批次（默认为默认批次，见 campaign list）")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    verdict = None if args.withdraw else Verdict(args.verdict)
    with operator_transaction() as (session, principal):
        campaign = AppContext.campaign(session, args.campaign)
        override_verdict(session, principal, campaign, args.tenant, verdict, args.reason)
    print(f"已{'撤销改判' if verdict is None else f'改判为“{verdict.value}”'}：学校 {args.tenant}")
    return 0
