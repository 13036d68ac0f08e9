"""Every CLI subcommand, down to `user add` and `tenant import`, has help text and a row in README's CLI table."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from reformboard.cli import build_parser

README = Path(__file__).resolve().parent.parent / "README.md"


def subcommands(parser: argparse.ArgumentParser, prefix: str = "") -> Iterator[tuple[str, str | None]]:
    """(command path, help text) of every subcommand under `parser`, e.g. ("user add", "添加账号")."""
    for action in parser._actions:  # argparse exposes subparsers only through its private actions
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, subparser in action.choices.items():
                path = f"{prefix}{name}"
                yield path, helps.get(name)
                yield from subcommands(subparser, f"{path} ")


def readme_cli_commands() -> list[str]:
    """The commands README's CLI table shows, as `reformboard user add NAME …` and `user list` spans."""
    section = README.read_text(encoding="utf-8").split("## 命令行 The CLI", 1)[1].split("\n## ", 1)[0]
    first_cells = re.findall(r"^\| (.+?) \| ", section, flags=re.MULTILINE)
    return [span.removeprefix("reformboard ") for cell in first_cells for span in re.findall(r"`([^`]+)`", cell)]


COMMANDS = dict(subcommands(build_parser()))


def test_the_parser_has_nested_subcommands() -> None:
    assert {"init", "serve", "user", "user add", "tenant import"} <= set(COMMANDS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_subcommand_has_help_text(command: str) -> None:
    assert (COMMANDS[command] or "").strip(), f"reformboard {command} has no help text"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_subcommand_has_a_row_in_the_readme(command: str) -> None:
    shown = readme_cli_commands()

    assert any(span == command or span.startswith(f"{command} ") for span in shown), (
        f"README's CLI table has no row for reformboard {command}"
    )
