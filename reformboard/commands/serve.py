"""`reformboard serve`: start the Streamlit board headless and print its address."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import dashboard
from reformboard.settings import Settings

APP = Path(dashboard.__file__).parent / "app.py"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="启动验收看板 (start the Streamlit board)")
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--host", default="127.0.0.1")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    print(f"验收看板地址 (board URL): http://{args.host}:{args.port}/", flush=True)
    # The upload limit follows the loader's limit so the two can never disagree.
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(args.port), "--server.address", args.host,
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.maxUploadSize", str(settings.max_upload_mb),
        # Users see a Chinese message for expected failures; never a traceback for the rest.
        "--client.showErrorDetails", "none",
    ]
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0
