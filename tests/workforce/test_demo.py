"""The demo world, and the issue's "done when" journey walked through the screens as the demo HR user."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from demo import site as demo_site
from demo import workforce as demo_workforce
from workforce.models import IntegratedTeam, JointArrangement, Person, Post, SectorMove
from workforce.selectors import Quarter
from workforce.vocabulary import MoveStatus, MoveType

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SIZES = {"people": 120, "incidents": 0, "responses": 0, "seed": 7}


@pytest.fixture
def world():
    world = demo_site.DemoWorld()
    demo_site.seed(world=world, sizes=SIZES)
    demo_workforce.seed(world=world, sizes=SIZES)
    return world


def test_seed_builds_every_move_type_and_is_idempotent(world):
    assert Person.objects.count() == SIZES["people"]
    assert {m.move_type for m in SectorMove.objects.all()} == set(MoveType.values)
    arrangement = JointArrangement.objects.get(title="Hospital discharge and reablement lead")
    assert sorted(p.funding_share for p in arrangement.partners.all()) == [40, 60]
    counts = (Person.objects.count(), SectorMove.objects.count(), Post.objects.count())
    demo_workforce.seed(world=world, sizes=SIZES)
    assert (Person.objects.count(), SectorMove.objects.count(), Post.objects.count()) == counts


def test_demo_has_an_integrated_team_across_two_partners(world):
    team = IntegratedTeam.objects.get(name="Discharge to assess team")
    employers = {
        m.assignment.employment.employer.short_name
        for m in team.members.select_related("assignment__employment__employer")
    }
    assert employers == {"Riverside Hospitals", "Riverside Council"}
    assert (
        team.lead is not None
        and team.lead.employments.filter(employer__short_name="Riverside Council").exists()
    )


def test_demo_has_reporting_lines_linked_to_the_demo_logins(world, client, login):
    sam = Person.objects.get(work_email="nurse@riverside-hospitals.example")
    chain, person = [], sam
    while True:
        employment = person.employments.filter(end_date__isnull=True).first()
        if employment is None or employment.line_manager is None:
            break
        person = employment.line_manager
        chain.append(person.full_name)
    assert chain == ["Nadia Brook", "Owen Castell"]
    kit = Person.objects.get(work_email="kit.arden@riverside-hospitals.example")
    assert kit.employments.get().line_manager.work_email == "security.lead@riverside-hospitals.example"
    jo = Person.objects.get(first_name="Jo", last_name="Pennant")
    assert jo.work_email == "care.worker@harbourside-care.example"
    assert jo.employments.get().line_manager.full_name == "Grace Okafor"
    # Grace, a demo login, is HR administrator at Harbourside Care and can change Jo's reporting line.
    login(world.users["hr.admin@harbourside-care.example"])
    page = client.get(reverse("workforce:person_detail", args=[jo.pk])).content.decode()
    assert "Grace Okafor" in page and reverse("workforce:person_reporting", args=[jo.pk]) in page


def test_done_when_journey(world, client, login):
    hr = world.users["hr.admin@riverside-hospitals.example"]
    trust, council = world.organisations["Riverside Hospitals"], world.organisations["Riverside Council"]
    login(hr)
    today = timezone.localdate()

    # 1. A joint role between the trust and the council, funded 60/40.
    post = Post.objects.get(reference="RV9-JOINT-02")
    date = {"start_date": today, "review_date": today + datetime.timedelta(days=365)}
    data = {
        "title": "Integrated discharge coordinator",
        "post_reference": post.reference,
        "legal_model": "joint_employment",
        "status": "active",
        "employer": trust.pk,
        "place_of_work": council.pk,
        "funder": trust.pk,
        "partners-TOTAL_FORMS": "2",
        "partners-INITIAL_FORMS": "0",
        "partners-0-organisation": trust.pk,
        "partners-0-roles": ["employer", "funder", "line_management"],
        "partners-0-funding_share": "60",
        "partners-0-time_share": "60",
        "partners-1-organisation": council.pk,
        "partners-1-roles": ["host", "funder", "professional_supervision"],
        "partners-1-funding_share": "40",
        "partners-1-time_share": "40",
    }
    for name, day in date.items():
        data.update({f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year})
    assert client.post(reverse("workforce:arrangement_create"), data).status_code == 302
    assert JointArrangement.objects.filter(title="Integrated discharge coordinator").exists()

    # 2. Move Jo Pennant from Harbourside Care into the trust, reusing DBS and training.
    jo = Person.objects.get(first_name="Jo", last_name="Pennant")
    start = today + datetime.timedelta(days=7)
    response = client.post(
        reverse("workforce:move_record", args=[jo.pk]),
        {
            "move_type": "permanent",
            "from_post": Post.objects.get(reference="HC-SCW-001").pk,
            "to_organisation": trust.pk,
            "to_post_reference": "RV9-HCA-DEMO",
            "reason": "Offered a healthcare assistant post in the discharge lounge",
            "offer_date_day": today.day,
            "offer_date_month": today.month,
            "offer_date_year": today.year,
            "effective_date_day": start.day,
            "effective_date_month": start.month,
            "effective_date_year": start.year,
        },
    )
    assert response.status_code == 302
    move = SectorMove.objects.get(person=jo)
    assert client.post(reverse("workforce:move_confirm", args=[move.pk])).status_code == 302
    move.refresh_from_db()
    assert move.status == MoveStatus.CONFIRMED and move.days_offer_to_start == 7
    reused = {c.kind for c in move.credentials_reused.all()}
    assert {"dbs", "training"} <= reused

    # 3. The sector-flow report shows it, as a page and as a PDF.
    quarter = Quarter.containing(start)
    url = reverse("workforce:sector_flow_report") + f"?quarter={quarter.key}"
    html = client.get(url).content.decode()
    assert "Harbourside Care Homes Ltd" in html and "<svg" in html
    pdf = client.get(url + "&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(__import__("io").BytesIO(pdf.content)).pages)
    assert "Social care to NHS" in text and "Harbourside" in text
