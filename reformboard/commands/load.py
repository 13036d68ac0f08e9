"""`reformboard load FILE...`: read, check and store schools' workbooks, one transaction per file."""

from __future__ import annotations

import argparse
import contextlib
from datetime import UTC, datetime
from pathlib import Path

from reformboard.batch_read import cores, read_files
from reformboard.commands.common import iso_date, operator
from reformboard.context import AppContext
from reformboard.services.uploads import IngestOutcome, ingest, reading_day


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("load", help="读取并入库学校填报文件 (load filled workbooks)")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument(
        "--tenant", metavar="学校标识码", help="目标学校；不填时取文件中的学校标识码。文件中的学校与目标不一致时拒收"
    )
    parser.add_argument("--campaign", metavar="ID", help="验收批次（默认为默认批次，见 campaign list）")
    parser.add_argument(
        "--received-on",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="补录：文件实际收到的日期（此前通过邮件或纸质报送）。看板按此日期计入该次提交，上传时间另行保留",
    )
    parser.add_argument("--dry-run", action="store_true", help="只检查，不入库")
    parser.add_argument(
        "--jobs",
        type=_positive,
        default=cores(),
        metavar="N",
        help="同时读取检查的文件数（默认为本机的 CPU 核数）；入库仍按文件顺序逐个进行，每个文件一个事务",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    missing = [f for f in args.files if not f.is_file()]
    if missing:
        for path in missing:
            print(f"找不到文件：{path}")
        return 2
    ctx = AppContext.open()
    with ctx.transaction(operator()) as session:
        campaign = ctx.campaign(session, args.campaign)
    ctx.engine.dispose()  # no connection open while the reading children fork: they must not share one
    rulebook, limits = ctx.rulebook_for(campaign), ctx.settings.limits()
    day = reading_day(datetime.now(UTC), args.received_on)
    refused = 0
    with contextlib.closing(read_files(args.files, rulebook, campaign, day, limits, args.jobs)) as reads:
        for path, (data, loaded, derived) in zip(args.files, reads, strict=True):
            with ctx.transaction(operator(), writes=not args.dry_run) as session:
                outcome = ingest(
                    session,
                    data=data,
                    filename=path.name,
                    principal=operator(),
                    campaign=campaign,
                    rulebook=rulebook,
                    limits=limits,
                    target_tenant=args.tenant,
                    dry_run=args.dry_run,
                    received_on=args.received_on,
                    loaded=loaded,
                    derived=derived,
                )
            print_outcome(path, outcome, args.dry_run)
            refused += not outcome.accepted
    return 1 if refused else 0


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} 应为正整数")
    return int(text)


def print_outcome(path: Path, outcome: IngestOutcome, dry_run: bool) -> None:
    if outcome.accepted:
        a = outcome.assessment
        assert a is not None  # an accepted workbook has been assessed
        stored = "（试运行，未入库）" if dry_run else ("" if outcome.created else "（与已有提交完全相同，未重复入库）")
        if outcome.received_on:
            stored += f"（补录，收到日期 {outcome.received_on:%Y-%m-%d}）"
        print(
            f"✔ {path}：已接收{stored}；{a.school} 截至 {a.as_of:%Y-%m-%d} 得分 {a.score:.1f}，结论 {a.verdict.value}"
        )
    else:
        print(f"✘ {path}：已拒收，共 {len(outcome.problems) + outcome.more_problems} 个问题")
    for p in outcome.problems:
        place = p.where or "文件"
        field = f" {p.field}" if p.field else ""
        value = f"（填写内容：{p.value}）" if p.value else ""
        print(f"  [{p.severity.value}] {place}{field}{value}：{p.message}")
    if outcome.more_problems:
        print(f"  ……另有 {outcome.more_problems} 个问题未列出，请先修改以上问题后重新检查")
