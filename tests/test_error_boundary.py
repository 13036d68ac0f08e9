"""One error boundary: every error the project raises on purpose derives from checks.errors.DomainError and
carries a Chinese message and the CLI's exit code; the CLI and each dashboard page show it once, never a
traceback."""

from __future__ import annotations

import argparse
import ast
import importlib
import pkgutil
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from checks.campaign import RulebookText
from checks.errors import DomainError
from checks.rulebook import load_rulebook
from dashboard import ui
from reformboard.cli import main
from tenants.accounts import add_user, get_user, principal_for
from tenants.db import make_engine, make_sessionmaker, migrate
from tenants.principal import UserRole, local_operator

ROOT = Path(__file__).parents[1]
PACKAGES = ("checks", "loaders", "tenants", "reformboard", "textsafety", "dashboard")
# Not imported: migrations run Alembic at import, app.py draws the app, __main__ runs the CLI.
NOT_IMPORTED = re.compile(r"\.migrations\b|^dashboard\.app$|\.__main__$")
CJK = re.compile(r"[\u4e00-\u9fff]")
CLI_FLAG = re.compile(r"(?<![\w-])--[a-z]")
CLI_ONLY = ROOT / "reformboard" / "commands"  # messages only the command line shows
USAGE_EXIT_CODE = 2  # argparse's
USAGE_ERRORS = {"ArgumentTypeError"}  # argparse prints these as usage errors itself (exit 2)


def _project_exception_classes() -> set[type[BaseException]]:
    for package in PACKAGES:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, f"{package}."):
            if not NOT_IMPORTED.search(info.name):
                importlib.import_module(info.name)
    found, pending = set(), [BaseException]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.split(".")[0] in PACKAGES:
                found.add(sub)
    return found


def test_every_exception_class_the_project_defines_is_a_domain_error_with_an_exit_code():
    classes = _project_exception_classes()
    assert {
        "RulebookError",
        "AccessDenied",
        "UnknownTenant",
        "DatabaseUnavailable",
        "DatabaseBusy",
        "AccountError",
        "WeakPassword",
        "OnsiteError",
        "UserFacingError",
        "Refusal",
        "BadValue",
    } <= {c.__name__ for c in classes}
    assert [c.__qualname__ for c in classes if not issubclass(c, DomainError)] == []
    for cls in classes:
        assert isinstance(cls.exit_code, int) and cls.exit_code not in (0, USAGE_EXIT_CODE), cls


def _message_text(call: ast.Call) -> str:
    """The literal text of the exception's first argument ("" when it is not a literal)."""
    if not call.args:
        return ""
    first = call.args[0]
    parts = first.values if isinstance(first, ast.JoinedStr) else [first]
    return "".join(p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str))


def _raised(path: Path) -> list[tuple[str, str, int]]:
    """(exception name, literal message, line) of each `raise Name(...)` in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            found.append((name, _message_text(node.exc), node.lineno))
    return found


def test_every_chinese_message_is_raised_as_a_domain_error_and_every_domain_error_speaks_chinese():
    domain = {c.__name__ for c in _project_exception_classes() if issubclass(c, DomainError)}
    wrong_kind, not_chinese, cli_flags = [], [], []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for name, message, line in _raised(path):
                where = f"{path.relative_to(ROOT)}:{line} {name}"
                if CJK.search(message) and name not in domain | USAGE_ERRORS:
                    wrong_kind.append(where)
                if name in domain and re.search("[A-Za-z]", message) and not CJK.search(message):
                    not_chinese.append(where)
                if name in domain and CLI_FLAG.search(message) and CLI_ONLY not in path.parents:
                    cli_flags.append(where)
    assert wrong_kind == []  # a user's message on a builtin error would reach them as a traceback
    assert not_chinese == []
    assert cli_flags == []  # shown on the dashboard too, where there are no flags to give


# --- the CLI --------------------------------------------------------------------------------------


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'reformboard.db'}"
    monkeypatch.setenv("REFORMBOARD_DATABASE_URL", url)
    monkeypatch.delenv("REFORMBOARD_RULEBOOK", raising=False)
    return url


def _refusal(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(argv))
    return code, capsys.readouterr().err


def _assert_one_line(err: str, fragment: str) -> None:
    assert err.startswith("错误：") and err.endswith("\n") and err.count("\n") == 1, err
    assert fragment in err and "Traceback" not in err


def test_cli_shows_a_broken_rulebook_file_as_its_message(sqlite_url, tmp_path, monkeypatch, capsys):
    broken = tmp_path / "broken.toml"
    broken.write_text("[rules\n", encoding="utf-8")
    monkeypatch.setenv("REFORMBOARD_RULEBOOK", str(broken))
    code, err = _refusal(capsys, "init")
    assert code == 1
    _assert_one_line(err, "TOML 格式错误")


def test_cli_shows_an_access_refusal_as_its_message(sqlite_url, capsys):
    assert main(["init"]) == 0
    code, err = _refusal(capsys, "score", "--tenant", "0000000000")
    assert code == 1
    _assert_one_line(err, "找不到学校 0000000000")


def test_cli_shows_an_unreachable_database_as_its_message(monkeypatch, capsys):
    monkeypatch.setenv("REFORMBOARD_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/none")
    code, err = _refusal(capsys, "init")
    assert code == 1
    _assert_one_line(err, "无法连接数据库")


def test_cli_shows_a_refused_demo_size_as_its_message(sqlite_url, capsys):
    code, err = _refusal(capsys, "demo", "--schools", "0")
    assert code == 1
    _assert_one_line(err, "演示学校数量应在 1 至")


def test_cli_exits_with_the_errors_own_code(monkeypatch, capsys):
    class Refused(DomainError):
        exit_code = 3

    def refuse(args) -> int:
        raise Refused("本次操作被拒绝")

    monkeypatch.setattr("reformboard.cli.build_parser", lambda: _parser_running(refuse))
    assert main(["anything"]) == 3
    _assert_one_line(capsys.readouterr().err, "本次操作被拒绝")


def _parser_running(run) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    parser.add_argument("word")
    parser.set_defaults(run=run)
    return parser


# --- the dashboard --------------------------------------------------------------------------------


def _framed_page_raising_a_refusal() -> None:
    from dashboard import ui
    from reformboard.errors import UserFacingError

    @ui.page_frame
    def render() -> None:
        import streamlit as st

        st.title("页面")
        raise UserFacingError("学校名称“[点我](http://evil.example)”无效")

    render()


def test_the_page_frame_shows_a_domain_error_escaped_with_st_error_and_no_traceback():
    at = AppTest.from_function(_framed_page_raising_a_refusal).run()
    assert not at.exception
    assert [e.value for e in at.error] == [ui.literal("学校名称“[点我](http://evil.example)”无效")]
    assert at.title[0].value == "页面"  # what the page drew before the refusal stays


def test_a_page_whose_campaign_has_a_broken_rulebook_shows_its_message(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'reformboard.db'}"
    migrate(url)
    monkeypatch.setenv("REFORMBOARD_DATABASE_URL", url)
    monkeypatch.delenv("REFORMBOARD_APP_DATABASE_URL", raising=False)
    engine = make_engine(url)
    with make_sessionmaker(engine).begin() as session:
        add_user(session, "admin", UserRole.PROVINCE_ADMIN, by=local_operator("test"), email="admin@example.cn")
        admin = principal_for(get_user(session, "admin"))
    engine.dispose()
    campaign = replace(load_rulebook().campaign, rulebook_texts=(RulebookText("broken", "[rules\n"),))
    at = AppTest.from_file(str(ui.PAGES / "board.py"), default_timeout=60)
    at.session_state["auth.principal"] = admin
    at.session_state["auth.last_seen"] = datetime.now(UTC)
    at.session_state["ui.campaigns"] = {campaign.id: campaign}
    at.session_state[ui.CAMPAIGN_KEY] = campaign.id
    at.session_state[ui.AS_OF_KEY] = date(2020, 11, 1)
    at.run()
    assert not at.exception
    assert any("TOML 格式错误" in e.value for e in at.error)
