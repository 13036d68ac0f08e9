"""`reformboard score`: how every school stands against the task list on a date."""

from __future__ import annotations

import argparse
import csv
import json
import sys

from checks.results import DeadlineState, OnsiteResult, Severity
from reformboard.board import Standing, standings
from reformboard.commands.common import iso_date, operator, today
from reformboard.context import AppContext
from reformboard.errors import UserFacingError
from textsafety import csv_field, for_terminal, json_safe


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("score", help="按日期评估各校 (score every school on a date)")
    parser.add_argument("--as-of", type=iso_date, default=None, metavar="YYYY-MM-DD", help="评估日期（默认今天）")
    parser.add_argument("--tenant", metavar="学校标识码", help="只看一所学校")
    parser.add_argument("--campaign", metavar="ID", help="验收批次（默认为默认批次，见 campaign list）")
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    ctx = AppContext.open()
    principal = operator()
    with ctx.transaction(principal) as session:
        campaign = ctx.campaign(session, args.campaign)
        tenants = [args.tenant] if args.tenant else None
        found = standings(session, principal, ctx.rulebook_for(campaign), campaign, args.as_of or today(), tenants)
    if args.tenant and not found:
        raise UserFacingError(f"找不到学校 {args.tenant}")
    {"table": print_table, "json": print_json, "csv": print_csv}[args.format](found)
    return 0


def as_json(standing: Standing) -> dict:
    a = standing.assessment
    return {
        "tenant": a.tenant,
        "school": a.school,
        "score": a.score,
        "verdict": a.verdict.value,
        "final_verdict": standing.final_verdict.value,
        "override": _override_json(standing),
        "items": [
            {
                "id": item.item_id,
                "state": item.state.value,
                "findings": [
                    {"rule": f.rule, "severity": f.severity.value, "message": f.message, "early": f.early}
                    for f in item.findings
                ],
                "onsite": _onsite_json(standing.onsite.get(item.item_id)),
            }
            for item in a.items
        ],
    }


def _override_json(standing: Standing) -> dict | None:
    o = standing.override
    if o is None:
        return None
    return {
        "verdict": o.verdict.value,
        "reason": o.reason,
        "by": o.decided_by,
        "at": o.decided_at.isoformat(timespec="seconds"),
    }


def _onsite_json(result: OnsiteResult | None) -> dict | None:
    if result is None:
        return None
    return {
        "result": result.result,
        "note": result.note,
        "inspectors": result.inspectors,
        "date": result.inspected_on.isoformat() if result.inspected_on else None,
    }


def print_json(found: list[Standing]) -> None:
    text = json.dumps([as_json(s) for s in found], ensure_ascii=False, indent=1)
    print(json_safe(text))


SUMMARY_HEADER = ("学校标识码", "学校", "得分", "系统结论", "最终结论", "逾期未完成", "逾期完成", "不符合项")


def summary_row(standing: Standing) -> tuple:
    a = standing.assessment
    violations = sum(1 for i in a.items for f in i.findings if f.severity is Severity.VIOLATION and f.counts)
    return (
        a.tenant,
        a.school,
        f"{a.score:.1f}",
        a.verdict.value,
        standing.final_verdict.value,
        a.count(DeadlineState.OVERDUE),
        a.count(DeadlineState.DONE_LATE),
        violations,
    )


def print_csv(found: list[Standing]) -> None:
    writer = csv.writer(sys.stdout)
    writer.writerow(SUMMARY_HEADER)
    writer.writerows([csv_field(value) for value in summary_row(s)] for s in found)


def print_table(found: list[Standing]) -> None:
    rows = [tuple(for_terminal(str(v)) for v in summary_row(s)) for s in found]
    widths = [max(_width(r[i]) for r in rows + [SUMMARY_HEADER]) for i in range(len(SUMMARY_HEADER))]
    for row in (SUMMARY_HEADER, *rows):
        print("  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=False)))


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
