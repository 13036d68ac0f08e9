"""`reformboard serve`: start the Streamlit board headless, print its address, and stop it with us."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

import dashboard
from reformboard.settings import Settings

APP = Path(dashboard.__file__).parent / "app.py"
OPTIONS = APP.parent / "streamlit.toml"  # Streamlit's options for the board, whatever the working directory
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# Streamlit closes its sessions and the port within a second or two; one that hangs is killed then.
STOP_GRACE_SECONDS = 10


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="启动验收看板 (start the Streamlit board)")
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--host", default="127.0.0.1")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print(f"验收看板地址 (board URL): http://{args.host}:{args.port}/", flush=True)
    board = subprocess.Popen(streamlit_command(Settings.from_env(), args.host, args.port))
    stopping = _pass_stop_signals_to(board)
    returncode = board.wait()
    return 0 if stopping.is_set() else returncode


def streamlit_command(settings: Settings, host: str, port: int) -> list[str]:
    """`streamlit run` of the board with every option of dashboard/streamlit.toml, the address, and the
    upload limit that follows the loader's (so the two can never disagree)."""
    with OPTIONS.open("rb") as fh:
        options = {
            f"{section}.{key}": value for section, table in tomllib.load(fh).items() for key, value in table.items()
        }
    options |= {"server.port": port, "server.address": host, "server.maxUploadSize": settings.max_upload_mb}
    flags = [f"--{name}={str(value).lower() if isinstance(value, bool) else value}" for name, value in options.items()]
    return [sys.executable, "-m", "streamlit", "run", str(APP), *flags]


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
