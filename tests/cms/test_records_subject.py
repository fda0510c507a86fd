"""Subject access and erasure (cms/records/subject.py, docs/records.md): the ZIP holds a file for every kind of
record and never an anonymous report, each export and erasure is audited, and erasure removes what the law allows
and refuses the rest with the reason."""

import csv
import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cms.accounts.models import AuditEvent, User
from cms.records.models import LegalHold
from cms.retention import sections
from covenant.incidents.models import CaseExclusion, Message
from demo.factories.incidents import IncidentReportFactory
from demo.factories.workforce import EmploymentFactory, PassportCredentialFactory
from workforce.models import PassportCredential, Person

from .records_helpers import Clock

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, NOW)


@pytest.fixture
def dpo(make_user, organisation):
    return make_user("dpo", organisation=organisation, email="dpo@example.org")


@pytest.fixture
def staff(make_user, organisation):
    """A member of staff with an account, a workforce record with an employment, a credential and reports."""
    user = make_user("incident_reporter", organisation=organisation, email="sam.subject@example.org")
    employment = EmploymentFactory(
        employer=organisation, person__work_email="sam.subject@example.org", person__first_name="Sam"
    )
    PassportCredentialFactory(person=employment.person, reference="DBS-001122")
    named = IncidentReportFactory(
        reporter=user, organisation=organisation, mode="named", narrative="Named story"
    )
    Message.objects.create(report=named, audience="reporter", body="We are looking into it")
    Message.objects.create(report=named, audience="internal", body="Internal note about Sam")
    IncidentReportFactory(
        reporter=user, organisation=organisation, mode="confidential", narrative="In confidence"
    )
    # An anonymous report keeps no link; one that wrongly had one must still never reach an export.
    IncidentReportFactory(
        reporter=user, organisation=organisation, mode="anonymous", narrative="Anonymous story"
    )
    other = IncidentReportFactory(organisation=organisation, narrative="Sam shouted at me")
    CaseExclusion.objects.create(report=other, user=user, reason="named_subject")
    return user


def _export(client, **data):
    response = client.post(reverse("records:subject_export"), data)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response.streaming
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _rows(archive, name):
    return list(csv.reader(io.StringIO(archive.read(name).decode())))


def test_export_holds_every_kind_and_a_pdf_summary(client, login, dpo, staff):
    login(dpo)
    archive = _export(client, email="Sam.Subject@example.org")
    names = set(archive.namelist())
    assert names == {f"{section.key}.csv" for section in sections()} | {"summary.pdf"}
    assert _rows(archive, "account.csv")[1][0] == "sam.subject@example.org"
    assert _rows(archive, "workforce_person.csv")[1][1] == "Sam"
    assert _rows(archive, "passport_credentials.csv")[1][2] == "DBS-001122"
    assert len(_rows(archive, "employments.csv")) == 2 and len(_rows(archive, "memberships.csv")) == 2
    reports = archive.read("incident_reports.csv").decode()
    assert "Named story" in reports and "In confidence" in reports
    assert "We are looking into it" in archive.read("incident_messages.csv").decode()
    assert "Internal note" not in archive.read("incident_messages.csv").decode()
    named_in = _rows(archive, "incident_cases_naming_them.csv")
    assert len(named_in) == 2 and "Sam shouted" not in archive.read("incident_cases_naming_them.csv").decode()
    assert (
        len(_rows(archive, "consultation_responses.csv")) == 1
    )  # the columns only: nothing links a response
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(archive.read("summary.pdf"))).pages)
    assert "Subject access" in text and "account.csv" in text


def test_export_never_contains_an_anonymous_report(client, login, dpo, staff):
    login(dpo)
    archive = _export(client, email="sam.subject@example.org")
    everything = "".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".csv"))
    assert "Anonymous story" not in everything and "Anonymous" not in everything


def test_export_by_record_number_and_audited_without_contents(client, login, dpo, staff):
    person = Person.objects.get(work_email="sam.subject@example.org")
    login(dpo)
    archive = _export(client, number=person.pk)
    assert "sam.subject@example.org" in archive.read("account.csv").decode()
    event = AuditEvent.objects.get(action="records.subject_exported")
    assert event.actor == dpo and ["workforce.person", str(person.pk)] in event.detail["records"]
    assert "Named story" not in str(event.detail)


def test_export_neutralises_spreadsheet_formulas(client, login, dpo, organisation):
    EmploymentFactory(employer=organisation, person__work_email="f@example.org", person__first_name="=1+1")
    login(dpo)
    archive = _export(client, email="f@example.org")
    assert _rows(archive, "workforce_person.csv")[1][1] == "'=1+1"


def test_export_is_refused_on_get_and_to_other_roles(client, login, make_user, organisation, staff):
    login(make_user("auditor", organisation=organisation))
    assert (
        client.post(reverse("records:subject_export"), {"email": "sam.subject@example.org"}).status_code
        == 403
    )
    assert not AuditEvent.objects.filter(action="records.subject_exported").exists()


def test_lookup_shows_counts_and_errors_beside_the_field(client, login, dpo, staff):
    login(dpo)
    url = reverse("records:subject_access")
    page = client.post(url, {"email": "sam.subject@example.org"})
    assert page.status_code == 200 and "incident_reports.csv" in page.content.decode()
    empty = client.post(url, {"email": "", "number": ""})
    assert empty.status_code == 400
    assert "Enter an e-mail address or a workforce record number" in empty.content.decode()
    unknown = client.post(url, {"email": "nobody@example.org"})
    assert unknown.status_code == 400 and "Nothing is held" in unknown.content.decode()
    bad = client.post(url, {"email": "not-an-address"})
    assert bad.status_code == 400 and "Enter an e-mail address like" in bad.content.decode()
    assert AuditEvent.objects.filter(action="records.subject_found", actor=dpo).count() == 1


def _erase(client, **data):
    data.setdefault("reason", "Request received 1 March 2026, ref DP-12")
    data.setdefault("confirm", "on")
    return client.post(reverse("records:subject_erase"), data)


def test_erasure_of_an_employee_refuses_with_reasons(client, login, dpo, staff):
    login(dpo)
    response = _erase(client, email="sam.subject@example.org")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Employed now" in page and "holds roles" in page
    assert "Incident reports they made" in page and "audit trail" in page
    person = Person.objects.get(pk=Person.objects.get(first_name="Sam").pk)
    assert person.erased_at is None and User.objects.filter(email="sam.subject@example.org").exists()
    event = AuditEvent.objects.get(action="records.subject_erased")
    assert event.actor == dpo and any(not o["erased"] for o in event.detail["outcomes"])


def test_erasure_of_a_leaver_past_their_period_anonymises(client, login, dpo, organisation, clock):
    employment = EmploymentFactory(
        employer=organisation,
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2018, 1, 1),
        person__work_email="gone@example.org",
    )
    account = User.objects.create_user(email="gone@example.org", password="x-Long-password-1")
    login(dpo)
    response = _erase(client, email="gone@example.org")
    assert response.status_code == 200
    person = Person.objects.get(pk=employment.person_id)
    assert person.erased_at is not None and person.work_email == "" and person.date_of_birth.month == 1
    account.refresh_from_db()
    assert account.email.startswith("erased-") and not account.is_active and not account.has_usable_password()
    assert "Erased" in response.content.decode() or "removed" in response.content.decode()


def test_erasure_within_the_period_refuses_and_deletes_rejected_credentials(
    client, login, dpo, organisation, clock
):
    employment = EmploymentFactory(
        employer=organisation,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2025, 6, 1),
        person__work_email="recent@example.org",
    )
    rejected = PassportCredentialFactory(person=employment.person, status="rejected")
    kept = PassportCredentialFactory(person=employment.person, status="accepted")
    login(dpo)
    page = _erase(client, email="recent@example.org").content.decode()
    assert "Kept until" in page and "2031" in page
    assert not PassportCredential.objects.filter(pk=rejected.pk).exists()
    assert PassportCredential.objects.filter(pk=kept.pk).exists()


def test_erasure_refuses_what_a_legal_hold_covers(client, login, dpo, organisation, clock):
    employment = EmploymentFactory(
        employer=organisation,
        start_date=datetime.date(2000, 1, 1),
        end_date=datetime.date(2010, 1, 1),
        person__work_email="held@example.org",
    )
    LegalHold.objects.create(
        object_type="workforce.person", object_id=str(employment.person_id), reason="Claim", placed_by=dpo
    )
    login(dpo)
    page = _erase(client, email="held@example.org").content.decode()
    assert "A legal hold covers this record" in page
    assert Person.objects.get(pk=employment.person_id).erased_at is None


def test_erasure_form_errors_beside_fields_and_nothing_changes(client, login, dpo, staff):
    login(dpo)
    response = _erase(client, email="sam.subject@example.org", confirm="", reason="")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Confirm you have checked this is the right person" in page and "Enter the request" in page
    assert not AuditEvent.objects.filter(action="records.subject_erased").exists()
    unknown = _erase(client, email="nobody@example.org")
    assert unknown.status_code == 400 and "Nothing is held" in unknown.content.decode()


def test_a_hold_on_an_account_keeps_it_from_erasure(client, login, dpo):
    account = User.objects.create_user(
        email="kept@example.org", password="x-Long-password-1", first_name="Kim"
    )
    LegalHold.objects.create(
        object_type="accounts.user", object_id=str(account.pk), reason="Claim", placed_by=dpo
    )
    login(dpo)
    page = _erase(client, email="kept@example.org").content.decode()
    assert "A legal hold covers this account" in page
    account.refresh_from_db()
    assert account.first_name == "Kim" and account.is_active
