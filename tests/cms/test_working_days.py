"""Working days in England and Wales (cms/working_days.py): weekends and bank holidays do not count, the time of
day is kept, and the calendar is the same for Wales as for England."""

import datetime

import holidays
import pytest
from django.utils import timezone

from cms.working_days import (
    add_working_days,
    bank_holiday_name,
    is_working_day,
    next_working_day,
    working_days_between,
)


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.mark.parametrize(
    ("start", "due", "why"),
    [
        (local(2026, 5, 19, 9, 30), local(2026, 5, 20, 9, 30), "Tuesday to Wednesday"),
        (
            local(2026, 5, 22, 17, 0),
            local(2026, 5, 26, 17, 0),
            "Friday before the spring bank holiday Monday",
        ),
        (
            local(2026, 12, 24, 10, 0),
            local(2026, 12, 29, 10, 0),
            "Christmas Eve: Christmas, weekend, Boxing Day",
        ),
        (
            local(2026, 4, 2, 9, 0),
            local(2026, 4, 7, 9, 0),
            "Thursday before Easter: Good Friday, Easter Monday",
        ),
        (
            local(2026, 3, 27, 9, 0),
            local(2026, 3, 30, 9, 0),
            "across the change to summer time, same clock time",
        ),
        (
            local(2026, 5, 23, 10, 0),
            local(2026, 5, 27, 0, 0),
            "Saturday: the end of Tuesday, the first working day",
        ),
        (local(2026, 12, 25, 8, 0), local(2026, 12, 30, 0, 0), "Christmas Day: the end of Tuesday 29th"),
    ],
)
def test_one_working_day_keeps_the_time_of_day(start, due, why):
    assert add_working_days(start, 1) == due, why


def test_several_working_days_and_dates():
    assert add_working_days(datetime.date(2026, 12, 23), 3) == datetime.date(2026, 12, 30)
    assert add_working_days(local(2026, 12, 23, 14, 0), 0) == local(2026, 12, 23, 14, 0)
    assert next_working_day(datetime.date(2026, 12, 24)) == datetime.date(2026, 12, 29)
    with pytest.raises(ValueError):
        add_working_days(datetime.date(2026, 12, 23), -1)


def test_a_deadline_from_utc_is_given_in_local_time():
    start = datetime.datetime(2026, 5, 22, 16, 0, tzinfo=datetime.UTC)  # 5pm in London (BST)
    assert add_working_days(start, 1) == local(2026, 5, 26, 17, 0)


def test_working_days_between():
    assert working_days_between(datetime.date(2026, 5, 22), datetime.date(2026, 5, 26)) == 1
    assert working_days_between(datetime.date(2026, 12, 24), datetime.date(2026, 12, 31)) == 3
    assert working_days_between(datetime.date(2026, 12, 31), datetime.date(2026, 12, 24)) == -3
    assert working_days_between(local(2026, 4, 2, 23, 0), local(2026, 4, 7, 1, 0)) == 1
    assert working_days_between(datetime.date(2026, 4, 7), datetime.date(2026, 4, 7)) == 0


def test_weekends_and_bank_holidays_are_not_working_days():
    assert is_working_day(datetime.date(2026, 12, 29))
    assert not is_working_day(datetime.date(2026, 12, 25))  # Christmas Day, Friday
    assert not is_working_day(datetime.date(2026, 12, 28))  # Boxing Day (substitute), Monday
    assert not is_working_day(datetime.date(2026, 4, 6))  # Easter Monday
    assert not is_working_day(datetime.date(2026, 12, 5))  # Saturday
    assert not is_working_day(datetime.date(2023, 5, 8))  # the coronation: a one-off bank holiday
    assert not is_working_day(local(2026, 12, 28, 9, 0))
    assert bank_holiday_name(datetime.date(2026, 4, 6)) == "Easter Monday"
    assert bank_holiday_name(datetime.date(2026, 4, 7)) == ""


def test_wales_has_englands_bank_holidays():
    years = range(2020, 2036)
    assert set(holidays.UK(subdiv="ENG", years=years)) == set(holidays.UK(subdiv="WLS", years=years))
