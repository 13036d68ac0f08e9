"""Settings is the only reader of the environment, and README's 环境变量 table lists what it reads."""

from __future__ import annotations

import re
from pathlib import Path

from reformboard.settings import ENVIRONMENT, Settings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# tests/ and bench/ may set variables for the processes they start; only the package reads them.
NOT_PACKAGE = {"tests", "bench"}
READS_ENVIRONMENT = re.compile(r"\benviron\b|\bgetenv\b|\bgetenvb\b")
SETTINGS_MODULE = Path("reformboard/settings.py")


class RecordingEnvironment(dict):
    """An environment that remembers every name asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def get(self, name: str, default: str | None = None) -> str | None:
        self.asked.add(name)
        return super().get(name, default)


def readme_environment_table() -> set[str]:
    section = README.read_text(encoding="utf-8").split("### 环境变量 Environment variables", 1)[1]
    table = section.split("\n\n", 2)[1]  # the first block after the heading
    return set(re.findall(r"^\| `(REFORMBOARD_\w+)` \|", table, flags=re.MULTILINE))


def package_sources() -> list[Path]:
    folders = [
        folder
        for folder in ROOT.iterdir()
        if folder.is_dir() and folder.name not in NOT_PACKAGE and not folder.name.startswith(".")
    ]
    return [path.relative_to(ROOT) for folder in folders for path in folder.rglob("*.py")]


def test_settings_reads_exactly_the_declared_variables() -> None:
    environ = RecordingEnvironment()

    Settings.from_env(environ)

    assert environ.asked == set(ENVIRONMENT)


def test_the_readme_lists_every_variable_settings_reads() -> None:
    assert readme_environment_table() == set(ENVIRONMENT)


def test_no_other_module_reads_the_environment() -> None:
    sources = package_sources()
    readers = {path for path in sources if READS_ENVIRONMENT.search((ROOT / path).read_text(encoding="utf-8"))}

    assert SETTINGS_MODULE in sources
    assert readers == {SETTINGS_MODULE}


def test_the_environment_names_the_database_and_the_app_role() -> None:
    settings = Settings.from_env({"REFORMBOARD_DATABASE_URL": "sqlite:////srv/rb/board.db"})
    with_app_role = Settings.from_env(
        {
            "REFORMBOARD_DATABASE_URL": "postgresql://owner@db/rb",
            "REFORMBOARD_APP_DATABASE_URL": "postgresql://app@db/rb",
        }
    )

    assert settings.database_url == settings.board_database_url == "sqlite:////srv/rb/board.db"
    assert with_app_role.database_url == "postgresql://owner@db/rb"
    assert with_app_role.board_database_url == "postgresql://app@db/rb"


def test_empty_urls_mean_the_defaults() -> None:
    settings = Settings.from_env({"REFORMBOARD_DATABASE_URL": "", "REFORMBOARD_APP_DATABASE_URL": ""})

    assert settings.database_url is None
    assert settings.board_database_url is None
