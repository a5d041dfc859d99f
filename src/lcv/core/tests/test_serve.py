"""Done-when (issue 9): a killed worker under `lcv serve` is restarted, and `/gezond/` reports the
gap meanwhile. A real `lcv serve` (web server and supervised worker) on a free port; the worker
process is killed with SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc").exists(), reason="finds the worker through /proc")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _health(port: int) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/gezond/", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    except OSError:
        return 0, {}


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _wait_for(check: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


def test_a_killed_worker_is_restarted_by_serve_and_health_reports_the_gap(tmp_path):
    url = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "serve-test-" + "x" * 50,
        "LCV_DEMO": "false",
        "LCV_WORKER_HEARTBEAT_SECONDS": "1",
        "LCV_WORKER_LATE_SECONDS": "3",
    }
    subprocess.run(
        [sys.executable, "-m", "lcv.manage", "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=300
    )
    port = _free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "lcv.manage", "serve", f"127.0.0.1:{port}", "--restart-delay", "8"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _wait_for(lambda: _health(port)[0] == 200, 90, "a healthy start")
        [worker] = _children(serve.pid)
        os.kill(worker, signal.SIGKILL)

        _status, body = _wait_for(lambda: (found := _health(port))[0] == 503 and found, 30, "the gap to be reported")
        assert body["worker"] == "late"
        assert body["status"] == "unhealthy"

        _wait_for(lambda: _health(port)[0] == 200, 90, "the restarted worker")
        assert _children(serve.pid) - {worker}, "a new worker process runs"
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            _, errors = serve.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            _, errors = serve.communicate()
    assert b"restarting in 8 s" in errors
