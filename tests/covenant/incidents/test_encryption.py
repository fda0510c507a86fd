import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from covenant.incidents import encryption
from covenant.incidents.models import IncidentReport, Message, ReporterRequestDecision, Sanction

from .factories import IncidentReportFactory

pytestmark = pytest.mark.django_db

SECRET = "The patient called me a racist name by bed 4"


@pytest.fixture(autouse=True)
def _fresh_keys(monkeypatch):
    monkeypatch.delenv(encryption.ENV_KEYS, raising=False)
    encryption.reset_keys()
    yield
    encryption.reset_keys()


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_raw_rows_hold_no_plaintext(handler):
    report = IncidentReportFactory(narrative=SECRET, closure_rationale="Prior incidents on record")
    message = Message.objects.create(report=report, audience="internal", author=handler, body=SECRET)
    sanction = Sanction.objects.create(report=report, subject_description="Patient J. Bloggs", kind="aba")
    decision = ReporterRequestDecision.objects.create(
        report=report, topic="police", reason=SECRET, answer_for_reporter="Patient J. Bloggs lacked capacity"
    )
    for table, column, pk, plain in (
        ("incidents_incidentreport", "narrative", report.pk, SECRET),
        ("incidents_incidentreport", "closure_rationale", report.pk, "Prior incidents"),
        ("incidents_message", "body", message.pk, SECRET),
        ("incidents_sanction", "subject_description", sanction.pk, "Bloggs"),
        ("incidents_reporterrequestdecision", "reason", decision.pk, SECRET),
        ("incidents_reporterrequestdecision", "answer_for_reporter", decision.pk, "Bloggs"),
    ):
        raw = _raw(table, column, pk)
        assert raw.startswith(encryption.PREFIX)
        assert plain not in raw and "racist" not in raw
    assert IncidentReport.objects.get(pk=report.pk).narrative == SECRET
    assert Message.objects.get(pk=message.pk).body == SECRET


def test_same_text_encrypts_differently_each_time():
    first = IncidentReportFactory(narrative=SECRET)
    second = IncidentReportFactory(narrative=SECRET)
    assert _raw("incidents_incidentreport", "narrative", first.pk) != _raw(
        "incidents_incidentreport", "narrative", second.pk
    )


def test_empty_values_stay_empty():
    report = IncidentReportFactory(closure_rationale="")
    assert _raw("incidents_incidentreport", "closure_rationale", report.pk) == ""


def test_key_rotation(monkeypatch):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv(encryption.ENV_KEYS, old_key)
    encryption.reset_keys()
    report = IncidentReportFactory(narrative=SECRET)
    decision = ReporterRequestDecision.objects.create(report=report, topic="support", reason=SECRET)
    before = _raw("incidents_incidentreport", "narrative", report.pk)
    decision_before = _raw("incidents_reporterrequestdecision", "reason", decision.pk)

    monkeypatch.setenv(encryption.ENV_KEYS, f"{new_key},{old_key}")
    call_command("incidents_rotate_keys", stdout=None)
    after = _raw("incidents_incidentreport", "narrative", report.pk)
    assert after != before and SECRET not in after
    assert _raw("incidents_reporterrequestdecision", "reason", decision.pk) != decision_before

    monkeypatch.setenv(encryption.ENV_KEYS, new_key)  # the old key retired
    encryption.reset_keys()
    assert IncidentReport.objects.get(pk=report.pk).narrative == SECRET
    assert ReporterRequestDecision.objects.get(pk=decision.pk).reason == SECRET

    monkeypatch.setenv(encryption.ENV_KEYS, old_key)  # a missing key fails loudly, never shows ciphertext
    encryption.reset_keys()
    with pytest.raises(RuntimeError):
        IncidentReport.objects.get(pk=report.pk)


def test_deploy_check_errs_without_keys(monkeypatch):
    assert encryption.check_encryption_keys(None)[0].id == "incidents.E002"
    monkeypatch.setenv(encryption.ENV_KEYS, "not-a-key")
    encryption.reset_keys()
    assert encryption.check_encryption_keys(None)[0].id == "incidents.E001"
    monkeypatch.setenv(encryption.ENV_KEYS, Fernet.generate_key().decode())
    encryption.reset_keys()
    assert encryption.check_encryption_keys(None) == []
