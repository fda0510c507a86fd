"""Asking to sign the Covenant: the HR form, the service's rules, and who may do it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cms.accounts.models import AuditEvent
from covenant.signatories import services
from covenant.signatories.models import CovenantSignature, SignaturePledge, SignatureStatus
from demo.factories.signatories import CovenantSignatureFactory

pytestmark = pytest.mark.django_db

URL = "/covenant/sign/"


def _form(org, bank, **overrides):
    data = {
        "organisation": org.pk,
        "signatory_name": "Grace Okafor",
        "signatory_role": "Managing director",
        "co_signatory_name": "",
        "co_signatory_role": "",
        "signed_on_day": "1",
        "signed_on_month": "9",
        "signed_on_year": "2026",
        "pledges-TOTAL_FORMS": "3",
        "pledges-INITIAL_FORMS": "0",
        "pledges-MIN_NUM_FORMS": "0",
        "pledges-MAX_NUM_FORMS": "10",
        "pledges-0-bank_pledge": bank[0].pk,
        "pledges-0-own_text": "",
        "pledges-0-indicator": "Percentage offered support within 72 hours",
        "pledges-0-target": "95",
        "pledges-0-unit": "%",
        "pledges-1-bank_pledge": "",
        "pledges-1-own_text": "We will give every care worker a named mentor.",
        "pledges-1-indicator": "Care workers with a mentor",
        "pledges-1-target": "40",
        "pledges-1-unit": "people",
        "pledges-2-bank_pledge": "",
        "pledges-2-own_text": "",
        "pledges-2-indicator": "",
        "pledges-2-target": "",
        "pledges-2-unit": "",
    }
    data.update(overrides)
    return data


def test_hr_admin_asks_to_sign_with_two_pledges(client, login, hr_admin, care_provider, bank):
    login(hr_admin)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ask to sign the NHS Covenant" in html and "Support after violence" in html
    assert "novalidate" in html

    response = client.post(URL, _form(care_provider, bank))
    assert response.status_code == 302 and response["Location"] == "/covenant/my-organisation/"
    signature = CovenantSignature.objects.get()
    assert signature.status == SignatureStatus.REQUESTED
    assert signature.organisation == care_provider and signature.requested_by == hr_admin
    assert signature.signed_on == datetime.date(2026, 9, 1)
    pledges = list(signature.pledges.all())
    assert [p.bank_pledge for p in pledges] == [bank[0], None]
    assert pledges[1].own_text == "We will give every care worker a named mentor."
    assert pledges[0].target == Decimal("95") and pledges[1].unit == "people"
    assert AuditEvent.objects.filter(action="covenant.signature_requested").count() == 1

    mine = client.get("/covenant/my-organisation/").content.decode()
    assert "Waiting for approval" in mine and "named mentor" in mine


@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        ({"signatory_name": ""}, "This field is required"),
        ({"signed_on_day": "31", "signed_on_month": "2"}, "Enter a real date"),
        ({"co_signatory_name": "Sam Rep"}, "Enter both the name and the job title"),
        ({"pledges-0-indicator": ""}, "Enter how progress on this pledge is measured"),
        ({"pledges-0-target": "lots"}, "Enter a number"),
        ({"pledges-0-target": "-3"}, "greater than or equal to 0"),
        ({"pledges-1-own_text": "We will", "pledges-1-bank_pledge": "PLACEHOLDER"}, "not both"),
        ({"pledges-1-bank_pledge": "PLACEHOLDER0", "pledges-1-own_text": ""}, "only once"),
        (
            {"pledges-0-bank_pledge": "", "pledges-1-own_text": ""},
            "Choose a pledge from the bank or write your own",
        ),
        ({"organisation": "999999"}, "Select a valid choice"),
        ({"pledges-TOTAL_FORMS": "50"}, "at most 10"),
    ],
)
def test_bad_requests_show_errors_and_write_nothing(
    client, login, hr_admin, care_provider, bank, overrides, field_error
):
    for key, value in list(overrides.items()):
        if value == "PLACEHOLDER":
            overrides[key] = bank[1].pk
        elif value == "PLACEHOLDER0":
            overrides[key] = bank[0].pk
    login(hr_admin)
    response = client.post(URL, _form(care_provider, bank, **overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert field_error in html
    assert CovenantSignature.objects.count() == 0 and SignaturePledge.objects.count() == 0


def test_no_pledges_at_all_is_refused(client, login, hr_admin, care_provider, bank):
    login(hr_admin)
    data = _form(
        care_provider,
        bank,
        **{"pledges-0-bank_pledge": "", "pledges-0-indicator": "", "pledges-0-target": ""},
    )
    data.update(
        {"pledges-1-own_text": "", "pledges-1-indicator": "", "pledges-1-target": "", "pledges-1-unit": ""}
    )
    data["pledges-0-unit"] = ""
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "Make at least one pledge" in response.content.decode()


def test_a_second_request_for_the_same_organisation_is_refused(client, login, hr_admin, care_provider, bank):
    CovenantSignatureFactory(organisation=care_provider, status=SignatureStatus.REQUESTED)
    login(hr_admin)
    response = client.post(URL, _form(care_provider, bank))
    assert response.status_code == 400
    assert "already signed the Covenant or has a request waiting" in response.content.decode()
    assert CovenantSignature.objects.count() == 1


def test_an_organisation_may_ask_again_after_a_rejection(hr_admin, care_provider, bank):
    CovenantSignatureFactory(organisation=care_provider, status=SignatureStatus.REJECTED)
    services.signature_request(
        user=hr_admin,
        organisation=care_provider,
        signatory_name="Grace Okafor",
        signatory_role="Director",
        signed_on=datetime.date(2026, 1, 5),
        pledges=[services.PledgeInput(bank_pledge=bank[0], indicator="Share supported", target=Decimal(90))],
    )
    assert CovenantSignature.objects.filter(status=SignatureStatus.REQUESTED).count() == 1


def test_hr_admin_cannot_sign_for_another_organisation(hr_admin, other_organisation, bank):
    with pytest.raises(PermissionDenied):
        services.signature_request(
            user=hr_admin,
            organisation=other_organisation,
            signatory_name="A",
            signatory_role="B",
            signed_on=datetime.date(2026, 1, 5),
            pledges=[services.PledgeInput(bank_pledge=bank[0], indicator="x", target=Decimal(1))],
        )


def test_the_form_offers_only_the_users_organisations(
    client, login, hr_admin, care_provider, other_organisation, bank
):
    login(hr_admin)
    response = client.post(URL, _form(other_organisation, bank))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert CovenantSignature.objects.count() == 0


def test_service_rejects_future_dates_and_retired_pledges(hr_admin, care_provider, bank):
    bank[1].is_active = False
    bank[1].save()
    with pytest.raises(ValidationError) as error:
        services.signature_request(
            user=hr_admin,
            organisation=care_provider,
            signatory_name="A",
            signatory_role="B",
            signed_on=timezone.localdate() + datetime.timedelta(days=1),
            pledges=[services.PledgeInput(bank_pledge=bank[1], indicator="x", target=Decimal(1))],
        )
    assert "signed_on" in error.value.message_dict
    assert any("no longer offered" in m for m in error.value.message_dict["pledges"])
    assert CovenantSignature.objects.count() == 0
