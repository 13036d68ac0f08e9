"""What a deployment gets: the board's Streamlit options wherever `reformboard serve` starts, and an image
holding every package the project installs."""

from __future__ import annotations

import tomllib
from pathlib import Path

from reformboard.commands.serve import OPTIONS, streamlit_command
from reformboard.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def test_serve_passes_the_boards_options_so_they_hold_in_any_working_directory(monkeypatch):
    monkeypatch.setenv("REFORMBOARD_MAX_UPLOAD_MB", "7")
    command = streamlit_command(Settings.from_env(), "0.0.0.0", 8600)
    with OPTIONS.open("rb") as fh:
        theme = tomllib.load(fh)["theme"]
    assert f"--theme.primaryColor={theme['primaryColor']}" in command  # the League red, not Streamlit's
    assert {"--client.toolbarMode=minimal", "--client.showErrorDetails=none", "--server.headless=true"} <= set(command)
    # the upload limit follows the loader's; the address and port are the caller's
    assert {"--server.maxUploadSize=7", "--server.address=0.0.0.0", "--server.port=8600"} <= set(command)


def test_the_image_copies_every_package_the_project_installs():
    with (REPO / "pyproject.toml").open("rb") as fh:
        packages = {p.rstrip("*") for p in tomllib.load(fh)["tool"]["setuptools"]["packages"]["find"]["include"]}
    copied = {line.split()[1] for line in (REPO / "Dockerfile").read_text().splitlines() if line.startswith("COPY ")}
    assert packages <= copied, f"Dockerfile does not COPY {sorted(packages - copied)}"
