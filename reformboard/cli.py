"""`reformboard`: the command line. Each subcommand lives in reformboard/commands/.

Exit codes: 0 success, 2 usage errors; a refusal (any checks.errors.DomainError) prints its Chinese message on
stderr and exits with the error's exit_code (1).
"""

from __future__ import annotations

import argparse
import sys

from checks.errors import DomainError
from reformboard.commands import COMMANDS


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
    except DomainError as refused:  # its message is written for the user: one line, no traceback
        print(f"错误：{refused}", file=sys.stderr)
        return refused.exit_code


if __name__ == "__main__":
    sys.exit(main())
