"""`reformboard rulebook check FILE | list | docs [-o FILE]`: validate a rulebook and show what it
contains, list the rulebooks available, write the reference of the rule kinds."""

from __future__ import annotations

import argparse
from pathlib import Path

from checks.rulebook import RulebookError, available_rulebooks, load_rulebook
from checks.rules.registry import KINDS
from reformboard.commands.common import write_output
from reformboard.rulebooks import contents, reference
from reformboard.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("rulebook", help="检查规则文件、列出规则文件、生成核验种类参考 (rulebooks)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="操作")
    check = actions.add_parser("check", help="检查一个规则文件并列出其内容")
    check.add_argument("file", type=Path, metavar="FILE.toml")
    check.set_defaults(run=run_check)
    listing = actions.add_parser("list", help="列出可用的规则文件")
    listing.set_defaults(run=run_list)
    docs = actions.add_parser("docs", help="生成核验种类参考（markdown）")
    docs.add_argument("-o", "--output", type=Path, metavar="FILE.md", help="写入文件（默认打印）")
    docs.set_defaults(run=run_docs)


def run_check(args: argparse.Namespace) -> int:
    if args.file.suffix != ".toml":
        raise RulebookError(f"{args.file}: 规则文件应为 .toml 文件")
    print(contents(load_rulebook(args.file, Settings.from_env().rulebook_folders), KINDS), end="")
    return 0


def run_list(args: argparse.Namespace) -> int:
    folders = Settings.from_env().rulebook_folders
    for path in available_rulebooks(folders):
        try:
            book = load_rulebook(path, folders)
        except RulebookError as exc:
            print(f"{path.stem}\t（无法载入：{exc}）")
        else:
            print(f"{book.id}\t{book.name}\t{path}")
    return 0


def run_docs(args: argparse.Namespace) -> int:
    text = reference(KINDS)
    if args.output is None:
        print(text, end="")
    else:
        write_output(args.output, text.encode("utf-8"))
        print(f"已生成核验种类参考：{args.output}")
    return 0
