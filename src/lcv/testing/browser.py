"""Helpers for browser tests that run the task worker or download a file (tests only)."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django_otp.oath import TOTP
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import Locator, Page


def off_the_event_loop[T](function: Callable[[], T]) -> T:
    """Run `function` in a thread of its own. Playwright's sync API keeps an asyncio loop running in
    the test thread, and pyHanko's synchronous calls use asyncio.run(), which refuses to start inside
    a running loop; in production the worker is a process of its own, with no loop."""

    def run() -> T:
        try:
            return function()
        finally:
            connection.close()  # this thread's own database connection

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def run_queued_tasks() -> None:
    """What `lcv worker` does in production, once: run every queued task, then stop."""

    def work() -> None:
        # only the main thread may install signal handlers; a worker in a thread does without them
        with mock.patch.object(db_worker.Worker, "configure_signals"):
            call_command("worker", "--batch", "--no-startup-delay", "--no-reload", "--no-schedule", verbosity=0)

    off_the_event_loop(work)
    failed = list(DBTaskResult.objects.exclude(status="SUCCESSFUL").values_list("task_path", "traceback"))
    assert failed == [], f"tasks that did not succeed: {failed}"


def download(page: Page, link: Locator) -> tuple[str, bytes]:
    """Click a link that answers with an attachment; return its file name and bytes."""
    with page.expect_download() as info:
        link.click()
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def next_device_code(email_address: str) -> str:
    """A code of the person's confirmed device that the server still accepts: django-otp takes
    each time step once and tolerates one step ahead, so a second login within the same 30
    seconds uses the next step's code, as an app showing the next code would."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__email__iexact=email_address, confirmed=True)
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    totp.time = time.time()
    now = totp.t()
    totp.drift = max(0, device.last_t + 1 - now)
    assert totp.drift <= device.tolerance, "no code left in this 30-second period"
    return f"{totp.token():06d}"
