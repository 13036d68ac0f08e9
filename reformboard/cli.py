"""`reformboard`: the command line. Each subcommand lives in reformboard/commands/.

Exit codes: 0 success, 1 the work was refused or failed (message on stderr), 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys

from checks.rulebook import RulebookError
from reformboard.commands import COMMANDS
from reformboard.errors import UserFacingError
from tenants.access import AccessDenied
from tenants.accounts import AccountError
from tenants.db import DatabaseUnavailable

# Failures whose message is written for the user: printed on one line, no traceback.
EXPECTED_FAILURES = (UserFacingError, DatabaseUnavailable, RulebookError, AccessDenied, AccountError)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reformboard",
        description="高校学生会（研究生会）深化改革验收看板 — ReformBoard",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="命令")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except EXPECTED_FAILURES as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
