"""The public list of signatories with its filters, the signatory page, and progress on pledges."""

import datetime
from decimal import Decimal

import pytest

from covenant.signatories.models import PledgeProgress, SignatureStatus
from demo.factories.signatories import (
    CovenantSignatureFactory,
    PledgeFactory,
    RecognitionAwardFactory,
    SignaturePledgeFactory,
)
from demo.factories.workforce import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signatories(care_provider):
    council = OrganisationFactory(
        name="Wolds County Council", organisation_type="local_authority", region="north_west"
    )
    trust = OrganisationFactory(name="Riverside Hospitals", organisation_type="nhs_foundation_trust")
    pending = OrganisationFactory(name="Pending Hospice", organisation_type="hospice")
    bank = PledgeFactory(title="Support after violence", text="We will offer support within 72 hours.")
    rows = {}
    for organisation in (care_provider, council, trust):
        signature = CovenantSignatureFactory(organisation=organisation)
        SignaturePledgeFactory(signature=signature, own_text=f"{organisation.name} will mentor staff.")
        SignaturePledgeFactory(signature=signature, bank_pledge=bank, own_text="")
        rows[organisation.name] = signature
    CovenantSignatureFactory(organisation=pending, status=SignatureStatus.REQUESTED)
    RecognitionAwardFactory(organisation=trust, tier="bronze", awarded_on=datetime.date(2025, 6, 1))
    RecognitionAwardFactory(organisation=council, tier="bronze", awarded_on=datetime.date(2015, 6, 1))
    return rows


def test_public_list_shows_approved_signatories_with_pledges(
    client, signatories, django_assert_max_num_queries
):
    # A fixed budget: the page, its pledges and tiers, and the Covenant contacts setting; the menus (footer, header
    # links) come from the cache once the first visitor has built them.
    client.get("/covenant/signatories/")
    with django_assert_max_num_queries(10):
        response = client.get("/covenant/signatories/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 organisations" in html
    assert "Harbourside Care Homes Ltd will mentor staff." in html
    assert "We will offer support within 72 hours." in html
    assert "Pending Hospice" not in html
    assert "Bronze award" in html  # the trust's current award; the council's lapsed in 2020
    assert html.count("Bronze award") == 1


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"sector": "social_care"}, ["Harbourside", "Wolds County Council"], ["Riverside Hospitals"]),
        ({"organisation_type": "care_provider"}, ["Harbourside"], ["Wolds County", "Riverside Hospitals"]),
        ({"region": "north_west"}, ["Wolds County Council"], ["Harbourside", "Riverside Hospitals"]),
        ({"tier": "bronze"}, ["Riverside Hospitals"], ["Harbourside", "Wolds County"]),
        ({"name": "riverside"}, ["Riverside Hospitals"], ["Harbourside"]),
    ],
)
def test_public_list_filters(client, signatories, params, shown, hidden):
    html = client.get("/covenant/signatories/", params).content.decode()
    for name in shown:
        assert name in html, (params, name)
    for name in hidden:
        assert f">{name}" not in html, (params, name)


def test_bad_filter_values_show_an_error_not_a_crash(client, signatories):
    response = client.get("/covenant/signatories/", {"sector": "space", "page": "x"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_signatory_page_is_public_for_approved_signatures_only(client, signatories, care_provider):
    signature = signatories["Harbourside Care Homes Ltd"]
    html = client.get(f"/covenant/signatories/{signature.pk}/").content.decode()
    assert "Alex Example, Chief executive" in html and "will mentor staff" in html
    pending = CovenantSignatureFactory(status=SignatureStatus.REQUESTED, organisation__name="Somewhere Else")
    assert client.get(f"/covenant/signatories/{pending.pk}/").status_code == 404


def test_hr_admin_records_progress_on_their_pledge(client, login, hr_admin, care_provider, signatories):
    pledge = signatories["Harbourside Care Homes Ltd"].pledges.first()
    login(hr_admin)
    url = f"/covenant/pledges/{pledge.pk}/progress/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"financial_year": "2025", "value": "62.5", "note": "Half way"})
    assert response.status_code == 302
    progress = PledgeProgress.objects.get()
    assert progress.value == Decimal("62.5") and progress.year.label == "2025/26"
    # Recording the same year again corrects it rather than adding a second figure.
    client.post(url, {"financial_year": "2025", "value": "64", "note": ""})
    assert PledgeProgress.objects.get().value == Decimal("64")
    assert "64 % in 2025/26" in client.get(f"/covenant/signatories/{pledge.signature.pk}/").content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"financial_year": "2019", "value": "5"},
        {"financial_year": "2025", "value": "-1"},
        {"financial_year": "2025", "value": "lots"},
        {"financial_year": "", "value": "5"},
    ],
)
def test_bad_progress_is_refused(client, login, hr_admin, signatories, data):
    pledge = signatories["Harbourside Care Homes Ltd"].pledges.first()
    login(hr_admin)
    response = client.post(f"/covenant/pledges/{pledge.pk}/progress/", data)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not PledgeProgress.objects.exists()


def test_hr_admin_cannot_record_progress_for_another_organisation(client, login, hr_admin, signatories):
    pledge = signatories["Riverside Hospitals"].pledges.first()
    login(hr_admin)
    assert client.get(f"/covenant/pledges/{pledge.pk}/progress/").status_code == 404
    assert (
        client.post(
            f"/covenant/pledges/{pledge.pk}/progress/", {"financial_year": "2025", "value": "1"}
        ).status_code
        == 404
    )


def test_covenant_page_links_to_signing_and_the_list(client):
    from tests.cms import pages

    page = pages.covenant_page()
    html = client.get(page.url).content.decode()
    assert 'href="/covenant/signatories/"' in html and 'href="/covenant/report/"' in html
    # "Ask to sign" leads to the page that explains what to do, never straight to the staff sign-in page.
    assert 'href="/covenant/how-to-sign/"' in html and 'href="/covenant/sign/"' not in html
    assert "Who signs, and how you can hold them to account" in html


def test_editors_keep_the_pledge_bank_in_the_cms(client, login, editor, make_user):
    login(editor)
    assert client.get("/admin/snippets/signatories/pledge/").status_code == 200
    response = client.get("/admin/snippets/signatories/pledge/add/")
    assert response.status_code == 200
    login(make_user("hr_admin"))
    assert client.get("/admin/snippets/signatories/pledge/").status_code in (302, 403)
