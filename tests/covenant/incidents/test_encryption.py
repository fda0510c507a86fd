import datetime
import importlib

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from covenant.incidents import encryption
from covenant.incidents.management.commands.incidents_rotate_keys import models_with_encrypted_fields
from covenant.incidents.models import (
    CaseAction,
    IncidentReport,
    Message,
    PoliceOutcome,
    ReporterRequestDecision,
    RiddorAssessment,
    Sanction,
    SupportOffer,
)
from demo.factories.incidents import IncidentReportFactory

from .conftest import payload_of, report_pages, tell_more

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


# --- finding 11: the identifying fields ------------------------------------------------------------------------
SITE = "Ward 7 Elm Unit, bay 4"
CRIME_REFERENCE = "CR/55501/26"
POLICE_CRIME_REFERENCE = "CR/55502/26"
HSE_REFERENCE = "HSE-884411"
ESCALATED_TO = "Dr Priya Shah, staff psychology"
ACTION = "Move the panic alarm beside bed 9"
IDENTIFYING = (SITE, CRIME_REFERENCE, POLICE_CRIME_REFERENCE, HSE_REFERENCE, ESCALATED_TO, ACTION)

# Text columns that stay in clear, and why. Anything else that holds text must be encrypted.
CLEAR_TEXT_COLUMNS = {
    ("incidentreport", "receipt_hash"),  # a slow hash of the follow-up code
    ("incidentreport", "receipt_index"),  # a keyed HMAC of it
    ("incidentreport", "perpetrator_nhs_number_index"),  # a keyed HMAC of the patient's NHS number
    ("incidentreport", "submission_key"),  # a keyed HMAC of the report journey's random submission key
    ("casetransition", "action"),  # a workflow action's code
    ("casetransition", "actor_label"),  # the member of staff who acted, as in the audit trail
}


def _every_raw_cell():
    """Every value of every row of every incidents table, read with SQL rather than through the models."""
    for model in apps.get_app_config("incidents").get_models():
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT * FROM "{model._meta.db_table}"')  # noqa: S608
            for row in cursor.fetchall():
                yield from row


def test_identifying_fields_reach_the_database_only_encrypted(client, login, reporter, handler, organisation):
    """Finding 11: the site and crime reference of a report, and the references, names and descriptions a
    handler adds to the case, are stored encrypted; the people who may see them still read them in clear."""
    login(reporter)
    sent = report_pages(
        client,
        mode="named",
        answers={"where": {"setting": "ward", "site": SITE}, "hurt": {"injury": "minor"}},
    )
    tell_more(
        client,
        sent,
        mode="named",
        answers={"police": {"police_contacted": "101", "crime_reference": CRIME_REFERENCE}},
    )
    report = IncidentReport.objects.get()
    assert (report.site, report.crime_reference) == (SITE, CRIME_REFERENCE)
    login(handler)
    today = timezone.localdate()
    due = today + datetime.timedelta(days=14)
    for url_name, extra, data in (
        ("police_edit", [], {"state": "reported", "crime_reference": POLICE_CRIME_REFERENCE}),
        (
            "riddor_edit",
            [],
            {
                "state": "reported",
                "hse_reference": HSE_REFERENCE,
                "reported_on_day": today.day,
                "reported_on_month": today.month,
                "reported_on_year": today.year,
            },
        ),
        ("support_add", [], {"staff_member": "Reporter", "route": "psychology"}),
        (
            "action_add",
            [],
            {
                "description": ACTION,
                "owner": handler.pk,
                "due_on_day": due.day,
                "due_on_month": due.month,
                "due_on_year": due.year,
            },
        ),
    ):
        response = client.post(reverse(f"incidents:{url_name}", args=[report.pk, *extra]), data)
        assert response.status_code == 302, (url_name, response.content.decode()[:500])
    offer = SupportOffer.objects.get()
    client.post(
        reverse("incidents:support_update", args=[report.pk, offer.pk]),
        {"move": "escalate", "escalated_to": ESCALATED_TO},
    )

    page = client.get(reverse("incidents:case_detail", args=[report.pk])).content.decode()
    for text in IDENTIFYING:
        assert text in page, text

    cells = [cell for cell in _every_raw_cell() if isinstance(cell, str)]
    for text in IDENTIFYING:
        assert not any(text in cell for cell in cells), f"{text!r} is stored in clear"
    for table, column, plain in (
        ("incidents_incidentreport", "site", SITE),
        ("incidents_incidentreport", "crime_reference", CRIME_REFERENCE),
        ("incidents_policeoutcome", "crime_reference", POLICE_CRIME_REFERENCE),
        ("incidents_riddorassessment", "hse_reference", HSE_REFERENCE),
        ("incidents_supportoffer", "escalated_to", ESCALATED_TO),
        ("incidents_caseaction", "description", ACTION),
    ):
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT "{column}" FROM "{table}"')  # noqa: S608
            values = [value for (value,) in cursor.fetchall()]
        assert values and all(value.startswith(encryption.PREFIX) for value in values), (table, column)
        assert [encryption.decrypt(value) for value in values] == [plain]


def test_every_text_column_is_encrypted_or_known_to_be_safe_in_clear():
    """A new free-text field on an incident model is encrypted, or added above with the reason it need not be."""
    in_clear = set()
    for model in apps.get_app_config("incidents").get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, encryption.EncryptedTextField) or field.choices:
                continue
            if isinstance(field, models.CharField | models.TextField):
                in_clear.add((model._meta.model_name, field.name))
    assert in_clear == CLEAR_TEXT_COLUMNS


def test_encrypted_text_keeps_its_length_limit(organisation):
    from django.core.exceptions import ValidationError

    report = IncidentReportFactory.build(organisation=organisation, site="x" * 201)
    with pytest.raises(ValidationError) as error:
        report.full_clean(exclude=["reporter"])
    assert "site" in error.value.message_dict


def test_the_report_being_written_is_in_no_session_and_sealed_in_the_page(
    client, login, reporter, organisation
):
    """What a named reporter has typed so far travels only in the page, encrypted (cms/multistep.py): not in the
    session, and not readable in the page's hidden field. (Anonymous: tests/covenant/incidents/test_anonymity.py.)"""
    from django.contrib.sessions.models import Session

    login(reporter)
    check = report_pages(
        client, mode="named", answers={"where": {"setting": "ward", "site": SITE}}, send=False
    )
    assert SITE in check.content.decode()  # shown on "Check your answers"
    payload = payload_of(check)
    raw = Session.objects.get(session_key=client.session.session_key).session_data
    for text in (payload, raw, str(client.session.load())):
        assert SITE not in text and "Ward" not in text


def _migration():
    return importlib.import_module("covenant.incidents.migrations.0007_encrypt_identifying_fields")


def _write_raw(table, column, pk, value):
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{table}" SET "{column}" = %s WHERE id = %s', [value, pk])  # noqa: S608


def test_migration_encrypts_values_stored_in_clear_and_can_go_back(handler):
    report = IncidentReportFactory(site=SITE, crime_reference=CRIME_REFERENCE)
    action = CaseAction.objects.create(report=report, description=ACTION, owner=handler, due_on="2030-01-01")
    # Rows as they stood before: written in clear (and a narrative from before 0002).
    _write_raw("incidents_incidentreport", "site", report.pk, SITE)
    _write_raw("incidents_incidentreport", "crime_reference", report.pk, CRIME_REFERENCE)
    _write_raw("incidents_incidentreport", "narrative", report.pk, SECRET)
    _write_raw("incidents_caseaction", "description", action.pk, ACTION)
    already = _raw("incidents_incidentreport", "closure_rationale", report.pk)

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    _migration().encrypt_plaintext(apps, editor)

    for table, column, pk, plain in (
        ("incidents_incidentreport", "site", report.pk, SITE),
        ("incidents_incidentreport", "crime_reference", report.pk, CRIME_REFERENCE),
        ("incidents_incidentreport", "narrative", report.pk, SECRET),
        ("incidents_caseaction", "description", action.pk, ACTION),
    ):
        raw = _raw(table, column, pk)
        assert raw.startswith(encryption.PREFIX) and plain not in raw
        assert encryption.decrypt(raw) == plain
    assert _raw("incidents_incidentreport", "closure_rationale", report.pk) == already  # empty stays empty
    before = _raw("incidents_incidentreport", "site", report.pk)
    _migration().encrypt_plaintext(apps, editor)
    assert _raw("incidents_incidentreport", "site", report.pk) == before  # a second run changes nothing

    _migration().decrypt_new_columns(apps, editor)
    assert _raw("incidents_incidentreport", "site", report.pk) == SITE
    assert _raw("incidents_caseaction", "description", action.pk) == ACTION
    assert _raw("incidents_incidentreport", "narrative", report.pk).startswith(encryption.PREFIX)


def test_key_rotation_re_encrypts_every_encrypted_field(monkeypatch, handler):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv(encryption.ENV_KEYS, old_key)
    encryption.reset_keys()
    report = IncidentReportFactory(site=SITE, crime_reference=CRIME_REFERENCE, closure_rationale="Done")
    PoliceOutcome.objects.create(report=report, state="reported", crime_reference=POLICE_CRIME_REFERENCE)
    RiddorAssessment.objects.create(report=report, state="reported", hse_reference=HSE_REFERENCE)
    SupportOffer.objects.create(
        report=report, staff_member="Reporter", route="eap", escalated_to=ESCALATED_TO, offered_by=handler
    )
    CaseAction.objects.create(report=report, description=ACTION, owner=handler, due_on="2030-01-01")
    before = {
        (model._meta.db_table, column): _raw(model._meta.db_table, column, model.objects.get().pk)
        for model in models_with_encrypted_fields()
        if model.objects.exists()
        for column in encryption.encrypted_field_names(model)
    }
    written = {key for key, value in before.items() if value}
    plain = {key: encryption.decrypt(before[key]) for key in written}
    assert {
        ("incidents_incidentreport", "site"),
        ("incidents_incidentreport", "crime_reference"),
        ("incidents_policeoutcome", "crime_reference"),
        ("incidents_riddorassessment", "hse_reference"),
        ("incidents_supportoffer", "escalated_to"),
        ("incidents_caseaction", "description"),
    } <= written

    monkeypatch.setenv(encryption.ENV_KEYS, f"{new_key},{old_key}")
    call_command("incidents_rotate_keys", stdout=None)
    monkeypatch.setenv(encryption.ENV_KEYS, new_key)  # the old key retired
    encryption.reset_keys()
    for table, column in written:
        model = next(m for m in models_with_encrypted_fields() if m._meta.db_table == table)
        after = _raw(table, column, model.objects.values_list("pk", flat=True).get())
        assert after != before[(table, column)], (table, column)
        assert encryption.decrypt(after) == plain[(table, column)]  # readable with the new key alone
    report = IncidentReport.objects.get()
    assert (report.site, report.crime_reference) == (SITE, CRIME_REFERENCE)
    assert PoliceOutcome.objects.get().crime_reference == POLICE_CRIME_REFERENCE
    assert RiddorAssessment.objects.get().hse_reference == HSE_REFERENCE
    assert SupportOffer.objects.get().escalated_to == ESCALATED_TO
    assert CaseAction.objects.get().description == ACTION


# --- review fix: text that begins like ciphertext is encrypted like any other ------------------------------------
LOOKALIKE_NARRATIVE = "enc1:My manager Jane Doe at Ward 7 hit me"
LOOKALIKE_SITE = "enc1:Ward 7"
LOOKALIKE_REPLY = "enc1:It was Jane Doe again"


def test_text_typed_with_the_ciphertext_prefix_is_stored_encrypted_and_read_back(
    client, login, handler, organisation
):
    from .test_anonymity import CODE_RE

    sent = report_pages(
        client,
        answers={
            "what": {"category": "verbal_abuse", "narrative": LOOKALIKE_NARRATIVE},
            "where": {"setting": "ward", "site": LOOKALIKE_SITE},
        },
    )
    code = CODE_RE.search(sent.content.decode()).group(1)
    report = IncidentReport.objects.get()
    client.post(reverse("incidents:follow_up"), {"code": code})
    assert client.post(reverse("incidents:follow_up_case"), {"body": LOOKALIKE_REPLY}).status_code == 302
    message = Message.objects.get()

    for table, column, pk in (
        ("incidents_incidentreport", "narrative", report.pk),
        ("incidents_incidentreport", "site", report.pk),
        ("incidents_message", "body", message.pk),
    ):
        raw = _raw(table, column, pk)
        assert "Jane Doe" not in raw and "Ward 7" not in raw, (table, column)
        assert raw.startswith(encryption.PREFIX)
    cells = [cell for cell in _every_raw_cell() if isinstance(cell, str)]
    assert not any("Jane Doe" in cell for cell in cells)

    login(handler)
    page = client.get(reverse("incidents:case_detail", args=[report.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    for typed in (LOOKALIKE_NARRATIVE, LOOKALIKE_SITE, LOOKALIKE_REPLY):
        assert typed in text

    call_command("incidents_rotate_keys", stdout=None)
    assert IncidentReport.objects.get().narrative == LOOKALIKE_NARRATIVE
    assert Message.objects.get().body == LOOKALIKE_REPLY


def test_key_rotation_reports_a_value_no_key_decrypts_and_rotates_the_rest(monkeypatch, capsys):
    from django.core.management.base import CommandError

    old_key, new_key, lost_key = (Fernet.generate_key().decode() for _ in range(3))
    monkeypatch.setenv(encryption.ENV_KEYS, old_key)
    encryption.reset_keys()
    readable = IncidentReportFactory(narrative=SECRET)
    unreadable = IncidentReportFactory(narrative=SECRET, site=SITE)
    # A value sealed with a key since lost, and one an older version kept in clear because of its prefix.
    lost = encryption.PREFIX + Fernet(lost_key.encode()).encrypt(b"gone").decode()
    _write_raw("incidents_incidentreport", "narrative", unreadable.pk, lost)
    _write_raw("incidents_incidentreport", "closure_rationale", readable.pk, LOOKALIKE_NARRATIVE)

    monkeypatch.setenv(encryption.ENV_KEYS, f"{new_key},{old_key}")
    with pytest.raises(CommandError, match="1 values"):
        call_command("incidents_rotate_keys", stdout=None)
    assert f"incidents_incidentreport id {unreadable.pk} narrative" in capsys.readouterr().err
    assert _raw("incidents_incidentreport", "narrative", unreadable.pk) == lost  # left as it was

    monkeypatch.setenv(encryption.ENV_KEYS, new_key)
    encryption.reset_keys()
    assert encryption.decrypt(_raw("incidents_incidentreport", "site", unreadable.pk)) == SITE
    report = IncidentReport.objects.get(pk=readable.pk)
    assert (report.narrative, report.closure_rationale) == (SECRET, LOOKALIKE_NARRATIVE)
    assert "Jane Doe" not in _raw("incidents_incidentreport", "closure_rationale", readable.pk)
