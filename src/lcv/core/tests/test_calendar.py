from datetime import date

import pytest

from lcv.core.calendar import add_working_days, is_working_day


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 23), True),  # Monday
        (date(2026, 11, 21), False),  # Saturday
        (date(2026, 11, 22), False),  # Sunday
        (date(2026, 4, 27), False),  # King's Day (Koningsdag)
        (date(2026, 12, 25), False),  # Christmas
        (date(2026, 12, 26), False),  # Boxing Day (Saturday anyway)
        (date(2027, 1, 1), False),  # New Year's Day
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 5, 14), False),  # Ascension Day
        (date(2026, 5, 25), False),  # Whit Monday
    ],
)
def test_is_working_day(day, expected):
    assert is_working_day(day) is expected


def test_add_working_days_skips_weekend():
    assert add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)  # Fri -> Mon


def test_add_working_days_skips_public_holidays():
    # Thursday 24 Dec 2026 + 1 working day: 25 (Fri, Christmas), weekend, 28 Dec (Mon)
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)
    # R15: three working days from Friday 24 April 2026 skip the weekend and King's Day (Mon 27th)
    assert add_working_days(date(2026, 4, 24), 3) == date(2026, 4, 30)


def test_add_working_days_zero_and_negative():
    assert add_working_days(date(2026, 11, 22), 0) == date(2026, 11, 22)
    assert add_working_days(date(2026, 11, 23), -1) == date(2026, 11, 20)
