"""`reformboard report`: the province's progress report (通报) on a date, as a Word document."""

from __future__ import annotations

import argparse
from pathlib import Path

from reformboard.commands.common import iso_date, operator, today, write_output
from reformboard.context import AppContext


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="生成深化改革工作进展情况通报（Word 文档，数字与看板当日所示一致） (the progress report as .docx)",
    )
    parser.add_argument("--as-of", type=iso_date, default=None, metavar="YYYY-MM-DD", help="数据截至日期（默认今天）")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.docx")
    parser.add_argument("--campaign", metavar="ID", help="验收批次（默认最新一批）")
    parser.add_argument("--unit", metavar="单位代码", help="只通报一个主管单位所属的学校（默认全省）")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Imported here, not above: the report's pandas, Altair, vl-convert and python-docx are 120 MB of
    # memory and half a second of start-up that every other command (a 100,000-row `load`) would pay.
    from reformboard.services.reports import export_progress_report

    ctx = AppContext.open()
    principal = operator()
    try:
        with ctx.transaction(principal) as session:
            campaign = ctx.campaign(session, args.campaign)
            report = export_progress_report(
                session, principal, ctx.rulebook_for(campaign), campaign, args.as_of or today(), args.unit
            )
    finally:
        ctx.engine.dispose()
    write_output(args.output, report.data)
    figures = report.figures
    counts = "，".join(f"{verdict}{n}所" for verdict, n in figures.verdicts.items())
    print(f"已生成通报（{figures.scope}高校{len(figures.schools)}所：{counts}）：{args.output}")
    return 0
