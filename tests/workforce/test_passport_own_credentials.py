"""Nobody vouches for their own passport (review finding F6; docs/workforce.md, "Staff passport"): an HR
administrator who holds the passport cannot record, import, verify or change a check of their own, and reinstating a
revoked check needs a reason, is a new record by the one who reinstates it that a second person must verify again,
and reaches the organisations that relied on it."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cms.accounts.models import AuditEvent
from demo.factories.workforce import EmploymentFactory
from workforce import services
from workforce.models import CredentialReliance, PassportCredential
from workforce.passport_import import HEADINGS, passport_credentials_import
from workforce.selectors.passport import credentials_awaiting_verification, credentials_changeable_by
from workforce.selectors.passport_holders import holder_credentials
from workforce.services.passport import error_code
from workforce.vocabulary import CredentialKind, CredentialStatus, DBSLevel

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def dbs_data():
    return {
        "kind": CredentialKind.DBS,
        "dbs_level": DBSLevel.ENHANCED_BARRED,
        "dbs_update_service": True,
        "reference": "001234567890",
        "issued_on": TODAY - datetime.timedelta(days=30),
        "evidence_seen": "DBS certificate",
        "evidence_checked_on": TODAY - datetime.timedelta(days=2),
    }


@pytest.fixture
def hr1(make_user, care_provider):
    return make_user("hr_admin", organisation=care_provider, email="hr1@care.example")


@pytest.fixture
def hr2(make_user, care_provider):
    return make_user("hr_admin", organisation=care_provider, email="hr2@care.example")


@pytest.fixture
def hr3(make_user, care_provider):
    return make_user("hr_admin", organisation=care_provider, email="hr3@care.example")


def employee_with_email(care_provider, email):
    return EmploymentFactory(employer=care_provider, person__work_email=email).person


def test_the_holder_cannot_verify_their_own_credential(hr1, hr2, care_provider):
    person = employee_with_email(care_provider, "hr2@care.example")
    credential = services.passport_credential_record(
        actor=hr1, person=person, organisation=care_provider, data=dbs_data()
    )
    assert credential not in credentials_awaiting_verification(user=hr2)
    with pytest.raises(ValidationError) as caught:
        services.passport_credential_verify(actor=hr2, credential=credential)
    assert error_code(caught.value) == "holder"
    credential.refresh_from_db()
    assert credential.verified_by is None and not credential.is_verified


def test_the_holder_cannot_record_their_own_credential(hr1, care_provider):
    person = employee_with_email(care_provider, "hr1@care.example")
    with pytest.raises(ValidationError, match="your own passport"):
        services.passport_credential_record(
            actor=hr1, person=person, organisation=care_provider, data=dbs_data()
        )
    assert not PassportCredential.objects.filter(person=person).exists()


def test_the_holder_cannot_import_their_own_credential(hr1, care_provider):
    employee_with_email(care_provider, "hr1@care.example")
    row = [
        "",
        "hr1@care.example",
        "DBS check",
        "Enhanced",
        "Yes",
        "",
        "",
        "",
        "9/2/2025",
        "",
        "DBS certificate",
    ]
    lines = [",".join(HEADINGS), ",".join([*row, "2025-02-09"])]
    upload = SimpleUploadedFile("c.csv", "\n".join(lines).encode(), content_type="text/csv")
    result = passport_credentials_import(upload=upload, actor=hr1, organisation=care_provider, dry_run=False)
    assert not result.imported
    assert any("your own passport" in error.message for error in result.errors)
    assert not PassportCredential.objects.exists()


def test_the_holder_can_neither_revoke_nor_reinstate_their_own(hr1, hr2, hr3, care_provider):
    person = employee_with_email(care_provider, "hr1@care.example")
    credential = services.passport_credential_record(
        actor=hr2, person=person, organisation=care_provider, data=dbs_data()
    )
    services.passport_credential_verify(actor=hr3, credential=credential)
    services.passport_credential_set_status(
        credential=credential, actor=hr2, status="revoked", reason="Barred"
    )
    assert credential not in credentials_changeable_by(user=hr1, person=person)
    with pytest.raises(ValidationError, match="your own passport"):
        services.passport_credential_set_status(
            credential=credential, actor=hr1, status="issued", reason="Appeal won"
        )
    credential.refresh_from_db()
    assert credential.status == "revoked"


def test_one_hr_admin_cannot_silently_reinstate_a_revoked_credential(hr1, hr2, care_provider):
    person = EmploymentFactory(employer=care_provider, person__work_email="worker@care.example").person
    credential = services.passport_credential_record(
        actor=hr1, person=person, organisation=care_provider, data=dbs_data()
    )
    services.passport_credential_verify(actor=hr2, credential=credential)
    services.passport_credential_set_status(
        credential=credential, actor=hr1, status="revoked", reason="barred"
    )
    with pytest.raises(ValidationError, match="reason"):
        services.passport_credential_set_status(credential=credential, actor=hr2, status="accepted")
    credential.refresh_from_db()
    assert credential.status == "revoked"
    services.passport_credential_set_status(
        credential=credential, actor=hr2, status="accepted", reason="Barring decision overturned on appeal"
    )
    credential.refresh_from_db()
    assert credential.status == "accepted" and not credential.is_verified
    assert credential.recorded_by == hr2 and credential.verified_by is None
    assert credential not in holder_credentials(person=person)
    with pytest.raises(ValidationError) as caught:
        services.passport_credential_verify(actor=hr2, credential=credential)
    assert error_code(caught.value) == "same_person"
    services.passport_credential_verify(actor=hr1, credential=credential)
    assert credential in holder_credentials(person=person)
    event = AuditEvent.objects.get(action="workforce.credential.reinstated")
    assert event.actor == hr2 and event.detail["reason"] == "Barring decision overturned on appeal"


def test_reinstating_tells_the_organisations_that_relied_on_it(
    hr1, hr2, care_provider, trust, hr_trust, django_capture_on_commit_callbacks
):
    person = EmploymentFactory(employer=care_provider, person__work_email="worker@care.example").person
    credential = services.passport_credential_record(
        actor=hr1, person=person, organisation=care_provider, data=dbs_data()
    )
    services.passport_credential_verify(actor=hr2, credential=credential)
    CredentialReliance.objects.create(credential=credential, organisation=trust)
    with django_capture_on_commit_callbacks(execute=True):
        services.passport_credential_set_status(
            credential=credential, actor=hr1, status=CredentialStatus.REVOKED, reason="Barred"
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.passport_credential_set_status(
            credential=credential, actor=hr1, status=CredentialStatus.ISSUED, reason="Appeal upheld"
        )
    assert [m.to for m in mail.outbox] == [[hr_trust.email], [hr_trust.email]]
    assert "revoked" in mail.outbox[0].subject and "reinstated" in mail.outbox[1].subject


def test_the_status_form_refuses_a_reinstatement_without_a_reason(client, login, hr1, hr2, care_provider):
    person = EmploymentFactory(employer=care_provider, person__work_email="worker@care.example").person
    credential = services.passport_credential_record(
        actor=hr1, person=person, organisation=care_provider, data=dbs_data()
    )
    services.passport_credential_verify(actor=hr2, credential=credential)
    services.passport_credential_set_status(
        credential=credential, actor=hr1, status="revoked", reason="Barred"
    )
    login(hr2)
    response = client.post(
        f"/workforce/people/{person.pk}/",
        {"credential": credential.pk, "status": "issued", "status_reason": ""},
    )
    assert response.status_code == 400 and "reinstated" in response.content.decode()
    credential.refresh_from_db()
    assert credential.status == "revoked"
