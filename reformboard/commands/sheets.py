"""`reformboard export-sheets`, `export-summary` and `load-inspection`: on-site verification (逐校验收)."""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy.orm import Session

from reformboard.commands.common import iso_date, operator, today, write_output
from reformboard.context import AppContext
from reformboard.errors import UserFacingError
from reformboard.services.exports import export_sheets, export_summary
from reformboard.services.inspections import load_inspection
from tenants.store import get_school, list_schools


def register(subparsers: argparse._SubParsersAction) -> None:
    export = subparsers.add_parser("export-sheets", help="导出验收核查表 (export verification sheets)")
    scope = export.add_mutually_exclusive_group(required=True)
    scope.add_argument("--tenant", metavar="学校标识码", help="一所学校：输出 .xlsx；-o 以 .zip 结尾时连同佐证材料打包")
    scope.add_argument("--unit", metavar="单位代码", help="一个主管单位的全部学校：输出 .zip")
    scope.add_argument("--all", action="store_true", help="全省学校：输出 .zip")
    _common(export)
    export.set_defaults(run=run_export)

    summary = subparsers.add_parser("export-summary", help="导出全省汇总表 (province summary workbook)")
    _common(summary)
    summary.set_defaults(run=run_summary)

    inspection = subparsers.add_parser("load-inspection", help="导入现场核查结果 (load filled sheets)")
    inspection.add_argument("files", nargs="+", type=Path, metavar="FILE")
    inspection.add_argument("--campaign", metavar="ID", help="验收批次（默认为默认批次，见 campaign list）")
    inspection.set_defaults(run=run_load_inspection)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=iso_date, default=None, metavar="YYYY-MM-DD", help="数据截至日期（默认今天）")
    parser.add_argument("--campaign", metavar="ID", help="验收批次（默认为默认批次，见 campaign list）")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="PATH")


def run_export(args: argparse.Namespace) -> int:
    ctx = AppContext.open()
    principal = operator()
    with ctx.transaction(principal) as session:
        campaign = ctx.campaign(session, args.campaign)
        codes = _scope(session, args)
        export = export_sheets(
            session,
            principal,
            ctx.rulebook_for(campaign),
            campaign,
            args.as_of or today(),
            codes,
            store=ctx.settings.files(),
            zipped=not args.tenant or args.output.suffix.lower() == ".zip",
        )
    if export.data is None:
        raise UserFacingError("所选范围内没有已接收的填报，无法生成核查表")
    write_output(args.output, export.data)
    print(f"已导出 {len(export.inputs.entries)} 份验收核查表：{args.output}")
    for school in export.inputs.not_submitted:
        print(f"  未生成：{school.name}（{school.code}）尚无已接收的填报")
    return 0


def _scope(session: Session, args: argparse.Namespace) -> list[str] | None:
    if args.tenant:
        if get_school(session, args.tenant) is None:
            raise UserFacingError(f"找不到学校 {args.tenant}")
        return [args.tenant]
    if args.unit:
        codes = [s.code for s in list_schools(session, unit_code=args.unit)]
        if not codes:
            raise UserFacingError(f"主管单位 {args.unit} 下没有学校")
        return codes
    return None


def run_summary(args: argparse.Namespace) -> int:
    ctx = AppContext.open()
    principal = operator()
    with ctx.transaction(principal) as session:
        campaign = ctx.campaign(session, args.campaign)
        export = export_summary(session, principal, ctx.rulebook_for(campaign), campaign, args.as_of or today())
    write_output(args.output, export.data)
    print(f"已导出全省汇总表（{export.schools} 所学校）：{args.output}")
    return 0


def run_load_inspection(args: argparse.Namespace) -> int:
    ctx = AppContext.open()
    refused = 0
    for path in args.files:
        if not path.is_file():
            print(f"找不到文件：{path}")
            return 2
        with ctx.transaction(operator(), writes=True) as session:
            campaign = ctx.campaign(session, args.campaign)
            outcome = load_inspection(
                session, path.read_bytes(), principal=operator(), campaign=campaign, limits=ctx.settings.limits()
            )
        result = outcome.result
        if not result.accepted:
            refused += 1
            print(f"✘ {path}：已拒收")
        elif outcome.stored:
            print(f"✔ {path}：已导入 {result.school_code} 的 {len(result.results)} 项现场核查结论")
        else:
            print(f"✔ {path}：与已导入的核查表完全相同，未重复导入")
        for p in result.problems:
            print(f"  [{p.severity.value}] {p.where or '文件'}：{p.message}")
    return 1 if refused else 0
