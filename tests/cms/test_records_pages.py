"""The records schedule page, periods and legal holds (cms/records/views.py): who may open each page, audited
changes, and bad input answered beside its field with nothing written."""

import pytest
from django.urls import reverse

from cms.accounts.models import AuditEvent
from cms.accounts.roles import ROLES
from cms.records.models import LegalHold, RetentionPeriod
from cms.records.selectors import period_days
from demo.factories.incidents import IncidentReportFactory
from demo.factories.workforce import PersonFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("records:schedule", ()),
    ("records:period_edit", ("audit.events",)),
    ("records:hold_place", ()),
    ("records:subject_access", ()),
]
POST_ONLY = [("records:subject_export", ()), ("records:subject_erase", ())]


@pytest.fixture
def dpo(make_user, organisation):
    return make_user("dpo", organisation=organisation, email="dpo@example.org")


@pytest.fixture
def hold(dpo):
    return LegalHold.objects.create(kind="audit.events", reason="Inquiry", placed_by=dpo)


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_dpo_may_open_every_page(client, login, dpo, name, args):
    login(dpo)
    assert client.get(reverse(name, args=args)).status_code == 200


def test_dpo_may_open_the_lift_page(client, login, dpo, hold):
    login(dpo)
    assert client.get(reverse("records:hold_lift", args=[hold.pk])).status_code == 200


def test_superuser_may_open_the_schedule(client, login, make_user):
    login(make_user(is_superuser=True, is_staff=True))
    assert client.get(reverse("records:schedule")).status_code == 200


@pytest.mark.parametrize("role", [role.key for role in ROLES if role.key != "dpo"])
def test_every_other_role_is_refused(client, login, make_user, organisation, hold, role):
    login(make_user(role, organisation=organisation))
    for name, args in [*PAGES, *POST_ONLY, ("records:hold_lift", (hold.pk,))]:
        assert client.get(reverse(name, args=args)).status_code == 403, name
        assert client.post(reverse(name, args=args), {"email": "a@example.org"}).status_code == 403, name
    assert LegalHold.objects.count() == 1 and not RetentionPeriod.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, hold):
    for name, args in [*PAGES, *POST_ONLY, ("records:hold_lift", (hold.pk,))]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/account/sign-in/" in response.url, name


def test_post_only_pages_refuse_get_for_the_dpo(client, login, dpo):
    login(dpo)
    for name, args in POST_ONLY:
        assert client.get(reverse(name, args=args)).status_code == 405


def test_schedule_shows_every_kind_with_period_basis_and_due_rows(client, login, dpo, hold):
    login(dpo)
    page = client.get(reverse("records:schedule")).content.decode()
    for label in ("Audit events", "Incident cases", "Consultation responses", "People (workforce records)"):
        assert label in page
    assert "Limitation Act 1980" in page and "On hold" in page and "Inquiry" in page


def test_period_change_is_saved_and_audited(client, login, dpo):
    login(dpo)
    response = client.post(
        reverse("records:period_edit", args=["tasks.results"]), {"days": "60", "reason": "Longer diagnosis"}
    )
    assert response.status_code == 302
    assert period_days("tasks.results") == 60
    event = AuditEvent.objects.get(action="records.period_set")
    assert event.actor == dpo and event.detail == {"days": 60, "before": 30, "reason": "Longer diagnosis"}


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"days": "10", "reason": "Too short"}, "Enter 365 days or more for audit events"),
        ({"days": "-1", "reason": "Negative"}, "Ensure this value is greater than or equal to 0"),
        ({"days": "ten", "reason": "Words"}, "Enter a whole number of days"),
        ({"days": "400", "reason": ""}, "Enter why the period is changing"),
        ({"days": "99999999", "reason": "Huge"}, "Enter 36500 days or fewer"),
    ],
)
def test_period_bad_input_errors_beside_the_field(client, login, dpo, data, field_error):
    login(dpo)
    response = client.post(reverse("records:period_edit", args=["audit.events"]), data)
    assert response.status_code == 400 and field_error in response.content.decode()
    assert 'class="nhsuk-error-message"' in response.content.decode()
    assert not RetentionPeriod.objects.exists()
    assert not AuditEvent.objects.filter(action="records.period_set").exists()


def test_unknown_kind_is_not_found(client, login, dpo):
    login(dpo)
    assert client.get(reverse("records:period_edit", args=["nonsense"])).status_code == 404


def test_hold_on_a_record_and_lifting_it_are_audited(client, login, dpo, organisation):
    report = IncidentReportFactory(organisation=organisation)
    login(dpo)
    response = client.post(
        reverse("records:hold_place"),
        {
            "scope": "record",
            "object_type": "incidents.incidentreport",
            "object_id": str(report.pk),
            "reason": "Employment tribunal",
        },
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert (hold.object_type, hold.object_id, hold.placed_by) == (
        "incidents.incidentreport",
        str(report.pk),
        dpo,
    )
    assert AuditEvent.objects.filter(action="records.hold_placed", actor=dpo).exists()
    response = client.post(reverse("records:hold_lift", args=[hold.pk]), {"reason": "Claim settled"})
    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_at is not None and hold.lifted_by == dpo and hold.lift_reason == "Claim settled"
    assert AuditEvent.objects.filter(action="records.hold_lifted", actor=dpo).exists()
    assert client.get(reverse("records:hold_lift", args=[hold.pk])).status_code == 404


def test_hold_on_a_whole_kind(client, login, dpo):
    login(dpo)
    client.post(
        reverse("records:hold_place"), {"scope": "kind", "kind": "workforce.people", "reason": "Inquiry"}
    )
    assert LegalHold.objects.get().kind == "workforce.people"


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        (
            {"scope": "record", "object_type": "workforce.person", "object_id": "987654", "reason": "x"},
            "There is no such record: check the number",
        ),
        (
            {"scope": "record", "object_type": "workforce.person", "object_id": "abc", "reason": "x"},
            "There is no such record: check the number",
        ),
        (
            {"scope": "record", "object_type": "", "object_id": "1", "reason": "x"},
            "Choose the kind of record to hold",
        ),
        (
            {"scope": "record", "object_type": "workforce.person", "object_id": "", "reason": "x"},
            "Enter the record&#x27;s number",
        ),
        ({"scope": "kind", "kind": "", "reason": "x"}, "Choose the kind of record to hold"),
        ({"scope": "kind", "kind": "workforce.people", "reason": ""}, "Enter the reason for the hold"),
        ({"reason": "x"}, "Choose what the hold covers"),
    ],
)
def test_hold_bad_input_errors_beside_the_field(client, login, dpo, data, field_error):
    PersonFactory()
    login(dpo)
    response = client.post(reverse("records:hold_place"), data)
    assert response.status_code == 400 and field_error in response.content.decode()
    assert not LegalHold.objects.exists()


def test_lift_needs_a_reason(client, login, dpo, hold):
    login(dpo)
    response = client.post(reverse("records:hold_lift", args=[hold.pk]), {"reason": ""})
    assert response.status_code == 400 and "Enter why the hold is lifted" in response.content.decode()
    hold.refresh_from_db()
    assert hold.lifted_at is None
