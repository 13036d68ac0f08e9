"""`reformboard contact`: the e-mail addresses reminders go to (a school's) and escalations go to (a unit's)."""

from __future__ import annotations

import argparse

from sqlalchemy import select

from reformboard.commands.common import operator_transaction
from reformboard.services.reminders import set_school_contacts, set_unit_contacts
from tenants.directory import parse_school_code, parse_unit_code
from tenants.models import Tenant, Unit
from tenants.reminders import school_contacts, unit_contacts
from textsafety import for_terminal

UNSET = "未设置（学校：提醒发往最近一次填报的联系邮箱）"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("contact", help="管理学校与主管单位的联系邮箱（提醒与督办邮件的收件人）")
    actions = parser.add_subparsers(dest="action", required=True, metavar="操作")

    setting = actions.add_parser("set", help="设置一所学校或一个单位的联系邮箱（替换原有的；不写邮箱即清空）")
    whom = setting.add_mutually_exclusive_group(required=True)
    whom.add_argument("--tenant", metavar="学校标识码")
    whom.add_argument("--unit", metavar="单位代码")
    setting.add_argument("emails", nargs="*", metavar="邮箱")
    setting.set_defaults(run=run_set)

    listing = actions.add_parser("list", help="列出为各校与各单位设置的联系邮箱")
    listing.set_defaults(run=run_list)


def run_set(args: argparse.Namespace) -> int:
    with operator_transaction() as (session, principal):
        if args.tenant is not None:
            code = parse_school_code(args.tenant)
            emails = set_school_contacts(session, principal, code, args.emails)
        else:
            code = parse_unit_code(args.unit)
            emails = set_unit_contacts(session, principal, code, args.emails)
    print(f"已设置 {code} 的联系邮箱：{'、'.join(emails)}" if emails else f"已清空 {code} 的联系邮箱")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with operator_transaction() as (session, _principal):
        schools = [(s.code, s.name) for s in session.scalars(select(Tenant).where(Tenant.active).order_by(Tenant.code))]
        units = [(u.code, u.name) for u in session.scalars(select(Unit).order_by(Unit.code))]
        by_school, by_unit = school_contacts(session), unit_contacts(session)
    print("类别\t代码\t名称\t联系邮箱")
    for kind, rows, found in (("单位", units, by_unit), ("学校", schools, by_school)):
        for code, name in rows:
            print("\t".join((kind, code, for_terminal(name), "、".join(found.get(code, [])) or UNSET)))
    return 0
