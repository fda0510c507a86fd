"""The scheduled purge (cms/records/purge.py, docs/records.md), with the clock frozen: every kind goes at its
period and not a day before, a dry run writes nothing, a legal hold stops it, and each kind purged leaves one
audit row with counts."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cms.accounts.models import AuditEvent
from cms.records.models import LegalHold, RetentionPeriod
from cms.records.purge import records_purge
from cms.records.selectors import period_days, schedule
from cms.retention import kinds
from covenant.incidents.models import IncidentReport
from demo.factories.incidents import IncidentReportFactory
from demo.factories.workforce import EmploymentFactory
from workforce.models import Person

from .records_helpers import MAKERS, Clock, audit_event, leaver

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def clock(monkeypatch):
    # The trail starts empty, so that the counts below are of the rows each test makes.
    AuditEvent.objects.all().delete()
    return Clock(monkeypatch, START - DAY * 400)


def test_every_kind_has_a_maker():
    assert {kind.key for kind in kinds()} == set(MAKERS)


@pytest.mark.parametrize("key", sorted(MAKERS))
def test_each_kind_goes_at_its_period_and_not_a_day_before(clock, key):
    days = period_days(key)
    clock.set(START)
    gone = MAKERS[key](START)
    clock.set(START + DAY * days - DAY)
    records_purge(only=[key])
    assert not gone(), f"{key} purged a day early"
    clock.set(START + DAY * days)
    results = records_purge(only=[key])
    assert gone(), f"{key} not purged at its period"
    assert results[0].count >= 1


def test_a_period_set_on_the_schedule_is_the_one_purged_at(clock):
    RetentionPeriod.objects.create(kind="accounts.sessions", days=5, reason="Local policy")
    clock.set(START - DAY)
    gone = MAKERS["accounts.sessions"](START)
    clock.set(START + DAY * 4)
    records_purge(only=["accounts.sessions"])
    assert not gone()
    clock.set(START + DAY * 5)
    records_purge(only=["accounts.sessions"])
    assert gone()


def test_dry_run_counts_and_writes_nothing(clock):
    clock.set(START - DAY * 4000)
    gone = [MAKERS[key](START - DAY * 4000) for key in sorted(MAKERS)]
    clock.set(START)
    events = AuditEvent.objects.count()
    results = records_purge(dry_run=True)
    assert all(result.count >= 1 for result in results)
    assert not any(check() for check in gone)
    assert AuditEvent.objects.count() == events


def test_dry_run_command_reports_counts_per_kind(clock, capsys):
    clock.set(START)
    audit_event(START)
    clock.set(START + DAY * 3000)
    call_command("records_purge", "--dry-run", "--kind", "audit.events")
    out = capsys.readouterr().out
    assert "audit.events: 1 due" in out and "Dry run: nothing was changed." in out
    assert AuditEvent.objects.filter(action="test.event").exists()


def test_command_refuses_an_unknown_kind():
    with pytest.raises(CommandError, match="Unknown kind nonsense"):
        call_command("records_purge", "--kind", "nonsense")


def test_one_audit_row_per_kind_purged_with_counts_not_contents(clock):
    clock.set(START)
    for _ in range(3):
        audit_event(START)
    clock.set(START + DAY * 3000)
    records_purge()
    rows = AuditEvent.objects.filter(action="records.purged")
    assert sorted(rows.values_list("object_id", flat=True)) == sorted(kind.key for kind in kinds())
    row = rows.get(object_id="audit.events")
    assert row.detail["count"] == 3 and row.detail["held"] is False
    assert "something happened" not in str(row.detail) and row.actor is None


def test_batches_are_bounded(clock):
    clock.set(START)
    for _ in range(5):
        audit_event(START)
    clock.set(START + DAY * 3000)
    [result] = records_purge(only=["audit.events"], batch_size=2)
    assert (result.count, result.batches) == (5, 3)
    assert not AuditEvent.objects.filter(action="test.event").exists()


def test_a_hold_on_a_whole_kind_stops_its_purge(clock, make_user):
    clock.set(START)
    gone = audit_event(START)
    LegalHold.objects.create(kind="audit.events", reason="Tribunal claim", placed_by=make_user())
    clock.set(START + DAY * 3000)
    [result] = records_purge(only=["audit.events"])
    assert result.held and not gone()
    assert AuditEvent.objects.get(action="records.purged").detail["held"] is True
    assert [row.due for row in schedule() if row.kind.key == "audit.events"] == [None]


def test_a_hold_on_a_person_keeps_their_record(clock, make_user):
    clock.set(START - DAY * 30)
    held_person = leaver(START)
    other = leaver(START)
    person = Person.objects.filter(erased_at__isnull=True).order_by("pk").first()
    LegalHold.objects.create(
        object_type="workforce.person", object_id=str(person.pk), reason="Claim", placed_by=make_user()
    )
    clock.set(START + DAY * period_days("workforce.people"))
    records_purge(only=["workforce.people"])
    assert not held_person() and other()
    clock.set(START + DAY * period_days("workforce.people"))
    LegalHold.objects.update(lifted_at=timezone.now())
    records_purge(only=["workforce.people"])
    assert held_person()


def test_a_hold_on_an_incident_case_and_the_case_flag_both_keep_it(clock, make_user):
    clock.set(START)
    held = IncidentReportFactory(status="archived", closed_at=START, reported_at=START)
    flagged = IncidentReportFactory(status="archived", closed_at=START, reported_at=START, legal_hold=True)
    free = IncidentReportFactory(status="archived", closed_at=START, reported_at=START)
    LegalHold.objects.create(
        object_type="incidents.incidentreport", object_id=str(held.pk), reason="Police", placed_by=make_user()
    )
    clock.set(START + DAY * period_days("incidents.cases"))
    records_purge(only=["incidents.cases"])
    assert set(IncidentReport.objects.values_list("pk", flat=True)) == {held.pk, flagged.pk}
    assert AuditEvent.objects.filter(action="incident.destroyed", object_id=str(free.pk)).exists()


def test_a_current_employee_is_never_purged(clock):
    clock.set(START - DAY * 5000)
    person = EmploymentFactory(start_date=datetime.date(2010, 1, 1)).person
    clock.set(START + DAY * 5000)
    records_purge(only=["workforce.people"])
    assert Person.objects.get(pk=person.pk).erased_at is None


def test_destroy_after_follows_the_period_in_force(clock):
    clock.set(START)
    report = IncidentReportFactory(status="archived", closed_at=START, reported_at=START)
    RetentionPeriod.objects.create(kind="incidents.cases", days=4000, reason="Local policy")
    assert report.destroy_after == datetime.date(2026, 3, 10) + datetime.timedelta(days=4000)
