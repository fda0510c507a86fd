"""Times as the NHS.UK content style guide writes them, in one place: "8:53am", "9am", "12:30pm", "midday" and
"midnight" rather than 12pm and 12am; lower case, no full stops, no space. Django's date format characters cannot
say this ("a" gives "a.m.", "P" gives "8:53 a.m." and "noon"), so templates use the `nhs_time`,
`nhs_datetime` and `nhs_date` filters (cms/templatetags/nhsuk.py), tables `cms.tables.TimeColumn`, and Python text these
functions. Every time shown is in the site's time zone (TIME_ZONE, Europe/London).
"""

from __future__ import annotations

import datetime

from django.utils import dateformat, timezone

DATE_FORMAT = "j F Y"  # 6 December 2026
SHORT_DATE_FORMAT = "j M Y"  # 6 Dec 2026, in tables


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def time_nhs(value: datetime.time | datetime.datetime | None, *, seconds: bool = False) -> str:
    """8:53am, 9am, 12:30pm, midday, midnight; with seconds (the audit trail) 8:53:07am."""
    if value is None:
        return ""
    value = _local(value)
    hour, minute, second = value.hour, value.minute, value.second if seconds else 0
    if minute == 0 and second == 0 and hour in (0, 12):
        return "midnight" if hour == 0 else "midday"
    clock = str(hour % 12 or 12)
    if seconds:
        clock += f":{minute:02d}:{second:02d}"
    elif minute:
        clock += f":{minute:02d}"
    return clock + ("am" if hour < 12 else "pm")


def date_nhs(value: datetime.date | datetime.datetime | None, date_format: str = DATE_FORMAT) -> str:
    """6 December 2026 (or any Django date format); a datetime is taken on its day in the site's time zone."""
    if value is None:
        return ""
    return dateformat.format(_local(value), date_format)


def datetime_nhs(
    value: datetime.datetime | None, date_format: str = DATE_FORMAT, *, seconds: bool = False
) -> str:
    """6 December 2026 at 8:53am (the date in a Django date format, the time as `time_nhs`)."""
    if value is None:
        return ""
    value = _local(value)
    return f"{dateformat.format(value, date_format)} at {time_nhs(value, seconds=seconds)}"


def hour_nhs(start: datetime.datetime | None) -> str:
    """The clock hour a record about an anonymous action is kept to, "between 8am and 9am" (its minute is not
    kept)."""
    if start is None:
        return ""
    start = _local(start)
    return f"between {time_nhs(start)} and {time_nhs(start + datetime.timedelta(hours=1))}"
