"""`reformboard user`: add accounts, set passwords, disable accounts, list them.

The command line acts as the local operator (a province administrator named after the operating-system
account, "cli:<name>" in the audit log): whoever can run it on the server already holds the owner's
database URL, so a --as option would add attribution but no protection.
"""

from __future__ import annotations

import argparse
import sys

from reformboard.commands.common import operator_transaction
from reformboard.errors import UserFacingError
from reformboard.services.accounts import add_user, disable_user, list_users, set_password
from tenants.models import User
from tenants.principal import UserRole


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("user", help="管理登录账号 (manage user accounts)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="操作")

    add = actions.add_parser("add", help="添加账号")
    add.add_argument("username", metavar="用户名")
    add.add_argument(
        "--role",
        required=True,
        choices=[role.value for role in UserRole],
        help="province-admin 省级管理员, province-viewer 省级查看, unit 主管单位, school 学校团委",
    )
    where = add.add_mutually_exclusive_group()
    where.add_argument("--tenant", metavar="学校标识码", help="学校团委账号所属学校")
    where.add_argument("--unit", metavar="单位代码", help="主管单位账号所属单位")
    add.add_argument("--display-name", default="", metavar="姓名")
    add.add_argument("--email", help="统一身份认证登录所用邮箱")
    add.add_argument("--oidc-subject", metavar="标识", help="统一身份认证登录的用户标识 (sub)")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（第一行）")
    add.set_defaults(run=run_add)

    passwd = actions.add_parser("passwd", help="设置新密码（同时解除锁定）")
    passwd.add_argument("username", metavar="用户名")
    passwd.add_argument("--password-stdin", action="store_true", required=True, help="从标准输入读取密码（第一行）")
    passwd.set_defaults(run=run_passwd)

    disable = actions.add_parser("disable", help="停用账号")
    disable.add_argument("username", metavar="用户名")
    disable.set_defaults(run=run_disable)

    listing = actions.add_parser("list", help="列出账号")
    listing.set_defaults(run=run_list)


def run_add(args: argparse.Namespace) -> int:
    password = read_password() if args.password_stdin else None
    with operator_transaction() as (session, operator):
        user = add_user(
            session,
            args.username,
            UserRole(args.role),
            by=operator,
            display_name=args.display_name,
            tenant_code=args.tenant,
            unit_code=args.unit,
            password=password,
            email=args.email,
            oidc_subject=args.oidc_subject,
        )
        print(f"已添加账号 {user.username}（{UserRole(user.role).label}{_attachment(user)}）")
    return 0


def run_passwd(args: argparse.Namespace) -> int:
    password = read_password()
    with operator_transaction() as (session, operator):
        user = set_password(session, args.username, password, by=operator)
        print(f"已为账号 {user.username} 设置新密码")
    return 0


def run_disable(args: argparse.Namespace) -> int:
    with operator_transaction() as (session, operator):
        user = disable_user(session, args.username, by=operator)
        print(f"已停用账号 {user.username}")
    return 0


LIST_HEADER = ("用户名", "姓名", "角色", "学校/单位", "状态", "最近登录")


def run_list(args: argparse.Namespace) -> int:
    with operator_transaction() as (session, operator):
        rows = [_list_row(user) for user in list_users(session, by=operator)]
    print("\t".join(LIST_HEADER))
    for row in rows:
        print("\t".join(row))
    return 0


def read_password() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UserFacingError(
            "没有从标准输入读到密码，请用例如 `echo 新密码 | reformboard user passwd 用户名 "
            "--password-stdin` 的方式提供"
        )
    return password


def _list_row(user: User) -> tuple[str, ...]:
    last_login = user.last_login_at.astimezone().strftime("%Y-%m-%d %H:%M") if user.last_login_at else "从未登录"
    return (
        user.username,
        user.display_name,
        UserRole(user.role).label,
        user.tenant_code or user.unit_code or "",
        "启用" if user.active else "停用",
        last_login,
    )


def _attachment(user: User) -> str:
    code = user.tenant_code or user.unit_code
    return f"，{code}" if code else ""
