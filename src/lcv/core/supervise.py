"""Keeping a child process running: what `lcv serve` does for its task worker (issue 9: a worker
that dies must be restarted). In production a process supervisor (systemd `Restart=always`) does
the same for each `lcv worker`; see README.md."""

from __future__ import annotations

import logging
import subprocess
import threading
import time

logger = logging.getLogger("lcv.supervise")


class Supervisor:
    """Starts `command` and starts it again whenever it exits, until stop(). The wait before a
    restart doubles from `delay` up to `max_delay` while the child keeps dying, and is back at
    `delay` once a child has run for `stable` seconds. Every exit and restart is logged."""

    def __init__(
        self,
        command: list[str],
        *,
        delay: float = 1.0,
        max_delay: float = 60.0,
        stable: float = 60.0,
        name: str = "worker",
    ):
        self.command = command
        self.name = name
        self.delay = delay
        self.max_delay = max_delay
        self.stable = stable
        self.child: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True, name="supervisor")

    def start(self) -> None:
        self._thread.start()

    def _spawn(self) -> subprocess.Popen[bytes] | None:
        with self._lock:
            if self._stopping.is_set():
                return None
            self.child = subprocess.Popen(self.command)  # noqa: S603 (our own command line)
            return self.child

    def _run(self) -> None:
        delay = self.delay
        while (child := self._spawn()) is not None:
            started = time.monotonic()
            code = child.wait()
            if self._stopping.is_set():
                return
            ran = time.monotonic() - started
            if ran >= self.stable:
                delay = self.delay
            logger.warning(
                "%s (pid %s) exited with %s after %.0f s; restarting in %.0f s", self.name, child.pid, code, ran, delay
            )
            if self._stopping.wait(delay):
                return
            delay = min(delay * 2, self.max_delay)
            self.restarts += 1

    def stop(self, timeout: float = 10.0) -> None:
        with self._lock:
            self._stopping.set()
            child = self.child
        if child is not None and child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self._thread.join(timeout=timeout)
