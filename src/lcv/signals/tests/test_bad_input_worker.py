"""Done-when (issue 10): every bad input the trial found — in files and through the API — given to
a REAL worker process ends as refused rows or an unreadable file with a Dutch message, after one
attempt; never a failed delivery, and the good rows beside a bad one are admitted."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

from lcv.signals.tests.bad_input_helper import GOOD, api_bodies, files
from lcv.signals.tests.test_xlsx_worker import _env, _run, database  # noqa: F401 - the fixture

# a file that holds no good rows at all: it may only be unreadable (or hold no signals)
NO_GOOD_ROWS = {"alleen-kopregel.csv", "rommel.csv", "entiteit.xlsx", "api-kapotte-json"}
# a bad value beside good ones: that row refused, the others admitted, or the file unreadable at once
ENGLISH = re.compile(r"Error|Exception|Traceback|field larger|codec|line \d+ column|expected|invalid", re.IGNORECASE)


def test_every_bad_input_ends_as_refused_rows_or_an_unreadable_file_never_failed(database):  # noqa: F811
    _run(database, "lcv.manage", "migrate", "--noinput", "-v", "0")
    refused_at_intake = json.loads(_run(database, "lcv.signals.tests.bad_input_helper", "setup").strip() or "{}")
    worker = subprocess.Popen(
        [sys.executable, "-m", "lcv.manage", "worker", "--no-schedule", "--no-startup-delay", "--interval", "0.1"],
        env=_env(database),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            result = json.loads(_run(database, "lcv.signals.tests.bad_input_helper", "dump"))
            if all(delivery["status"] in ("done", "unreadable", "failed") for delivery in result.values()):
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()

    for name, message in refused_at_intake.items():  # refused before anything was stored: also fine
        assert not ENGLISH.search(message), (name, message)
    expected = set(files()) | set(api_bodies())
    assert set(result) | set(refused_at_intake) == expected
    problems = []
    for name, delivery in result.items():
        if delivery["status"] not in ("done", "unreadable") or delivery["attempts"] != 1:
            problems.append((name, delivery))
        elif delivery["status"] == "unreadable":
            if not delivery["error"] or ENGLISH.search(delivery["error"]):
                problems.append((name, delivery["error"]))
        elif any(ENGLISH.search(message) for message in delivery["messages"]):
            problems.append((name, delivery["messages"]))
        elif name not in NO_GOOD_ROWS and delivery["accepted"] < GOOD:
            problems.append((name, delivery))
    assert problems == []
