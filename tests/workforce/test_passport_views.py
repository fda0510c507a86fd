"""The staff passport's screens: allowed, refused and anonymous for every role; another organisation refused;
forged ids and codes refused; bad input answered beside the field with nothing written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cms.accounts.models import AuditEvent
from workforce import services
from workforce.models import PassportCredential, PassportShare
from workforce.passport_import import HEADINGS, passport_credentials_import, template_csv
from workforce.services.passport_shares import REDEEM_FAILURES_PER_HOUR
from workforce.vocabulary import CredentialKind, HolderResponse

from .test_views import date_fields

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
OTHER_ROLES = (
    "incident_reporter",
    "incident_handler",
    "identity_custodian",
    "consultation_moderator",
    "safeguarding_lead",
    "editor",
    "auditor",
    "analyst",
)


@pytest.fixture
def holder(make_user, care_worker, care_provider):
    care_worker.work_email = "jo.pennant@care.example"
    care_worker.save(update_fields=["work_email"])
    return make_user("incident_reporter", organisation=care_provider, email="jo.pennant@care.example")


@pytest.fixture
def world(holder, care_worker, trust, hr_trust, trust_rules):
    code = services.passport_share_create(actor=holder, organisation=trust).code
    share = services.passport_share_redeem(actor=hr_trust, code=code)
    return {"person": care_worker, "share": share, "credential": care_worker.credentials.first()}


HR_PAGES = {
    "credential_record": lambda w: reverse("workforce:credential_record", args=[w["person"].pk]),
    "credentials_to_verify": lambda w: reverse("workforce:credentials_to_verify"),
    "credential_import": lambda w: reverse("workforce:credential_import"),
    "credential_import_template": lambda w: reverse("workforce:credential_import_template"),
    "share_redeem": lambda w: reverse("workforce:share_redeem"),
    "passport_relied_on": lambda w: reverse("workforce:passport_relied_on"),
    "shared_passport": lambda w: reverse("workforce:shared_passport", args=[w["share"].pk]),
}
HOLDER_PAGES = {
    "my_passport": lambda w: reverse("workforce:my_passport"),
    "my_credential": lambda w: reverse("workforce:my_credential", args=[w["credential"].pk]),
}


@pytest.mark.parametrize("page", sorted({**HR_PAGES, **HOLDER_PAGES}))
def test_anonymous_is_sent_to_sign_in(client, world, page):
    response = client.get({**HR_PAGES, **HOLDER_PAGES}[page](world))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize("page", sorted(HR_PAGES))
def test_other_roles_are_refused_the_hr_pages(client, make_user, login, world, trust, role, page):
    login(make_user(role, organisation=trust))
    assert client.get(HR_PAGES[page](world)).status_code == 403


@pytest.mark.parametrize("page", sorted(HR_PAGES))
def test_hr_of_the_organisation_is_allowed(client, login, world, hr_care, hr_trust, page):
    # The person's employer records and verifies; the receiver redeems and reads what it relied on.
    login(hr_care if page == "credential_record" else hr_trust)
    assert client.get(HR_PAGES[page](world)).status_code == 200


def test_another_organisations_hr_is_refused_the_person_and_the_shared_passport(
    client, login, world, hr_council
):
    login(hr_council)
    assert client.get(HR_PAGES["credential_record"](world)).status_code == 404
    assert client.get(HR_PAGES["shared_passport"](world)).status_code == 404
    assert AuditEvent.objects.filter(action="access.refused", actor=hr_council).exists()
    html = client.get(HR_PAGES["passport_relied_on"](world)).content.decode()
    assert world["person"].full_name not in html


def test_the_sender_does_not_see_the_receivers_shared_passport(client, login, world, hr_care):
    login(hr_care)
    assert client.get(HR_PAGES["shared_passport"](world)).status_code == 404


@pytest.mark.parametrize("role", (*OTHER_ROLES, "hr_admin"))
def test_every_signed_in_role_sees_only_their_own_passport(client, make_user, login, world, trust, role):
    login(make_user(role, organisation=trust))
    response = client.get(HOLDER_PAGES["my_passport"](world))
    assert response.status_code == 200 and "not linked to a staff record" in response.content.decode()
    assert client.get(HOLDER_PAGES["my_credential"](world)).status_code == 404


def test_the_holder_sees_their_passport_and_not_a_forged_id(client, login, world, holder):
    login(holder)
    html = client.get(HOLDER_PAGES["my_passport"](world)).content.decode()
    assert "Enhanced with barred list" in html
    assert client.get(HOLDER_PAGES["my_credential"](world)).status_code == 200
    assert client.get(reverse("workforce:my_credential", args=[987654])).status_code == 404
    other = PassportCredential.objects.exclude(person=world["person"]).first()
    if other is not None:
        assert client.get(reverse("workforce:my_credential", args=[other.pk])).status_code == 404


def test_the_holder_rejects_with_a_reason_beside_the_field(client, login, world, holder):
    login(holder)
    url = HOLDER_PAGES["my_credential"](world)
    response = client.post(url, {"response": "rejected", "reason": ""})
    assert response.status_code == 400 and "Give the reason you reject" in response.content.decode()
    world["credential"].refresh_from_db()
    assert world["credential"].holder_response == HolderResponse.PENDING
    assert client.post(url, {"response": "accepted"}).status_code == 302
    world["credential"].refresh_from_db()
    assert world["credential"].holder_response == HolderResponse.ACCEPTED


def test_the_holder_makes_a_code_shown_once_and_withdraws_it(client, login, world, holder, council):
    login(holder)
    response = client.post(HOLDER_PAGES["my_passport"](world), {"organisation": council.pk})
    assert response.status_code == 201
    share = PassportShare.objects.filter(organisation=council).get()
    assert "it will not be shown again" in response.content.decode()
    assert "it will not be shown again" not in client.get(HOLDER_PAGES["my_passport"](world)).content.decode()
    assert client.post(reverse("workforce:my_share_withdraw", args=[share.pk])).status_code == 302
    share.refresh_from_db()
    assert share.withdrawn_at is not None
    assert client.post(HOLDER_PAGES["my_passport"](world), {"organisation": ""}).status_code == 400


def test_someone_else_cannot_withdraw_a_code(client, login, make_user, world, holder, trust):
    share = services.passport_share_create(actor=holder, organisation=trust).share
    login(make_user("hr_admin", organisation=trust))
    assert client.post(reverse("workforce:my_share_withdraw", args=[share.pk])).status_code == 404
    share.refresh_from_db()
    assert share.withdrawn_at is None


def test_redeeming_shows_what_is_reused_and_a_bad_code_is_answered_beside_the_field(
    client, login, holder, trust, hr_trust, trust_rules
):
    login(hr_trust)
    url = reverse("workforce:share_redeem")
    response = client.post(url, {"code": "ABCD-EFGH-JKLM", "job_role": ""})
    assert response.status_code == 400 and "This code is not right" in response.content.decode()
    assert client.post(url, {"code": "x", "job_role": "not-a-role"}).status_code == 400
    code = services.passport_share_create(actor=holder, organisation=trust).code
    response = client.post(url, {"code": code, "job_role": "healthcare_assistant"}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and "Reuse" in html and "Repeat" in html
    assert "Reused from the passport" in html


def test_redeeming_too_many_wrong_codes_answers_429(client, login, hr_trust):
    login(hr_trust)
    for _ in range(REDEEM_FAILURES_PER_HOUR):
        client.post(reverse("workforce:share_redeem"), {"code": "ABCD-EFGH-JKLM"})
    response = client.post(reverse("workforce:share_redeem"), {"code": "ABCD-EFGH-JKLM"})
    assert response.status_code == 429 and "Too many wrong codes" in response.content.decode()


def credential_post(organisation, **overrides):
    return {
        "organisation": organisation.pk,
        "kind": CredentialKind.DBS,
        "dbs_level": "enhanced",
        "dbs_update_service": "on",
        "evidence_seen": "DBS certificate",
        **date_fields("issued_on", TODAY - datetime.timedelta(days=10)),
        **date_fields("evidence_checked_on", TODAY),
        **overrides,
    }


def test_recording_then_verifying_by_a_second_person_through_the_screens(
    client, login, make_user, care_worker, care_provider, hr_care
):
    url = reverse("workforce:credential_record", args=[care_worker.pk])
    login(hr_care)
    before = PassportCredential.objects.count()
    response = client.post(url, credential_post(care_provider, dbs_level="", evidence_seen=""))
    html = response.content.decode()
    assert response.status_code == 400 and PassportCredential.objects.count() == before
    assert "Choose the level of the DBS check" in html and "Enter the evidence you saw" in html
    assert client.post(url, credential_post(care_provider)).status_code == 302
    credential = PassportCredential.objects.latest("pk")
    verify = reverse("workforce:credentials_to_verify")
    assert "You recorded this" in client.get(verify).content.decode()
    response = client.post(verify, {"verify": credential.pk})
    assert response.status_code == 400 and "someone else must verify it" in response.content.decode()
    assert client.post(verify, {"verify": "forged"}).status_code == 404
    client.logout()
    login(make_user("hr_admin", organisation=care_provider))
    assert client.post(verify, {"verify": credential.pk}).status_code == 302
    credential.refresh_from_db()
    assert credential.is_verified


def test_recording_for_someone_at_another_organisation_is_refused(
    client, login, care_worker, trust, hr_trust
):
    login(hr_trust)
    response = client.post(
        reverse("workforce:credential_record", args=[care_worker.pk]), credential_post(trust)
    )
    assert response.status_code == 404


def _upload(rows):
    lines = [",".join(HEADINGS)] + [",".join(row) for row in rows]
    return SimpleUploadedFile("credentials.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def test_the_import_template_has_the_headings_and_an_example(client, login, hr_care):
    login(hr_care)
    response = client.get(reverse("workforce:credential_import_template"))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode() == template_csv()
    assert response.content.decode().splitlines()[0].split(",")[:3] == [
        "Staff number",
        "Work e-mail",
        "Check",
    ]


def test_import_dry_run_lists_errors_by_row_and_the_import_is_all_or_nothing(
    client, login, care_worker, care_provider, hr_care
):
    care_worker.employments.update(staff_number="HC-7")
    good = [
        "HC-7",
        "",
        "DBS check",
        "Enhanced",
        "Yes",
        "",
        "",
        "",
        "9/2/2025",
        "",
        "DBS certificate",
        "2025-02-09",
    ]
    bad = ["HC-404", "", "Parking permit", "", "Maybe", "", "", "", "31/2/2025", "", "", ""]
    login(hr_care)
    url = reverse("workforce:credential_import")
    before = PassportCredential.objects.count()
    response = client.post(
        url, {"organisation": care_provider.pk, "file": _upload([good, bad]), "dry_run": "on"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and PassportCredential.objects.count() == before
    for message in ("No one with this staff number", "Enter one of", "Enter Yes or No", "Enter a real date"):
        assert message in html
    assert '<td class="nhsuk-table__cell">3</td>' in html
    response = client.post(url, {"organisation": care_provider.pk, "file": _upload([good, bad])})
    assert response.status_code == 400 and PassportCredential.objects.count() == before
    response = client.post(url, {"organisation": care_provider.pk, "file": _upload([good]), "dry_run": "on"})
    assert response.status_code == 200 and PassportCredential.objects.count() == before
    response = client.post(url, {"organisation": care_provider.pk, "file": _upload([good])})
    assert response.status_code == 302 and PassportCredential.objects.count() == before + 1
    imported = PassportCredential.objects.latest("pk")
    assert imported.recorded_by == hr_care and not imported.is_verified
    assert AuditEvent.objects.filter(action="workforce.credential.imported", actor=hr_care).exists()


def test_import_for_an_organisation_the_user_is_not_hr_at_is_refused(client, login, trust, hr_care):
    login(hr_care)
    response = client.post(
        reverse("workforce:credential_import"),
        {"organisation": trust.pk, "file": _upload([]), "dry_run": "on"},
    )
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()


def test_the_importer_refuses_an_organisation_the_user_is_not_hr_at(trust, hr_care):
    with pytest.raises(PermissionDenied):
        passport_credentials_import(upload=_upload([]), actor=hr_care, organisation=trust, dry_run=True)


def test_import_reports_a_value_too_long_by_row(client, login, care_worker, care_provider, hr_care):
    care_worker.employments.update(staff_number="HC-7")
    row = ["HC-7", "", "Training", "", "", "", "", "x" * 121, "9/2/2025", "", "Certificate", "9/2/2025"]
    login(hr_care)
    response = client.post(
        reverse("workforce:credential_import"), {"organisation": care_provider.pk, "file": _upload([row])}
    )
    assert response.status_code == 400 and "Enter at most 120 characters" in response.content.decode()
