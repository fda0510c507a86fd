"""The work e-mail links a person's record and passport to an account (review finding F7; docs/workforce.md,
"Work e-mail and the passport holder"): an HR administrator cannot set it to their own address or to the address of
an account that is no member of the person's employer, and the person is told, at the old and the new address,
whenever it changes."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from cms.accounts.models import AuditEvent
from demo.factories.cms import UserFactory
from workforce.selectors.passport_holders import person_for_user
from workforce.services.passport_shares import passport_share_create
from workforce.services.reporting_lines import person_reporting_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(make_user, care_provider):
    return make_user("hr_admin", organisation=care_provider, email="hr@care.example")


def test_hr_admin_cannot_make_themselves_the_holder_of_an_employees_passport(
    hr, care_worker, other_organisation
):
    with pytest.raises(ValidationError, match="your own e-mail address"):
        person_reporting_update(person=care_worker, actor=hr, work_email="HR@care.example", line_managers={})
    care_worker.refresh_from_db()
    assert care_worker.work_email != "hr@care.example"
    assert person_for_user(user=hr) is None
    with pytest.raises(PermissionDenied):
        passport_share_create(actor=hr, organisation=other_organisation)


def test_an_account_elsewhere_cannot_be_linked(hr, care_worker, make_user, other_organisation):
    make_user("hr_admin", organisation=other_organisation, email="someone@council.example")
    UserFactory(email="no.roles@example.org")
    for address in ("someone@council.example", "No.Roles@example.org"):
        with pytest.raises(ValidationError, match="not a member of this person's employer"):
            person_reporting_update(person=care_worker, actor=hr, work_email=address, line_managers={})
    care_worker.refresh_from_db()
    assert care_worker.work_email == ""


def test_a_member_of_the_employer_or_a_new_address_is_linked_and_the_person_told_at_both(
    hr, care_worker, make_user, care_provider, django_capture_on_commit_callbacks
):
    colleague = make_user("incident_reporter", organisation=care_provider, email="jo.pennant@care.example")
    with django_capture_on_commit_callbacks(execute=True):
        person_reporting_update(
            person=care_worker, actor=hr, work_email="jo.pennant@care.example", line_managers={}
        )
    assert person_for_user(user=colleague) == care_worker
    assert [m.to for m in mail.outbox] == [["jo.pennant@care.example"]]
    with django_capture_on_commit_callbacks(execute=True):
        person_reporting_update(
            person=care_worker, actor=hr, work_email="jo.p@care.example", line_managers={}
        )
    assert sorted(mail.outbox[-1].to) == ["jo.p@care.example", "jo.pennant@care.example"]
    body = mail.outbox[-1].body
    assert "jo.pennant@care.example" in body and "jo.p@care.example" in body
    event = AuditEvent.objects.filter(action="workforce.person.work_email_changed").latest("pk")
    assert event.actor == hr and event.detail == {
        "from": "jo.pennant@care.example",
        "to": "jo.p@care.example",
    }


def test_the_form_shows_the_refusal_beside_the_field(client, login, hr, care_worker):
    login(hr)
    employment = care_worker.employments.get()
    response = client.post(
        f"/workforce/people/{care_worker.pk}/reporting/",
        {"work_email": "hr@care.example", f"line_manager_{employment.pk}": ""},
    )
    assert response.status_code == 400
    assert "your own e-mail address" in response.content.decode()
    care_worker.refresh_from_db()
    assert care_worker.work_email != "hr@care.example"
