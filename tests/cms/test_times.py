"""Times in NHS.UK style everywhere: "8:53am", "9am", "midday", "midnight", never "8:53a.m." or "08:53"."""

import datetime
import re
from pathlib import Path

import pytest
from django.template import Context, Template

from cms.times import datetime_nhs, hour_nhs, time_nhs

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize(
    ("clock", "shown"),
    [
        (datetime.time(8, 53), "8:53am"),
        (datetime.time(9, 0), "9am"),
        (datetime.time(12, 0), "midday"),
        (datetime.time(0, 0), "midnight"),
        (datetime.time(12, 30), "12:30pm"),
        (datetime.time(0, 5), "12:05am"),
        (datetime.time(17, 0), "5pm"),
        (datetime.time(23, 59), "11:59pm"),
        (datetime.time(8, 53, 7), "8:53am"),  # seconds only when asked for
    ],
)
def test_time_nhs(clock, shown):
    assert time_nhs(clock) == shown


def test_time_nhs_with_seconds_for_the_audit_trail():
    assert time_nhs(datetime.time(8, 53, 7), seconds=True) == "8:53:07am"
    assert time_nhs(datetime.time(14, 0, 0), seconds=True) == "2:00:00pm"
    assert time_nhs(datetime.time(12, 0, 0), seconds=True) == "midday"
    assert time_nhs(datetime.time(0, 0, 1), seconds=True) == "12:00:01am"


def test_aware_times_are_shown_in_the_site_time_zone():
    summer = datetime.datetime(2026, 7, 1, 11, 0, tzinfo=datetime.UTC)  # midday in London (BST)
    winter = datetime.datetime(2026, 12, 6, 8, 53, tzinfo=datetime.UTC)
    assert time_nhs(summer) == "midday"
    assert datetime_nhs(winter) == "6 December 2026 at 8:53am"
    assert datetime_nhs(winter, "j M Y") == "6 Dec 2026 at 8:53am"
    assert (
        datetime_nhs(datetime.datetime(2026, 12, 6, 0, 0, tzinfo=datetime.UTC))
        == "6 December 2026 at midnight"
    )
    assert hour_nhs(datetime.datetime(2026, 7, 1, 22, 0, tzinfo=datetime.UTC)) == "between 11pm and midnight"


def test_the_template_filters():
    value = datetime.datetime(2026, 12, 6, 15, 30, tzinfo=datetime.UTC)
    html = Template(
        "{{ value|nhs_time }}|{{ value|nhs_datetime }}|{{ value|nhs_datetime:'j M Y' }}|{{ value|nhs_hour }}|"
        "{{ missing|nhs_datetime }}"
    ).render(Context({"value": value, "missing": None}))
    assert html == "3:30pm|6 December 2026 at 3:30pm|6 Dec 2026 at 3:30pm|between 3:30pm and 4:30pm|"


def _time_formats_in_templates():
    # A `|date` format with a time character (H G g h i s u a A P f, unescaped) or the `|time` filter.
    date_filter = re.compile(r"""\|date:(["'])(.*?)\1""")
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        text = path.read_text()
        for match in date_filter.finditer(text):
            if re.search(r"(?<!\\)[HGghisuaAPf]", match.group(2)):
                yield f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for match in re.finditer(r"\|time\b", text):
            yield f"{path.relative_to(TEMPLATES)}: {match.group(0)}"


def test_no_template_formats_a_time_its_own_way():
    """Every time on a page, in an e-mail or in a PDF goes through nhs_time / nhs_datetime / nhs_hour."""
    assert list(_time_formats_in_templates()) == []


@pytest.mark.django_db
def test_a_consultation_page_shows_its_dates_in_nhs_style(client):
    from demo.factories.consultation import COVENANT_QUESTIONS, consultation_page

    page = consultation_page(slug="times", questions=COVENANT_QUESTIONS[:1])
    page.opens_at = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
    page.closes_at = datetime.datetime(2099, 2, 27, 12, 0, tzinfo=datetime.UTC)  # midday (GMT)
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "5 January 2026 at 9am" in html
    assert "27 February 2099 at midday" in html
    assert "a.m." not in html and "p.m." not in html and "noon" not in html
