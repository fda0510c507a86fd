"""A member of staff recorded on incident cases as the one who did it (review finding F5; docs/records.md): while
any case not yet destroyed records them, erasure refuses their workforce record and the people purge leaves it, and
their subject-access export lists those cases by reference and date only. And the purge reads the legal holds
again inside each batch, so a hold placed while it runs protects what it names."""

import csv
import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cms.records import purge as purge_module
from cms.records.models import LegalHold
from cms.records.purge import records_purge
from cms.records.selectors import period_days
from covenant.incidents.models import IncidentReport
from covenant.incidents.selectors.perpetrators import repeat_perpetrator_groups
from covenant.incidents.services.perpetrators import case_perpetrator_record
from demo.factories.incidents import IncidentReportFactory
from demo.factories.workforce import EmploymentFactory
from workforce.models import Person

from .records_helpers import Clock

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, NOW)


@pytest.fixture
def dpo(make_user, organisation):
    return make_user("dpo", organisation=organisation, email="dpo@example.org")


def _long_gone_leaver(organisation, email="bully@example.org"):
    return EmploymentFactory(
        employer=organisation,
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2018, 1, 1),
        person__work_email=email,
        person__first_name="Barry",
        person__last_name="Bully",
    ).person


def _erase(client, email):
    return client.post(reverse("records:subject_erase"), {"email": email, "reason": "DP-1", "confirm": "on"})


def test_erasure_refuses_a_leaver_a_held_case_records_as_who_did_it(
    client, login, make_user, organisation, dpo, clock
):
    handler = make_user("incident_handler", organisation=organisation, email="h@example.org")
    person = _long_gone_leaver(organisation)
    cases = [IncidentReportFactory(organisation=organisation, perpetrator_person=person) for _ in range(2)]
    LegalHold.objects.create(
        object_type="incidents.incidentreport",
        object_id=str(cases[0].pk),
        reason="Employment tribunal",
        placed_by=dpo,
    )
    login(dpo)
    response = _erase(client, "bully@example.org")
    assert response.status_code == 200
    assert "records them as the member of staff who did it" in response.content.decode()
    cases[0].refresh_from_db()
    kept = cases[0].perpetrator_person
    assert (kept.first_name, kept.last_name, kept.work_email, kept.erased_at) == (
        "Barry",
        "Bully",
        "bully@example.org",
        None,
    )
    assert [group.label for group in repeat_perpetrator_groups(user=handler)] == ["Barry Bully"]


def test_erasure_goes_ahead_once_no_case_records_them(client, login, organisation, dpo, clock):
    person = _long_gone_leaver(organisation)
    case = IncidentReportFactory(organisation=organisation, perpetrator_person=person)
    case.delete()
    login(dpo)
    _erase(client, "bully@example.org")
    assert Person.objects.get(pk=person.pk).erased_at is not None


def test_the_people_purge_leaves_a_leaver_until_the_case_naming_them_is_destroyed(organisation, clock):
    clock.set(NOW - DAY * 4000)
    person = _long_gone_leaver(organisation)
    other = _long_gone_leaver(organisation, email="other@example.org")
    case = IncidentReportFactory(organisation=organisation, perpetrator_person=person)
    clock.set(NOW)
    [result] = records_purge(only=["workforce.people"])
    assert result.count == 1
    assert Person.objects.get(pk=person.pk).erased_at is None
    assert Person.objects.get(pk=other.pk).erased_at is not None
    IncidentReport.objects.filter(pk=case.pk).delete()
    records_purge(only=["workforce.people"])
    assert Person.objects.get(pk=person.pk).first_name == "Erased"


def test_an_anonymised_record_cannot_be_recorded_as_who_did_it(make_user, organisation, clock):
    handler = make_user("incident_handler", organisation=organisation, email="h@example.org")
    person = EmploymentFactory(employer=organisation, person__work_email="staff@example.org").person
    case = IncidentReportFactory(organisation=organisation)
    Person.objects.filter(pk=person.pk).update(erased_at=timezone.now())
    with pytest.raises(ValidationError, match="anonymised"):
        case_perpetrator_record(report=case, actor=handler, staff_email="staff@example.org")
    case.refresh_from_db()
    assert case.perpetrator_person_id is None


def test_the_export_lists_cases_recording_them_by_reference_and_date_only(
    client, login, organisation, dpo, clock
):
    person = _long_gone_leaver(organisation)
    case = IncidentReportFactory(
        organisation=organisation, perpetrator_person=person, narrative="Barry pushed me by the lift"
    )
    IncidentReportFactory(organisation=organisation, narrative="Someone else")
    login(dpo)
    response = client.post(reverse("records:subject_export"), {"email": "bully@example.org"})
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(csv.reader(io.StringIO(archive.read("incident_cases_recording_them.csv").decode())))
    assert rows[0] == ["Case", "Reported", "Closed"]
    assert [row[0] for row in rows[1:]] == [case.reference]
    everything = b"".join(archive.read(name) for name in archive.namelist() if name.endswith(".csv"))
    assert b"lift" not in everything


def test_a_hold_placed_while_the_purge_runs_keeps_the_later_batches(monkeypatch, make_user, clock):
    cases = [IncidentReportFactory(status="archived", closed_at=NOW, reported_at=NOW) for _ in range(3)]
    real_batch = purge_module._purge_batch
    placed = []

    def batch_then_hold(kind, ids, *, now):
        done = real_batch(kind, ids, now=now)
        if not placed:
            placed.append(
                LegalHold.objects.create(
                    object_type="incidents.incidentreport",
                    object_id=str(cases[-1].pk),
                    reason="Police investigation",
                    placed_by=make_user(),
                )
            )
        return done

    monkeypatch.setattr(purge_module, "_purge_batch", batch_then_hold)
    clock.set(NOW + DAY * period_days("incidents.cases"))
    [result] = records_purge(only=["incidents.cases"], batch_size=1)
    assert result.count == 2
    assert list(IncidentReport.objects.values_list("pk", flat=True)) == [cases[-1].pk]


def test_a_whole_kind_hold_placed_while_the_purge_runs_stops_it(monkeypatch, make_user, clock):
    for _ in range(3):
        IncidentReportFactory(status="archived", closed_at=NOW, reported_at=NOW)
    real_batch = purge_module._purge_batch

    def batch_then_hold(kind, ids, *, now):
        done = real_batch(kind, ids, now=now)
        LegalHold.objects.get_or_create(kind="incidents.cases", reason="Inquiry", placed_by=make_user())
        return done

    monkeypatch.setattr(purge_module, "_purge_batch", batch_then_hold)
    clock.set(NOW + DAY * period_days("incidents.cases"))
    [result] = records_purge(only=["incidents.cases"], batch_size=1)
    assert (result.count, result.held) == (1, True)
    assert IncidentReport.objects.count() == 2
