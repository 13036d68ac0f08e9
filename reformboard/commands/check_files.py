"""`reformboard check-files`: the file store and the database agree — every named file present and intact,
no stored file that nothing names."""

from __future__ import annotations

import argparse

from reformboard.commands.common import operator
from reformboard.context import AppContext
from reformboard.files.check import check_files


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check-files", help="核对文件库：列出缺失或损坏（校验码不符）的材料文件，以及无记录引用的多余文件"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    ctx = AppContext.open()
    with ctx.transaction(operator()) as session:
        report = check_files(session, ctx.settings.files())
    print(f"文件库：{ctx.settings.file_store}；记录引用 {report.named} 个文件")
    for sha256, ids in report.missing.items():
        print(f"✘ 缺失：{sha256}（记录编号 {'、'.join(map(str, ids))}）")
    for sha256, ids in report.corrupt.items():
        print(f"✘ 已损坏（校验码不符）：{sha256}（记录编号 {'、'.join(map(str, ids))}）")
    for sha256 in report.unnamed:
        print(f"提示 无记录引用：{sha256}")
    if report.ok:
        print("✔ 全部文件完好" + ("" if not report.unnamed else "（有无记录引用的文件，可核对后清理）"))
    return 0 if report.ok else 1
