"""Step timings of long set-based work, for one log line (counts and seconds only, never data)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


class Steps:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def run(self, name: str, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self.step(name):
            return function(*args, **kwargs)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

    def __str__(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.seconds.items())
