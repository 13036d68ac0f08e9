"""`reformboard material add`: record a school's required material, e.g. a stamped PDF received by e-mail."""

from __future__ import annotations

import argparse
from pathlib import Path

from reformboard.commands.common import iso_date, operator
from reformboard.context import AppContext
from reformboard.services.materials import Upload, upload_document
from tenants.models import DocumentPurpose


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("material", help="登记学校的报送材料（盖章扫描 PDF）")
    commands = parser.add_subparsers(dest="material_command", required=True, metavar="命令")
    add = commands.add_parser("add", help="为一所学校登记一份报送材料（如通过邮件或纸质收到的推进计划）")
    add.add_argument("file", type=Path, metavar="FILE", help="盖章后扫描的 PDF 文件")
    add.add_argument("--tenant", required=True, metavar="学校标识码")
    add.add_argument(
        "--material", required=True, metavar="ID", help="报送材料编号（规则手册 campaign.submissions 的 id，如 plan）"
    )
    add.add_argument(
        "--received-on",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="补录：材料实际收到的日期（邮件或纸质），看板按此日期判断是否逾期；不填则为今天上传",
    )
    add.add_argument("--campaign", metavar="ID", help="验收批次（默认最新一批）")
    add.set_defaults(run=run_add)


def run_add(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"找不到文件：{args.file}")
        return 2
    ctx = AppContext.open()
    with ctx.transaction(operator(), writes=True) as session:
        campaign = ctx.campaign(session, args.campaign)
        document = upload_document(
            session,
            operator(),
            ctx.settings.files(),
            ctx.settings.file_limits(),
            campaign,
            ctx.rulebook_for(campaign),
            args.tenant,
            Upload(DocumentPurpose.MATERIAL, args.material, args.file.name, args.file.read_bytes()),
            received_on=args.received_on,
        )
        received = f"，收到日期 {args.received_on:%Y-%m-%d}（补录）" if args.received_on else ""
        print(
            f"✔ 已登记：学校 {args.tenant} 的“{document.title}”（{document.pages} 页{received}），文件编号 {document.id}"
        )
    return 0
