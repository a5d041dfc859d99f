"""The matching moment (R14, R18): when a municipal party's new cases enter its work trays.

A party either sees cases as signals arrive, or monthly, once the delivery window is over (default:
the first working day after the 25th), so a household's signals of one month are seen together.
Crisis, shut-off, end-of-supply and warm-transfer signals always enter at once (R15); so does a case
made after this month's moment, because waiting a month would break the 4-week term (R19).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from lcv.cases.models import CaseSettings
from lcv.core.calendar import add_working_days

ZONE = ZoneInfo("Europe/Amsterdam")
ENTRY_TIME = time(7, 0)  # the trays of a matching day fill before the working day starts


def matching_day(year: int, month: int, after_day: int = 25) -> date:
    """The first working day after `after_day` of the month (R18 matching moment)."""
    return add_working_days(date(year, month, min(after_day, 28)), 1)


def entry_moment(settings: CaseSettings | None, now: datetime) -> datetime:
    """When a case made now enters the trays, when none of its signals is urgent."""
    if settings is not None and settings.matching == CaseSettings.Matching.DIRECT:
        return now
    local = now.astimezone(ZONE)
    day = matching_day(local.year, local.month, settings.matching_day if settings else 25)
    moment = datetime.combine(day, ENTRY_TIME, tzinfo=ZONE)
    return moment if moment > now else now


def entry_moments(now: datetime) -> tuple[datetime, dict[datetime, list[int]]]:
    """For grouping: the moment of a party without settings, and the parties whose own settings
    give another moment (few rows: one per party that changed its settings)."""
    default = entry_moment(None, now)
    others: dict[datetime, list[int]] = defaultdict(list)
    for settings in CaseSettings.objects.all():
        moment = entry_moment(settings, now)
        if moment != default:
            others[moment].append(settings.municipal_party_id)
    return default, others
