"""Reporting lines and work e-mail: set by the employer's HR administrators, validated, audited, shown."""

import datetime
import html
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cms.accounts.models import AuditEvent
from demo.factories.workforce import AssignmentFactory, EmploymentFactory, PersonFactory, PostFactory
from workforce import services
from workforce.models import Employment, Person

pytestmark = pytest.mark.django_db


def _employed(organisation, first_name, *, staff_number, work_email="", manager=None):
    person = PersonFactory(first_name=first_name, last_name="Tester", work_email=work_email)
    employment = EmploymentFactory(
        person=person, employer=organisation, staff_number=staff_number, line_manager=manager
    )
    return person, employment


@pytest.fixture
def ward(trust):
    """A ward at the trust: Ava (staff nurse) reports to Ben (sister), who reports to no one yet."""
    ben, ben_job = _employed(trust, "Ben", staff_number="T-200", work_email="ben@trust.example")
    ava, ava_job = _employed(trust, "Ava", staff_number="T-100")
    return {"ava": ava, "ava_job": ava_job, "ben": ben, "ben_job": ben_job}


def _url(person):
    return reverse("workforce:person_reporting", args=[person.pk])


def _post(client, person, employment, *, manager="", work_email=""):
    return client.post(_url(person), {"work_email": work_email, f"line_manager_{employment.pk}": manager})


def _error_beside(response, field: str) -> str:
    """The error message shown beside the field (the element the field's aria-describedby points at)."""
    body = response.content.decode()
    marker = f'id="id_{field}-error">'
    assert marker in body, f"no error beside {field}"
    # The message element holds a visually hidden "Error: " span, then the message, then closes.
    chunk = body[body.index(marker) + len(marker) :]
    first = chunk.index("</span>") + len("</span>")
    message = chunk[first : chunk.index("</span>", first)]
    return html.unescape(re.sub(r"<[^>]+>", "", message)).strip()


# --- the screen -------------------------------------------------------------------------------------------------


def test_hr_admin_sets_work_email_and_line_manager_by_staff_number(client, login, hr_trust, ward):
    login(hr_trust)
    response = _post(
        client, ward["ava"], ward["ava_job"], manager="t-200", work_email=" Ava.Tester@Trust.example "
    )
    assert response.status_code == 302
    ward["ava"].refresh_from_db()
    ward["ava_job"].refresh_from_db()
    assert ward["ava"].work_email == "ava.tester@trust.example"
    assert ward["ava_job"].line_manager == ward["ben"]
    # Audited, and the employment's field history names the HR administrator.
    actions = set(AuditEvent.objects.filter(actor=hr_trust).values_list("action", flat=True))
    assert {"workforce.person.work_email_changed", "workforce.employment.line_manager_changed"} <= actions
    latest = ward["ava_job"].history.first()
    assert latest.history_user == hr_trust and latest.line_manager_id == ward["ben"].pk

    page = client.get(reverse("workforce:person_detail", args=[ward["ava"].pk])).content.decode()
    assert "ava.tester@trust.example" in page
    assert reverse("workforce:person_detail", args=[ward["ben"].pk]) in page  # the manager, linked
    manager_page = client.get(reverse("workforce:person_detail", args=[ward["ben"].pk])).content.decode()
    assert "Reporting to them" in manager_page and "Ava Tester" in manager_page


def test_line_manager_by_work_email_and_removal(client, login, hr_trust, ward):
    login(hr_trust)
    assert _post(client, ward["ava"], ward["ava_job"], manager="BEN@trust.example").status_code == 302
    ward["ava_job"].refresh_from_db()
    assert ward["ava_job"].line_manager == ward["ben"]
    form = client.get(_url(ward["ava"])).context["form"]
    assert form[f"line_manager_{ward['ava_job'].pk}"].value() == "ben@trust.example"
    assert _post(client, ward["ava"], ward["ava_job"], manager="").status_code == 302
    ward["ava_job"].refresh_from_db()
    assert ward["ava_job"].line_manager is None
    event = (
        AuditEvent.objects.filter(action="workforce.employment.line_manager_changed").order_by("pk").last()
    )
    assert event.detail == {"person": ward["ava"].pk, "from_person": ward["ben"].pk, "to_person": None}


def test_self_as_manager_is_an_error_beside_the_field(client, login, hr_trust, ward):
    login(hr_trust)
    response = _post(client, ward["ava"], ward["ava_job"], manager="T-100")
    assert response.status_code == 400
    assert "cannot be their own line manager" in _error_beside(response, f"line_manager_{ward['ava_job'].pk}")
    ward["ava_job"].refresh_from_db()
    assert ward["ava_job"].line_manager is None


def test_a_loop_is_an_error_beside_the_field_and_nothing_is_saved(client, login, hr_trust, ward):
    login(hr_trust)
    # Ava reports to Ben; Cal reports to Ava. Making Ben report to Cal would close a loop of three.
    ward["ava_job"].line_manager = ward["ben"]
    ward["ava_job"].save()
    cal, cal_job = _employed(ward["ava_job"].employer, "Cal", staff_number="T-300", manager=ward["ava"])
    response = _post(
        client, ward["ben"], ward["ben_job"], manager="T-300", work_email="ben.new@trust.example"
    )
    assert response.status_code == 400
    message = _error_beside(response, f"line_manager_{ward['ben_job'].pk}")
    assert "Cal Tester reports to Ben Tester, directly or through their own managers" in message
    assert "Error:" in response.content.decode()  # and the summary at the top links to it
    ward["ben"].refresh_from_db()
    ward["ben_job"].refresh_from_db()
    assert ward["ben_job"].line_manager is None and ward["ben"].work_email == "ben@trust.example"
    assert not AuditEvent.objects.filter(action="workforce.person.work_email_changed").exists()


def test_ended_reporting_lines_do_not_make_a_loop(hr_trust, ward):
    # Ben once reported to Ava under a contract that has ended: Ava may now report to Ben.
    old = EmploymentFactory(
        person=ward["ben"],
        employer=ward["ben_job"].employer,
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2019, 12, 31),
        line_manager=ward["ava"],
    )
    assert old.pk
    assert services.employment_set_line_manager(
        employment=ward["ava_job"], line_manager=ward["ben"], actor=hr_trust
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("T-999", "No one at your organisations has the staff number T-999"),
        ("nobody@trust.example", "No one in your organisations' records has the work e-mail address"),
    ],
)
def test_unknown_manager_is_an_error_beside_the_field(client, login, hr_trust, ward, value, message):
    login(hr_trust)
    response = _post(client, ward["ava"], ward["ava_job"], manager=value)
    assert response.status_code == 400
    assert message in _error_beside(response, f"line_manager_{ward['ava_job'].pk}")


def test_ambiguous_staff_number_asks_for_the_work_email(client, login, hr_trust, trust, ward):
    _employed(trust, "Dee", staff_number="T-200")
    login(hr_trust)
    response = _post(client, ward["ava"], ward["ava_job"], manager="T-200")
    assert "More than one person has the staff number T-200" in _error_beside(
        response, f"line_manager_{ward['ava_job'].pk}"
    )


def test_work_email_belongs_to_one_person(client, login, hr_trust, ward):
    login(hr_trust)
    response = _post(client, ward["ava"], ward["ava_job"], work_email="BEN@trust.example")
    assert response.status_code == 400
    message = _error_beside(response, "work_email")
    employer = ward["ben_job"].employer.name
    assert f"Another person's record kept by {employer} already has this work e-mail address" in message
    assert "Ask that organisation's HR team to correct their record" in message
    response = _post(client, ward["ava"], ward["ava_job"], work_email="not an address")
    assert "Enter an e-mail address like" in _error_beside(response, "work_email")


def test_manager_outside_the_users_view_is_kept_when_unchanged(client, login, hr_trust, council, ward):
    # A manager at a partner organisation, recorded by someone else, survives an edit of the work e-mail.
    outsider, _ = _employed(council, "Eve", staff_number="C-1")
    Employment.objects.filter(pk=ward["ava_job"].pk).update(line_manager=outsider)
    login(hr_trust)
    form = client.get(_url(ward["ava"])).context["form"]
    shown = form[f"line_manager_{ward['ava_job'].pk}"].value()
    assert shown == "C-1"
    assert (
        _post(client, ward["ava"], ward["ava_job"], manager=shown, work_email="ava@trust.example").status_code
        == 302
    )
    ward["ava_job"].refresh_from_db()
    assert ward["ava_job"].line_manager == outsider
    page = client.get(reverse("workforce:person_detail", args=[ward["ava"].pk])).content.decode()
    assert "Eve Tester" in page
    assert reverse("workforce:person_detail", args=[outsider.pk]) not in page  # not linked: out of scope


def test_reporting_lines_kept_by_another_organisation_are_not_named(client, login, hr_trust, council, ward):
    """Ava also works for the council: her manager there, and the council staff who report to her, are the
    council's records. The trust's HR sees that they exist, never who they are."""
    zeb, _ = _employed(council, "Zebedee", staff_number="C-9")
    EmploymentFactory(person=ward["ava"], employer=council, staff_number="C-10", line_manager=zeb)
    quentin, _ = _employed(council, "Quentin", staff_number="C-11", manager=ward["ava"])
    amy, _ = _employed(ward["ava_job"].employer, "Amy", staff_number="T-300", manager=ward["ava"])
    login(hr_trust)
    page = client.get(reverse("workforce:person_detail", args=[ward["ava"].pk])).content.decode()
    assert "Zebedee" not in page and "Quentin" not in page
    assert "Recorded by that organisation" in page
    assert "1 person at organisations you do not administer" in page
    assert "Amy Tester" in page  # a report at the trust is named and linked
    assert reverse("workforce:person_detail", args=[amy.pk]) in page
    assert quentin.pk != amy.pk


# --- who may change it ------------------------------------------------------------------------------------------


def test_only_hr_admins_of_the_employer_may_change_reporting_lines(
    client, login, make_user, hr_trust, hr_council, analyst, trust, council, ward
):
    url = _url(ward["ava"])
    assert client.get(url).status_code == 302  # anonymous: sign in
    login(make_user())
    assert client.get(url).status_code == 403  # no role
    login(analyst)
    assert client.get(url).status_code == 403
    login(make_user("incident_handler", organisation=trust))
    assert client.get(url).status_code == 403
    login(hr_council)
    assert client.get(url).status_code == 404  # cannot see the person at all
    # The council's HR can see Ava once she works a shift there, but the trust employs her.
    AssignmentFactory(employment=ward["ava_job"], post=PostFactory(organisation=council), is_primary=False)
    assert client.get(reverse("workforce:person_detail", args=[ward["ava"].pk])).status_code == 200
    assert (
        "Change work e-mail and line management"
        not in client.get(reverse("workforce:person_detail", args=[ward["ava"].pk])).content.decode()
    )
    assert client.get(url).status_code == 403
    assert _post(client, ward["ava"], ward["ava_job"], manager="T-200").status_code == 403
    ward["ava_job"].refresh_from_db()
    assert ward["ava_job"].line_manager is None
    login(hr_trust)
    assert client.get(url).status_code == 200
    assert (
        "Change work e-mail and line management"
        in client.get(reverse("workforce:person_detail", args=[ward["ava"].pk])).content.decode()
    )


def test_ended_employment_cannot_be_changed(client, login, hr_trust, ward):
    Employment.objects.filter(pk=ward["ava_job"].pk).update(end_date=datetime.date(2024, 3, 31))
    login(hr_trust)
    assert client.get(_url(ward["ava"])).status_code == 403


def test_services_refuse_other_organisations_hr(hr_council, hr_trust, ward):
    with pytest.raises(PermissionDenied):
        services.employment_set_line_manager(
            employment=ward["ava_job"], line_manager=ward["ben"], actor=hr_council
        )
    with pytest.raises(PermissionDenied):
        services.person_set_work_email(person=ward["ava"], work_email="a@trust.example", actor=hr_council)
    with pytest.raises(PermissionDenied):
        services.person_reporting_update(
            person=ward["ava"],
            actor=hr_council,
            work_email="",
            line_managers={ward["ava_job"].pk: ward["ben"]},
        )
    with pytest.raises(ValidationError) as error:
        services.employment_set_line_manager(
            employment=ward["ava_job"], line_manager=ward["ava"], actor=hr_trust
        )
    assert "line_manager" in error.value.message_dict
    assert Person.objects.filter(work_email="a@trust.example").count() == 0
