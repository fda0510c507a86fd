"""The demo: Harbourside Care signs with two pledges, others hold tiers, and the report shows real figures."""

import io

import pytest
from django.utils import timezone

from cms.disclosure import Suppressed
from covenant.signatories import annual
from covenant.signatories.models import (
    CovenantSignature,
    FinancialYear,
    PledgeProgress,
    RecognitionAward,
    SignaturePledge,
    SignatureStatus,
)
from demo import incidents as demo_incidents
from demo import signatories as demo_signatories
from demo import site as demo_site
from demo import workforce as demo_workforce

pytestmark = pytest.mark.django_db

SIZES = {"people": 30, "incidents": 40, "responses": 0, "seed": 3}


def _seed():
    world = demo_site.DemoWorld()
    demo_site.seed(world=world, sizes=SIZES, stdout=io.StringIO())
    demo_workforce.seed(world=world, sizes=SIZES, stdout=io.StringIO())
    demo_incidents.seed(world=world, sizes=SIZES, stdout=io.StringIO())
    demo_signatories.seed(world=world, sizes=SIZES, stdout=io.StringIO())
    return world


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (CovenantSignature, SignaturePledge, PledgeProgress, RecognitionAward)
    }


def test_demo_signatories_and_annual_report(client):
    world = _seed()
    harbourside = CovenantSignature.objects.get(organisation=world.organisations["Harbourside Care"])
    assert harbourside.status == SignatureStatus.APPROVED
    assert harbourside.pledges.count() == 2
    assert harbourside.requested_by.email == "hr.admin@harbourside-care.example"
    assert harbourside.approved_by.email == "editor@rw-icb.example"
    assert CovenantSignature.objects.filter(status=SignatureStatus.REQUESTED).count() == 1
    assert RecognitionAward.objects.filter(tier="silver").exists()

    year = FinancialYear.containing(timezone.localdate())
    figures = annual.annual_report(year=year)
    system = {row.label: row.current for row in figures["system_rows"]}
    incidents = system["Incidents of violence or abuse reported"]
    # Shown, or hidden with a half-year whose small count the analysts' figures hide (the year in progress has
    # only a few weeks of its second half): the year must not give that half away (docs/disclosure-control.md).
    assert isinstance(incidents, Suppressed) or (isinstance(incidents, int) and incidents > 0)
    assert system["Staff (headcount at the end of the period)"] > 0
    assert any(section.organisation.short_name == "Harbourside Care" for section in figures["sections"])

    html = client.get(f"/covenant/report/{year.key}/").content.decode()
    assert "Harbourside Care Homes Ltd" in html and "named mentor" in html

    before = _counts()
    _seed()
    assert _counts() == before
