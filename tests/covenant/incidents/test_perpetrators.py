"""Repeat perpetrators: NHS numbers checked (mod 11), patients matched by keyed hash without decrypting, staff
matched by their workforce record, only within the lead's organisations and never on a case they are excluded
from; the list is audited, and every role is allowed or refused."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from cms.accounts.models import AuditEvent
from covenant.incidents.models import CaseExclusion, IncidentReport
from covenant.incidents.nhs_number import (
    is_valid_nhs_number,
    nhs_number_index,
    normalise_nhs_number,
    validate_nhs_number,
)
from covenant.incidents.selectors.perpetrators import repeat_perpetrator_groups
from covenant.incidents.services.perpetrators import case_perpetrator_record
from demo.factories.incidents import IncidentReportFactory
from demo.factories.workforce import EmploymentFactory, PersonFactory

pytestmark = pytest.mark.django_db

VALID = "9434765919"  # 9×10 + 4×9 + 3×8 + 4×7 + 7×6 + 6×5 + 5×4 + 9×3 + 1×2 = 299; 11 − 299 mod 11 = 9
VALID_CHECK_ZERO = "1000000060"  # remainder 0: 11 − 0 = 11, which reads as 0
OTHER_VALID = "9999999999"


# --- the validator --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed", [VALID, "943 476 5919", "943-476-5919", " 943 476 5919 ", VALID_CHECK_ZERO, OTHER_VALID]
)
def test_valid_nhs_numbers(typed):
    assert validate_nhs_number(typed) == normalise_nhs_number(typed)
    assert is_valid_nhs_number(typed)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9434765918", "Enter a valid NHS number"),  # wrong check digit
        ("1000000010", "Enter a valid NHS number"),  # the first nine call for 10: no number is valid
        ("1000000011", "Enter a valid NHS number"),
        ("943476591", "NHS number must be 10 digits"),
        ("94347659190", "NHS number must be 10 digits"),
        ("943476591X", "NHS number must only include numbers"),
        (
            "９４３４７６５９１９",
            "NHS number must only include numbers",
        ),  # full-width digits are not digits here
        ("", "Enter an NHS number"),
    ],
)
def test_invalid_nhs_numbers(typed, message):
    with pytest.raises(ValidationError) as caught:
        validate_nhs_number(typed)
    assert caught.value.messages == [message]
    assert not is_valid_nhs_number(typed)


def test_the_index_is_keyed_and_ignores_spacing(settings):
    assert nhs_number_index("943 476 5919") == nhs_number_index(VALID)
    assert nhs_number_index(VALID) != nhs_number_index(OTHER_VALID)
    first = nhs_number_index(VALID)
    settings.HASHING_KEY = "another-key"
    assert nhs_number_index(VALID) != first
    assert VALID not in first


# --- recording on a case --------------------------------------------------------------------------------------
def _case(organisation, **fields):
    return IncidentReportFactory(organisation=organisation, **fields)


def test_the_number_is_stored_encrypted_beside_its_hash(organisation, handler):
    report = _case(organisation)
    case_perpetrator_record(report=report, actor=handler, nhs_number="943 476 5919")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT perpetrator_nhs_number, perpetrator_nhs_number_index FROM incidents_incidentreport WHERE id = %s",
            [report.pk],
        )
        stored, index = cursor.fetchone()
    assert VALID not in stored and stored.startswith("enc1:")
    assert index == nhs_number_index(VALID)
    report.refresh_from_db()
    assert report.perpetrator_nhs_number == VALID
    event = AuditEvent.objects.get(action="incident.perpetrator_recorded")
    assert event.detail["patient_nhs_number"] == "recorded"
    assert VALID not in str(event.detail) and VALID not in event.summary


def test_an_invalid_number_is_refused_beside_the_field_and_nothing_is_saved(
    client, login, organisation, handler
):
    report = _case(organisation)
    login(handler)
    response = client.post(
        reverse("incidents:case_perpetrator", args=[report.pk]), {"nhs_number": "9434765918"}
    )
    assert response.status_code == 400
    assert "Enter a valid NHS number" in response.content.decode()
    report.refresh_from_db()
    assert report.perpetrator_nhs_number_index == ""
    assert not AuditEvent.objects.filter(action="incident.perpetrator_recorded").exists()


def test_the_handler_form_records_the_number_and_the_member_of_staff(client, login, organisation, handler):
    report = _case(organisation)
    person = PersonFactory(work_email="porter@example.org")
    EmploymentFactory(person=person, employer=organisation)
    login(handler)
    response = client.post(
        reverse("incidents:case_perpetrator", args=[report.pk]),
        {"nhs_number": "943 476 5919", "staff_email": "Porter@Example.org"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.perpetrator_nhs_number == VALID
    assert report.perpetrator_person == person
    page = client.get(reverse("incidents:case_detail", args=[report.pk])).content.decode()
    assert "943 476 5919" in page and person.full_name in page


def test_staff_at_another_organisation_are_not_found(organisation, other_organisation, handler):
    report = _case(organisation)
    outsider = PersonFactory(work_email="elsewhere@example.org")
    EmploymentFactory(person=outsider, employer=other_organisation)
    with pytest.raises(ValidationError) as caught:
        case_perpetrator_record(report=report, actor=handler, staff_email="elsewhere@example.org")
    assert "staff_email" in caught.value.message_dict
    report.refresh_from_db()
    assert report.perpetrator_person is None


def test_naming_a_member_of_staff_excludes_them_and_their_line_management(
    make_user, organisation, handler, second_handler
):
    report = _case(organisation, investigator=second_handler)
    manager = PersonFactory(work_email=second_handler.email)
    EmploymentFactory(person=manager, employer=organisation)
    person = PersonFactory(work_email="porter@example.org")
    EmploymentFactory(person=person, employer=organisation, line_manager=manager)
    porter_account = make_user("incident_reporter", organisation=organisation, email="porter@example.org")
    case_perpetrator_record(report=report, actor=handler, staff_email="porter@example.org")
    excluded = dict(report.exclusions.values_list("user_id", "reason"))
    assert excluded == {
        porter_account.pk: CaseExclusion.Reason.NAMED_SUBJECT,
        second_handler.pk: CaseExclusion.Reason.LINE_MANAGEMENT,
    }
    report.refresh_from_db()
    assert report.investigator is None  # their manager no longer investigates


def test_a_handler_in_the_line_management_is_refused(organisation, handler):
    report = _case(organisation)
    me = PersonFactory(work_email=handler.email)
    EmploymentFactory(person=me, employer=organisation)
    person = PersonFactory(work_email="porter@example.org")
    EmploymentFactory(person=person, employer=organisation, line_manager=me)
    with pytest.raises(ValidationError):
        case_perpetrator_record(report=report, actor=handler, staff_email="porter@example.org")
    assert not report.exclusions.exists()


# --- matching ---------------------------------------------------------------------------------------------------
def _record(report, handler, **fields):
    case_perpetrator_record(report=report, actor=handler, **fields)
    return report


def test_cases_naming_the_same_patient_are_grouped_by_hash(
    organisation, handler, django_assert_max_num_queries
):
    first = _record(_case(organisation), handler, nhs_number=VALID)
    second = _record(_case(organisation), handler, nhs_number="943-476-5919")
    _record(_case(organisation), handler, nhs_number=OTHER_VALID)  # a different patient, once
    _case(organisation)  # nobody recorded
    with django_assert_max_num_queries(6):
        groups = repeat_perpetrator_groups(user=handler)
    assert [(g.kind, g.label, sorted(g.case_ids)) for g in groups] == [
        ("patient", "Patient 1", sorted([first.pk, second.pk]))
    ]


def test_matching_never_decrypts(organisation, handler, monkeypatch):
    _record(_case(organisation), handler, nhs_number=VALID)
    _record(_case(organisation), handler, nhs_number=VALID)
    from covenant.incidents import encryption

    def refuse(*args, **kwargs):
        raise AssertionError("matching decrypted a value")

    monkeypatch.setattr(encryption.KEYS, "decrypt", refuse)
    assert len(repeat_perpetrator_groups(user=handler)) == 1


def test_cases_naming_the_same_member_of_staff_are_grouped(organisation, handler):
    person = PersonFactory(first_name="Sam", last_name="Porter", work_email="porter@example.org")
    EmploymentFactory(person=person, employer=organisation)
    cases = [_record(_case(organisation), handler, staff_email="porter@example.org") for _ in range(3)]
    groups = repeat_perpetrator_groups(user=handler)
    assert [(g.kind, g.label, g.case_ids) for g in groups] == [
        ("staff", "Sam Porter", [case.pk for case in sorted(cases, key=lambda c: (c.reported_at, c.pk))])
    ]


def test_merged_duplicates_do_not_make_a_repeat(organisation, handler):
    original = _record(_case(organisation), handler, nhs_number=VALID)
    _record(_case(organisation, status="merged", merged_into=original), handler, nhs_number=VALID)
    assert repeat_perpetrator_groups(user=handler) == []


def test_a_lead_of_another_organisation_sees_nothing(
    client, login, organisation, other_organisation, handler, other_org_handler
):
    _record(_case(organisation), handler, nhs_number=VALID)
    _record(_case(organisation), handler, nhs_number=VALID)
    assert repeat_perpetrator_groups(user=other_org_handler) == []
    # The same patient at the other organisation once does not join the first organisation's group for them.
    _record(_case(other_organisation), other_org_handler, nhs_number=VALID)
    assert repeat_perpetrator_groups(user=other_org_handler) == []
    assert [len(g.cases) for g in repeat_perpetrator_groups(user=handler)] == [2]
    login(other_org_handler)
    page = client.get(reverse("incidents:repeat_perpetrators")).content.decode()
    assert "No patient is named in more than one of your cases" in page


def test_a_case_the_lead_is_excluded_from_is_left_out(organisation, handler, second_handler):
    first = _record(_case(organisation), handler, nhs_number=VALID)
    second = _record(_case(organisation), handler, nhs_number=VALID)
    third = _record(_case(organisation), handler, nhs_number=VALID)
    CaseExclusion.objects.create(report=third, user=second_handler, reason=CaseExclusion.Reason.CONFLICT)
    assert [sorted(g.case_ids) for g in repeat_perpetrator_groups(user=second_handler)] == [
        sorted([first.pk, second.pk])
    ]
    CaseExclusion.objects.create(report=second, user=second_handler, reason=CaseExclusion.Reason.CONFLICT)
    assert repeat_perpetrator_groups(user=second_handler) == []  # one case left is no repeat


def test_the_view_lists_linked_cases_and_is_audited(client, login, organisation, handler):
    first = _record(_case(organisation), handler, nhs_number=VALID)
    second = _record(_case(organisation), handler, nhs_number=VALID)
    login(handler)
    response = client.get(reverse("incidents:repeat_perpetrators"))
    assert response.status_code == 200
    page = response.content.decode()
    for case in (first, second):
        assert reverse("incidents:case_detail", args=[case.pk]) in page
    assert VALID not in page and "943 476 5919" not in page  # the list names no NHS number
    event = AuditEvent.objects.get(action="incident.repeat_perpetrators_viewed")
    assert event.actor == handler
    assert event.detail["groups"] == [{"kind": "patient", "cases": [first.pk, second.pk]}]


ROLES = ("reporter", "handler", "other_org_handler", "custodian", "analyst", "auditor", "hr_admin", "editor")
EXPECTED = dict.fromkeys(ROLES, 403) | {"handler": 200, "other_org_handler": 200}


@pytest.mark.parametrize("role", ROLES)
def test_every_role(role, request, client, login, organisation, handler):
    _record(_case(organisation), handler, nhs_number=VALID)
    report = _record(_case(organisation), handler, nhs_number=VALID)
    login(request.getfixturevalue(role))
    response = client.get(reverse("incidents:repeat_perpetrators"))
    assert response.status_code == EXPECTED[role]
    assert (report.reference in response.content.decode()) == (role == "handler")
    audited = AuditEvent.objects.filter(action="incident.repeat_perpetrators_viewed").exists()
    assert audited == (EXPECTED[role] == 200)
    expected_form = {"handler": 200, "other_org_handler": 404}.get(role, 403)
    assert client.get(reverse("incidents:case_perpetrator", args=[report.pk])).status_code == expected_form


def test_anonymous_is_sent_to_sign_in(client, organisation):
    report = _case(organisation)
    for url in (
        reverse("incidents:repeat_perpetrators"),
        reverse("incidents:case_perpetrator", args=[report.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
    assert IncidentReport.objects.get(pk=report.pk).perpetrator_person is None


def test_an_empty_form_asks_for_one_or_the_other_but_clearing_what_was_recorded_works(
    client, login, organisation, handler
):
    report = _case(organisation)
    login(handler)
    url = reverse("incidents:case_perpetrator", args=[report.pk])
    response = client.post(url, {"nhs_number": "", "staff_email": ""})
    assert response.status_code == 400
    assert "Enter an NHS number or a work e-mail address" in response.content.decode()
    assert client.post(url, {"nhs_number": VALID}).status_code == 302
    assert client.post(url, {"nhs_number": "", "staff_email": ""}).status_code == 302
    report.refresh_from_db()
    assert report.perpetrator_nhs_number == "" and report.perpetrator_nhs_number_index == ""
    changes = list(
        AuditEvent.objects.filter(action="incident.perpetrator_recorded")
        .order_by("pk")
        .values_list("detail__patient_nhs_number", flat=True)
    )
    assert changes == ["recorded", "removed"]
