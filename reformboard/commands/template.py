"""`reformboard template -o FILE.xlsx`: the blank workbook schools fill in, generated from the rulebook."""

from __future__ import annotations

import argparse
from pathlib import Path

from loaders.template import build_template
from reformboard.commands.common import operator, write_output
from reformboard.context import AppContext


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("template", help="生成空白填报模板 (write the blank template)")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.xlsx")
    parser.add_argument("--campaign", metavar="ID", help="验收批次（默认为默认批次，见 campaign list）")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    ctx = AppContext.open()
    with ctx.transaction(operator()) as session:
        campaign = ctx.campaign(session, args.campaign)
    write_output(args.output, build_template(ctx.rulebook_for(campaign), campaign))
    print(f"已生成填报模板：{args.output}（验收批次 {campaign.id}）")
    return 0
