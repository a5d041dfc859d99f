"""Done-when: killing the worker process mid-delivery and running it again gives exactly the result
of an uninterrupted run. Two fresh databases get the same delivery; in one a real worker process
runs it undisturbed, in the other a real worker is killed (SIGKILL) half-way, the stalled delivery
is queued again and a new worker finishes it. Both results must be identical."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROWS = 12_000
TARGET = os.environ.get("DATABASE_URL", "")


def _env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "kill-test-" + "x" * 50,
        "LCV_DEMO": "false",
        "LCV_SIGNAL_CHUNK_ROWS": "500",
        "DJANGO_ALLOW_ASYNC_UNSAFE": "",
    }


def _lcv(url: str, *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [sys.executable, "-m", *args], env=_env(url), capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return result.stdout


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[tuple[str, str]]:
    if TARGET.startswith("postgres"):
        import psycopg

        base = TARGET.rsplit("/", 1)[0]
        names = [f"lcv_kill_{uuid.uuid4().hex[:8]}_{side}" for side in ("a", "b")]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{base}/{names[0]}", f"{base}/{names[1]}"
        finally:
            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                for name in names:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{tmp_path / 'a.sqlite3'}", f"sqlite:///{tmp_path / 'b.sqlite3'}"


def _progress(url: str) -> tuple[int, int | None, str]:
    sql = "SELECT rows_done, rows_total, status FROM signals_delivery"
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url) as connection:
            found = connection.execute(sql).fetchone()
    else:
        with sqlite3.connect(url.removeprefix("sqlite:///"), timeout=5) as connection:
            found = connection.execute(sql).fetchone()
    assert found is not None
    return int(found[0]), found[1], str(found[2])


def _prepare(url: str) -> None:
    _lcv(url, "lcv.manage", "migrate", "--noinput", "-v", "0")
    _lcv(url, "lcv.signals.tests.kill_helper", "setup", str(ROWS))


def test_killing_the_worker_mid_delivery_and_running_again_gives_the_uninterrupted_result(databases):
    whole, interrupted = databases
    for url in databases:
        _prepare(url)

    _lcv(whole, "lcv.manage", "worker", "--batch", "--no-schedule", "--no-startup-delay")
    expected = json.loads(_lcv(whole, "lcv.signals.tests.kill_helper", "dump"))
    assert expected["delivery"][0] == "done"
    assert expected["delivery"][2] == ROWS

    worker = subprocess.Popen(
        [sys.executable, "-m", "lcv.manage", "worker", "--no-schedule", "--no-startup-delay", "--interval", "0.05"],
        env=_env(interrupted),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            done, total, _status = _progress(interrupted)
            if done > 0 and total and done <= total // 2:
                break
            time.sleep(0.005)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    done, total, status = _progress(interrupted)
    assert status == "processing"
    assert total == ROWS
    assert 0 < done < ROWS, "the worker was to be killed half-way"

    # what the schedule does every five minutes, without waiting: queue the stalled delivery again
    assert "1 aanlevering(en)" in _lcv(interrupted, "lcv.manage", "resume_deliveries", "--stalled-after", "0")
    _lcv(interrupted, "lcv.manage", "worker", "--batch", "--no-schedule", "--no-startup-delay")
    result = json.loads(_lcv(interrupted, "lcv.signals.tests.kill_helper", "dump"))

    assert result["delivery"] == expected["delivery"]
    assert len(result["signals"]) == len(expected["signals"]) == expected["delivery"][3]
    assert result["signals"] == expected["signals"]
    assert result["errors"] == expected["errors"]
