"""Made-up burgerservicenummers for tests: they pass the 11-proof and are generated, never typed."""

from __future__ import annotations

from collections.abc import Iterator


def check_digit(prefix: str) -> int | None:
    """The ninth digit that makes `prefix` (8 digits) pass the 11-proof, or None when none does."""
    total = sum((9 - i) * int(digit) for i, digit in enumerate(prefix))
    digit = total % 11
    return None if digit == 10 else digit


def valid_bsns(count: int, start: int = 10_000_000) -> list[str]:
    """`count` different valid BSNs of 9 digits, from the 8-digit prefix `start` upwards."""
    return list(_generate(count, start))


def _generate(count: int, start: int) -> Iterator[str]:
    prefix = start
    while count:
        digits = f"{prefix:08d}"
        last = check_digit(digits)
        if last is not None:
            yield f"{digits}{last}"
            count -= 1
        prefix += 1


def invalid_bsn(bsn: str) -> str:
    """The same number with its last digit changed: 9 digits that fail the 11-proof."""
    return bsn[:-1] + str((int(bsn[-1]) + 1) % 10)


def bsn_csv(bsns: list[str], *, header: str | None = "bsn", separator: str = "\n") -> bytes:
    lines = ([header] if header else []) + bsns
    return (separator.join(lines) + "\n").encode()
