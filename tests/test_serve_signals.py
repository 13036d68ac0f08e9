"""`reformboard serve` stopped by SIGTERM (a service manager) or SIGINT takes its Streamlit child down
with it: the port is free again and no board process is left behind."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fixtures.ports import free_port

REPO = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 120  # a cold Streamlit on a busy 2-core machine
STOP_SECONDS = 30


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def running(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie has stopped: it holds no port any more)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.2)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_stops_its_board_and_frees_the_port(stop: signal.Signals, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "REFORMBOARD_DATABASE_URL": f"sqlite:///{tmp_path / 'board.db'}"}
    with (tmp_path / "serve.log").open("wb") as log:
        # A session of its own, so whatever this test leaves running can be stopped as a group.
        serve = subprocess.Popen(
            [sys.executable, "-m", "reformboard", "serve", "--port", str(port)],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until(lambda: listening(port), STARTUP_SECONDS, "the board did not answer")
        [board] = children(serve.pid)

        serve.send_signal(stop)

        serve.wait(timeout=STOP_SECONDS)
        wait_until(lambda: not running(board), STOP_SECONDS, "the Streamlit child did not stop")
        wait_until(lambda: not listening(port), STOP_SECONDS, "the port was not freed")
        assert serve.returncode == 0  # a stop that was asked for
    finally:
        with contextlib.suppress(ProcessLookupError):  # only if the test failed: the group is empty otherwise
            os.killpg(serve.pid, signal.SIGKILL)
        serve.wait()
