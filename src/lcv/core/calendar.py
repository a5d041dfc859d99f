"""The working-day calendar (R2, R15, R19): weekdays that are not Dutch public holidays.

Every deadline in the platform is computed here, never by arithmetic in views.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("NL", years=year)


def is_public_holiday(day: date) -> bool:
    return day in _public_holidays(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a Dutch public holiday (King's Day, Easter Monday, …)."""
    return day.weekday() < 5 and not is_public_holiday(day)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (before it when negative).

    `start` itself is not counted, so add_working_days(friday, 1) is the next Monday (when that is
    not a holiday). Zero days returns `start` unchanged, even when it is not a working day.
    """
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    current = start
    while remaining:
        current += timedelta(days=step)
        if is_working_day(current):
            remaining -= 1
    return current
