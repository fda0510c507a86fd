"""Moves started from the receiving end: an arrival from an organisation that does not use the system."""

import datetime

import pytest
from django.urls import reverse

from cms.accounts.models import AuditEvent
from demo.factories.workforce import AssignmentFactory, EmploymentFactory, OrganisationFactory, PersonFactory
from workforce import selectors
from workforce.models import SectorMove
from workforce.selectors.reports import Quarter

pytestmark = pytest.mark.django_db


@pytest.fixture
def joiner(trust, trust_post):
    """Someone who started at the trust on 1 June 2026, from a care home that does not use the system."""
    person = PersonFactory(first_name="Rowan", last_name="Hale")
    employment = EmploymentFactory(person=person, employer=trust, start_date=datetime.date(2026, 6, 1))
    AssignmentFactory(employment=employment, post=trust_post, start_date=datetime.date(2026, 6, 1))
    return person


def arrival(joiner, **overrides):
    data = {
        "assignment": joiner.assignments.get().pk,
        "from_sector": "social_care",
        "from_organisation_name": "Meadowbank Care Home",
        "offer_date_day": "20",
        "offer_date_month": "4",
        "offer_date_year": "2026",
        "reason": "Career move into nursing support",
    }
    data.update(overrides)
    return data


def test_receiving_hr_records_an_arrival_from_outside(client, login, hr_trust, trust, joiner):
    login(hr_trust)
    url = reverse("workforce:arrival_record", args=[joiner.pk])
    person_page = client.get(reverse("workforce:person_detail", args=[joiner.pk])).content.decode()
    assert url in person_page
    response = client.post(url, arrival(joiner))
    move = SectorMove.objects.get(person=joiner)
    assert response.status_code == 302 and response["Location"] == reverse(
        "workforce:move_detail", args=[move.pk]
    )
    assert (move.from_organisation, move.from_organisation_name, move.from_sector) == (
        None,
        "Meadowbank Care Home",
        "social_care",
    )
    assert (move.to_organisation, move.to_sector, move.status, move.recorded_by_receiver) == (
        trust,
        trust.sector,
        "confirmed",
        True,
    )
    # The start date is the assignment's; the days from offer to start come from the two recorded dates.
    assert move.effective_date == datetime.date(2026, 6, 1) and move.days_offer_to_start == 42
    event = AuditEvent.objects.get(action="workforce.move.arrival_recorded", actor=hr_trust)
    assert event.detail == {"from_sector": "social_care", "sender_registered": False}
    detail = client.get(response["Location"]).content.decode()
    assert "Meadowbank Care Home" in detail and "does not use this system" in detail
    listing = client.get(reverse("workforce:move_list")).content.decode()
    assert "Meadowbank Care Home" in listing
    export = client.get(reverse("workforce:move_list") + "?_export=csv")
    assert b"Meadowbank Care Home" in b"".join(export.streaming_content)
    # Once recorded, the assignment is no longer offered, and the link goes.
    assert client.get(url).status_code == 403
    assert url not in client.get(reverse("workforce:person_detail", args=[joiner.pk])).content.decode()


def test_an_arrival_counts_in_the_sector_flow(client, login, hr_trust, trust, joiner, analyst):
    login(hr_trust)
    client.post(reverse("workforce:arrival_record", args=[joiner.pk]), arrival(joiner))
    quarter = Quarter.containing(datetime.date(2026, 6, 1))
    flow = selectors.sector_flow(start=quarter.start, end=quarter.end, organisation_ids=None)
    assert flow["totals"]["to_nhs"] == 1


def test_a_registered_sender_named_is_linked(client, login, hr_trust, council, joiner):
    login(hr_trust)
    client.post(
        reverse("workforce:arrival_record", args=[joiner.pk]),
        arrival(joiner, from_organisation_name=council.name.upper(), from_sector="health"),
    )
    move = SectorMove.objects.get(person=joiner)
    assert move.from_organisation == council and move.from_sector == council.sector


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"from_sector": ""}, "from_sector", "Select the sector they came from"),
        ({"from_organisation_name": ""}, "from_organisation_name", "Enter the name of the organisation"),
        ({"reason": "  "}, "reason", "Enter the reason"),
        ({"offer_date_month": "7"}, "offer_date", "on or before the start date, 1 June 2026"),
        ({"offer_date_day": "31", "offer_date_month": "2"}, "offer_date", "real date"),
        ({"assignment": "999999"}, "assignment", "Select a valid choice"),
    ],
)
def test_bad_arrivals_are_refused_beside_the_field(
    client, login, hr_trust, joiner, overrides, field, message
):
    login(hr_trust)
    response = client.post(
        reverse("workforce:arrival_record", args=[joiner.pk]), arrival(joiner, **overrides)
    )
    assert response.status_code == 400
    assert message.casefold() in " ".join(response.context["form"].errors[field]).casefold()
    assert not SectorMove.objects.exists()
    assert not AuditEvent.objects.filter(action="workforce.move.arrival_recorded").exists()


def test_not_in_employment_needs_no_organisation(client, login, hr_trust, joiner):
    login(hr_trust)
    response = client.post(
        reverse("workforce:arrival_record", args=[joiner.pk]),
        arrival(joiner, from_sector="not_in_employment", from_organisation_name=""),
    )
    assert response.status_code == 302
    move = SectorMove.objects.get()
    assert move.from_display == "Not in employment"


def test_other_organisations_cannot_record_an_arrival(client, make_user, login, joiner, care_worker, hr_care):
    outsider = make_user("hr_admin", organisation=OrganisationFactory(name="Wolds Community"))
    login(outsider)
    assert (
        client.post(reverse("workforce:arrival_record", args=[joiner.pk]), arrival(joiner)).status_code == 404
    )
    # The care provider sees its own care worker, but the joiner's trust post is not one it can record into.
    login(hr_care)
    assert client.get(reverse("workforce:arrival_record", args=[joiner.pk])).status_code == 404
    assert not SectorMove.objects.exists()
