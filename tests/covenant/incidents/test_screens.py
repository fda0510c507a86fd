"""Screens that fit: the case list's organisation column and next deadline, the full-width container, and dates in
NHS.UK style on every incident staff page."""

import datetime
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from covenant.incidents.models import CaseAction, Status, SupportCheckIn, SupportOffer
from demo.factories.incidents import IncidentReportFactory
from demo.factories.workforce import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[3] / "templates" / "incidents"


def _list(client, login, user):
    login(user)
    response = client.get(reverse("incidents:case_list"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_handler_of_one_organisation_reads_its_name_once(client, login, handler, organisation):
    IncidentReportFactory(organisation=organisation)
    page = _list(client, login, handler)
    assert f"Violence and abuse reports at {organisation.name}." in page
    table = page.split("<table", 1)[1]
    assert "Organisation" not in table and organisation.name not in table


def test_a_handler_of_several_sees_the_short_name_with_the_full_one(
    client, login, handler, other_organisation
):
    trust = handler.memberships.get().organisation
    trust.short_name = "Riverside"
    trust.save()
    MembershipFactory(user=handler, organisation=other_organisation, role="incident_handler")
    IncidentReportFactory(organisation=trust)
    table = _list(client, login, handler).split("<table", 1)[1]
    assert "Organisation" in table
    assert f'<abbr title="{trust.name}">Riverside</abbr>' in table


def test_the_case_list_uses_the_full_width_container(client, login, handler):
    page = _list(client, login, handler)
    assert page.count("nhsuk-width-container-fluid") == 4  # header, navigation, page, footer
    assert 'class="nhsuk-width-container"' not in page
    assert "app-table--compact" in page


def _deadline_cell(page: str, reference: str) -> str:
    row = re.search(rf"<tr[^>]*>\s*<td[^>]*><a [^>]*>{reference}</a>.*?</tr>", page, flags=re.S).group(0)
    return re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)[-1].strip()


def test_next_deadline_is_the_earliest_step_still_due(client, login, handler, organisation):
    now = timezone.now()
    today = timezone.localdate()
    new = IncidentReportFactory(
        organisation=organisation, reported_at=now, acknowledge_by=now + datetime.timedelta(days=1)
    )
    late = IncidentReportFactory(
        organisation=organisation,
        reported_at=now - datetime.timedelta(days=3),
        acknowledge_by=now - datetime.timedelta(days=2),
    )
    working = IncidentReportFactory(organisation=organisation, status=Status.ASSIGNED, acknowledged_at=now)
    CaseAction.objects.create(
        report=working, description="Rota", owner=handler, due_on=today + datetime.timedelta(days=9)
    )
    CaseAction.objects.create(
        report=working, description="Done", owner=handler, due_on=today, completed_at=now
    )
    offer = SupportOffer.objects.create(
        report=working, staff_member="Reporter", route="eap", offered_by=handler
    )
    SupportCheckIn.objects.create(offer=offer, due_on=today + datetime.timedelta(days=4))
    quiet = IncidentReportFactory(organisation=organisation, status=Status.ASSIGNED, acknowledged_at=now)
    closed = IncidentReportFactory(
        organisation=organisation, status=Status.CLOSED, acknowledged_at=now, closed_at=now
    )
    page = _list(client, login, handler)
    assert _deadline_cell(page, new.reference).startswith("Acknowledge by ")
    assert "overdue" not in _deadline_cell(page, new.reference)
    assert _deadline_cell(page, late.reference).endswith("<strong>(overdue)</strong>")
    check_in_day = today + datetime.timedelta(days=4)
    assert _deadline_cell(page, working.reference) == f"Check-in due {check_in_day.day} {check_in_day:%b %Y}"
    assert _deadline_cell(page, quiet.reference) == "None"
    assert _deadline_cell(page, closed.reference) == "None"


def test_the_case_list_queries_do_not_grow_with_its_rows(
    client, login, handler, organisation, django_assert_max_num_queries
):
    login(handler)
    for _ in range(3):
        report = IncidentReportFactory(
            organisation=organisation, status=Status.ASSIGNED, acknowledged_at=timezone.now()
        )
        CaseAction.objects.create(report=report, description="x", owner=handler, due_on=timezone.localdate())
    client.get(reverse("incidents:case_list"))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("incidents:case_list"))
    for _ in range(10):
        IncidentReportFactory(organisation=organisation)
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("incidents:case_list"))


def test_incident_staff_pages_format_dates_in_nhs_style():
    """Every date on an incident page goes through the nhs_date or nhs_datetime filters (cms/times.py)."""
    offenders = [
        f"{path.name}: {match}"
        for path in sorted(TEMPLATES.glob("*.html"))
        for match in re.findall(r"\|\s*date\b[^}]*", path.read_text())
    ]
    assert not offenders, offenders


def test_the_nhs_date_filter():
    value = datetime.datetime(2026, 12, 6, 23, 30, tzinfo=datetime.UTC)
    html = Template(
        "{{ value|nhs_date }}|{{ value|nhs_date:'j M Y' }}|{{ day|nhs_date }}|{{ missing|nhs_date }}"
    ).render(Context({"value": value, "day": datetime.date(2027, 3, 1), "missing": None}))
    assert html == "6 December 2026|6 Dec 2026|1 March 2027|"
    summer = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)  # 12:30am on 2 July in London
    assert Template("{{ value|nhs_date }}").render(Context({"value": summer})) == "2 July 2026"


def test_a_long_trust_name_is_the_short_form_in_the_header_of_a_case_list(client, login, make_user):
    long_name = "Riverside and Wolds University Hospitals and Community Services NHS Foundation Trust"
    trust = OrganisationFactory(name=long_name, short_name="Riverside and Wolds")
    council = OrganisationFactory(name="Wolds County Council")
    lead = make_user("incident_handler", organisation=trust)
    MembershipFactory(user=lead, organisation=council, role="incident_handler")
    IncidentReportFactory(organisation=trust)
    IncidentReportFactory(organisation=council)
    table = _list(client, login, lead).split("<table", 1)[1]
    assert f'<abbr title="{long_name}">Riverside and Wolds</abbr>' in table
    assert "Wolds County Council</td>" in table  # no short name: the name itself


def test_a_sort_by_a_column_the_list_no_longer_has_is_ignored(client, login, handler, organisation):
    """Bookmarked addresses sorted by the old "Acknowledge by" column still open the list."""
    IncidentReportFactory(organisation=organisation)
    login(handler)
    for sort in ("-acknowledge_by", "next_deadline", "nonsense"):
        assert client.get(reverse("incidents:case_list"), {"sort": sort}).status_code == 200, sort
