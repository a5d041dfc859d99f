"""Done-when (issue 9): hostile Excel files (huge declared sheet, shared-string bomb, entity in the
sheet, ZIP bomb) are refused as unreadable within seconds by a REAL worker process, while the good
deliveries queued behind them are processed normally; the worker's peak memory stays under 300 MB."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from lcv.signals.tests.xlsx_worker_helper import GOOD_ROWS

TARGET = os.environ.get("DATABASE_URL", "")
PEAK_MEGABYTES = 300


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "xlsx-test-" + "x" * 50, "LCV_DEMO": "false"}


def _run(url: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", *args], env=_env(url), capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return result.stdout


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    if TARGET.startswith("postgres"):
        import psycopg

        base = TARGET.rsplit("/", 1)[0]
        name = f"lcv_xlsx_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{base}/{name}"
        finally:
            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{tmp_path / 'xlsx.sqlite3'}"


def peak_megabytes(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    raise AssertionError("no VmHWM")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the worker's peak memory from /proc")
def test_a_real_worker_refuses_hostile_excel_files_within_seconds_and_processes_the_others(database):
    _run(database, "lcv.manage", "migrate", "--noinput", "-v", "0")
    _run(database, "lcv.signals.tests.xlsx_worker_helper", "setup")
    worker = subprocess.Popen(
        [sys.executable, "-m", "lcv.manage", "worker", "--no-schedule", "--no-startup-delay", "--interval", "0.1"],
        env=_env(database),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            result = json.loads(_run(database, "lcv.signals.tests.xlsx_worker_helper", "dump"))
            if all(delivery["status"] in ("done", "unreadable", "failed") for delivery in result.values()):
                break
            time.sleep(0.5)
        peak = peak_megabytes(worker.pid)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()

    for name in ("groot-werkblad.xlsx", "teksten-bom.xlsx", "entiteit.xlsx", "zip-bom.xlsx"):
        delivery = result[name]
        assert delivery["status"] == "unreadable", (name, delivery)
        assert delivery["attempts"] == 1
        assert delivery["seconds"] < 5, (name, delivery)
        assert delivery["error"].startswith(("Cel XFD1048576", "Het Excel-bestand")), delivery["error"]
    assert result["goed.xlsx"]["status"] == "done"
    assert result["goed.xlsx"]["accepted"] == GOOD_ROWS
    assert result["goed.csv"]["status"] == "done"
    assert result["goed.csv"]["accepted"] == 100
    assert peak < PEAK_MEGABYTES, f"worker peak memory {peak} MB"
