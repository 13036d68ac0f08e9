"""`reformboard serve`: start the Streamlit board headless, print its address, and stop it with us."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import threading
from pathlib import Path

import dashboard
from reformboard.settings import Settings

APP = Path(dashboard.__file__).parent / "app.py"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# Streamlit closes its sessions and the port within a second or two; one that hangs is killed then.
STOP_GRACE_SECONDS = 10


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
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(args.port),
        "--server.address",
        args.host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.maxUploadSize",
        str(settings.max_upload_mb),
        # Users see a Chinese message for expected failures; never a traceback for the rest.
        "--client.showErrorDetails",
        "none",
    ]
    board = subprocess.Popen(command)
    stopping = _pass_stop_signals_to(board)
    returncode = board.wait()
    return 0 if stopping.is_set() else returncode


def _pass_stop_signals_to(board: subprocess.Popen) -> threading.Event:
    """On SIGTERM or SIGINT, send the same signal to the board (which would otherwise outlive us and
    keep the port), and kill it if it has not stopped STOP_GRACE_SECONDS later. The event tells
    whether a stop was asked for."""
    stopping = threading.Event()

    def stop(signum: int, _frame: object) -> None:
        board.send_signal(signum)
        if not stopping.is_set():
            stopping.set()
            deadline = threading.Timer(STOP_GRACE_SECONDS, board.kill)
            deadline.daemon = True  # never keeps us alive once the board has stopped
            deadline.start()

    for signum in STOP_SIGNALS:
        signal.signal(signum, stop)
    return stopping
