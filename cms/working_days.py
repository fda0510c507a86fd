"""Working days in England and Wales: Monday to Friday except the bank holidays, in one place.

The bank holidays come from the `holidays` package's calendar for England (`holidays.UK(subdiv="ENG")`), which is
Wales's too (the two calendars are the same, one-off days such as a coronation included; a test checks it),
and which works offline: the package computes the dates, it never fetches them. Scotland and Northern Ireland
have other bank holidays; a service for them would pass its own calendar.

A deadline "within N working days" keeps the time of day: a report at 5pm on the Friday before a bank holiday
Monday is due at 5pm on Tuesday. A moment on a day that is not a working day counts from the start of the next
working day, so a report at 10am on Saturday is due at midnight at the end of Monday (Tuesday 00:00), not on
Monday at 10am, which would give less than a working day. All in the site's time zone (Europe/London), so a
deadline across the change to or from summer time keeps its clock time.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays
from django.utils import timezone

# Saturday and Sunday (datetime.date.weekday()).
WEEKEND = frozenset({5, 6})


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> dict[datetime.date, str]:
    return dict(holidays.UK(subdiv="ENG", years=year))


def bank_holiday_name(day: datetime.date) -> str:
    """The name of the bank holiday on `day` in England and Wales, or "" when it is not one."""
    return _bank_holidays(day.year).get(day, "")


def is_working_day(day: datetime.date | datetime.datetime) -> bool:
    """Monday to Friday and not a bank holiday in England and Wales."""
    if isinstance(day, datetime.datetime):
        day = _local(day).date()
    return day.weekday() not in WEEKEND and day not in _bank_holidays(day.year)


def next_working_day(day: datetime.date) -> datetime.date:
    """The first working day after `day`."""
    day += datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def add_working_days(start: datetime.datetime | datetime.date, days: int):
    """`days` working days after `start` (a date gives a date, an aware datetime an aware datetime in the site's
    time zone at the same clock time). A datetime on a day off counts from the end of that day off, as if made
    at the start of the next working day."""
    if days < 0:
        raise ValueError("Count working days forward only")
    if not isinstance(start, datetime.datetime):
        day = start
        for _ in range(days):
            day = next_working_day(day)
        return day
    local = _local(start)
    day, clock = local.date(), local.timetz().replace(tzinfo=None)
    if not is_working_day(day):
        # Counted from the start of the next working day: the deadline is the end of the Nth working day on.
        day, clock = _previous_day(next_working_day(day)), datetime.time.min
        for _ in range(days):
            day = next_working_day(day)
        return _aware(day + datetime.timedelta(days=1), clock)
    for _ in range(days):
        day = next_working_day(day)
    return _aware(day, clock)


def working_days_between(
    start: datetime.date | datetime.datetime, end: datetime.date | datetime.datetime
) -> int:
    """How many working days come after `start` up to and including `end` (negative when `end` is earlier): from
    Friday to the next Monday is 1, from a day to itself 0. Datetimes count by their dates in the site's time
    zone."""
    start_day, end_day = _day(start), _day(end)
    if end_day < start_day:
        return -working_days_between(end_day, start_day)
    count, day = 0, start_day
    while day < end_day:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def _day(value: datetime.date | datetime.datetime) -> datetime.date:
    return _local(value).date() if isinstance(value, datetime.datetime) else value


def _previous_day(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=1)


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _aware(day: datetime.date, clock: datetime.time) -> datetime.datetime:
    # make_aware in the site's zone: across a change of the clocks the deadline keeps its clock time.
    return timezone.make_aware(datetime.datetime.combine(day, clock))
