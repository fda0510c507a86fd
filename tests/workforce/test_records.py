"""HR data entry: adding and correcting a person, their contracts and posts through the screens a person uses.
Every write is audited; bad input gets an error beside its field and writes nothing; other organisations'
HR administrators are refused."""

import datetime

import pytest
from django.urls import reverse

from cms.accounts.models import AuditEvent
from demo.factories.workforce import EmploymentFactory, PersonFactory, PostFactory
from workforce.matching import person_match_key
from workforce.models import Assignment, Employment, Person, Post

pytestmark = pytest.mark.django_db


def _date(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def person_form(employer, **overrides):
    data = {
        "first_name": "Ada",
        "last_name": "Quill",
        **_date("date_of_birth", datetime.date(1988, 6, 14)),
        "ni_number": "QQ112233A",
        "employer": employer.pk,
        "staff_number": "E-1001",
        "contract_type": "permanent",
        **_date("start_date", datetime.date(2026, 4, 1)),
        "post_reference": "",
        "fte": "1.00",
    }
    data.update(overrides)
    return data


def post_form(organisation, **overrides):
    data = {
        "organisation": organisation.pk,
        "reference": "T-RN-9",
        "title": "Staff nurse, ward 7",
        "job_role": "staff_nurse",
        "pay_framework": "afc",
        "pay_band": "5",
        "fte": "1.00",
        "kind": "single",
        "status": "funded",
    }
    data.update(overrides)
    return data


def test_hr_admin_adds_a_person_with_contract_and_post(client, login, hr_trust, trust, trust_post):
    login(hr_trust)
    response = client.post(
        reverse("workforce:person_add"), person_form(trust, post_reference=trust_post.reference.lower())
    )
    person = Person.objects.get(last_name="Quill")
    assert response.status_code == 302 and response["Location"] == reverse(
        "workforce:person_detail", args=[person.pk]
    )
    employment = person.employments.get()
    assert (employment.employer, employment.staff_number, employment.start_date) == (
        trust,
        "E-1001",
        datetime.date(2026, 4, 1),
    )
    assignment = person.assignments.get()
    assert assignment.post == trust_post and assignment.start_date == datetime.date(2026, 4, 1)
    assert person.match_key == person_match_key(
        ni_number="QQ112233A", date_of_birth=datetime.date(1988, 6, 14), surname="Quill"
    )
    actions = set(AuditEvent.objects.filter(actor=hr_trust).values_list("action", flat=True))
    assert {
        "workforce.person.created",
        "workforce.employment.started",
        "workforce.assignment.created",
    } <= actions
    page = client.get(response["Location"]).content.decode()
    assert "E-1001" in page and "1 April 2026" in page and "Change personal details" in page


def test_a_person_already_recorded_elsewhere_is_matched_not_duplicated(
    client, login, hr_trust, trust, care_worker
):
    login(hr_trust)
    data = person_form(
        trust,
        first_name="Jo",
        last_name="Pennant",
        ni_number="QQ123456C",
        **_date("date_of_birth", care_worker.date_of_birth),
    )
    response = client.post(reverse("workforce:person_add"), data)
    assert response.status_code == 302
    assert Person.objects.filter(last_name="Pennant").count() == 1
    assert set(care_worker.employments.values_list("employer__name", flat=True)) >= {trust.name}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ni_number": "12345"}, "ni_number", "National Insurance number in the right format"),
        ({"first_name": ""}, "first_name", "Enter"),
        ({**_date("date_of_birth", datetime.date(2020, 1, 1))}, "date_of_birth", "aged 15 or over"),
        ({"date_of_birth_month": "13"}, "date_of_birth", "real date"),
        ({"post_reference": "NO-SUCH"}, "post_reference", "There is no post number NO-SUCH"),
        ({"fte": "1.5"}, "fte", "1"),
    ],
)
def test_bad_person_input_is_shown_beside_the_field_and_writes_nothing(
    client, login, hr_trust, trust, overrides, field, message
):
    login(hr_trust)
    before = (
        Person.objects.count(),
        Employment.objects.count(),
        AuditEvent.objects.filter(actor=hr_trust).count(),
    )
    response = client.post(reverse("workforce:person_add"), person_form(trust, **overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert f'href="#{field}' in response.content.decode() or f"#id_{field}" in response.content.decode()
    assert (
        Person.objects.count(),
        Employment.objects.count(),
        AuditEvent.objects.filter(actor=hr_trust).count(),
    ) == before


def test_an_overlapping_post_refuses_the_whole_person(
    client, login, hr_trust, trust, trust_post, care_worker
):
    # Jo already holds a primary assignment from 2021: a new primary one from 2026 overlaps it.
    login(hr_trust)
    data = person_form(
        trust,
        first_name="Jo",
        last_name="Pennant",
        ni_number="QQ123456C",
        post_reference=trust_post.reference,
        **_date("date_of_birth", care_worker.date_of_birth),
    )
    employments = Employment.objects.count()
    response = client.post(reverse("workforce:person_add"), data)
    assert response.status_code == 400 and "overlaps" in " ".join(
        response.context["form"].errors["post_reference"]
    )
    assert (
        Employment.objects.count() == employments and not Assignment.objects.filter(post=trust_post).exists()
    )


def test_only_own_organisations_are_offered_and_accepted_as_employer(client, login, hr_trust, trust, council):
    login(hr_trust)
    page = client.get(reverse("workforce:person_add")).content.decode()
    assert trust.name in page and council.name not in page
    response = client.post(reverse("workforce:person_add"), person_form(council))
    assert response.status_code == 400 and "employer" in response.context["form"].errors
    assert not Person.objects.filter(last_name="Quill").exists()


def test_person_details_corrected_with_the_ni_number_to_rekey(client, login, hr_care, care_worker):
    login(hr_care)
    url = reverse("workforce:person_edit", args=[care_worker.pk])
    data = {
        "first_name": "Joanne",
        "last_name": "Pennant-Hale",
        **_date("date_of_birth", care_worker.date_of_birth),
    }
    refused = client.post(url, {**data, "ni_number": ""})
    assert refused.status_code == 400 and "ni_number" in refused.context["form"].errors
    care_worker.refresh_from_db()
    assert care_worker.last_name == "Pennant"
    response = client.post(url, {**data, "ni_number": "QQ 12 34 56 C"})
    assert response.status_code == 302
    care_worker.refresh_from_db()
    assert (care_worker.first_name, care_worker.last_name) == ("Joanne", "Pennant-Hale")
    assert care_worker.match_key == person_match_key(
        ni_number="QQ123456C", date_of_birth=care_worker.date_of_birth, surname="Pennant-Hale"
    )
    event = AuditEvent.objects.get(action="workforce.person.updated", actor=hr_care)
    assert event.detail["fields"] == ["first_name", "last_name"]
    # A first name alone needs no NI number.
    assert (
        client.post(
            url, {**data, "first_name": "Jo", "last_name": "Pennant-Hale", "ni_number": ""}
        ).status_code
        == 302
    )


def test_a_host_that_is_not_an_employer_cannot_change_personal_details(
    client, make_user, login, care_worker, trust
):
    # The trust hosts Jo's work but does not employ her: it sees her, but her details are her employer's.
    assignment = care_worker.assignments.get()
    assignment.work_organisation = trust
    assignment.save()
    host_hr = make_user("hr_admin", organisation=trust)
    login(host_hr)
    assert client.get(reverse("workforce:person_detail", args=[care_worker.pk])).status_code == 200
    assert client.get(reverse("workforce:person_edit", args=[care_worker.pk])).status_code == 403
    employment = care_worker.employments.get()
    assert client.get(reverse("workforce:employment_edit", args=[employment.pk])).status_code == 404


def test_contract_added_and_changed(client, login, hr_care, care_provider, care_worker):
    login(hr_care)
    response = client.post(
        reverse("workforce:employment_add", args=[care_worker.pk]),
        {
            "employer": care_provider.pk,
            "staff_number": "BANK-7",
            "contract_type": "bank",
            **_date("start_date", datetime.date(2026, 1, 5)),
        },
    )
    assert response.status_code == 302
    bank = care_worker.employments.get(contract_type="bank")
    url = reverse("workforce:employment_edit", args=[bank.pk])
    edit = client.get(url).content.decode()
    assert "BANK-7" in edit
    response = client.post(
        url,
        {
            "staff_number": "BANK-8",
            "contract_type": "bank",
            **_date("start_date", datetime.date(2026, 1, 5)),
            **_date("end_date", datetime.date(2026, 12, 31)),
            "tupe_protected": "on",
        },
    )
    assert response.status_code == 302
    bank.refresh_from_db()
    assert (bank.staff_number, bank.end_date, bank.tupe_protected) == (
        "BANK-8",
        datetime.date(2026, 12, 31),
        True,
    )
    event = AuditEvent.objects.get(action="workforce.employment.updated", actor=hr_care)
    assert set(event.detail["fields"]) == {"staff_number", "end_date", "tupe_protected"}
    assert bank.history.first().history_user == hr_care


def test_a_contract_cannot_end_before_its_assignments(client, login, hr_care, care_worker):
    login(hr_care)
    employment = care_worker.employments.get()
    url = reverse("workforce:employment_edit", args=[employment.pk])
    data = {
        "staff_number": "",
        "contract_type": "permanent",
        **_date("start_date", employment.start_date),
        **_date("end_date", datetime.date(2022, 1, 1)),
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "assignments" in " ".join(
        response.context["form"].errors["end_date"]
    )
    later = client.post(
        url,
        {
            **data,
            **_date("start_date", datetime.date(2030, 1, 1)),
            "end_date_day": "",
            "end_date_month": "",
            "end_date_year": "",
        },
    )
    assert later.status_code == 400 and "first assignment" in " ".join(
        later.context["form"].errors["start_date"]
    )
    employment.refresh_from_db()
    assert employment.end_date is None and employment.start_date == datetime.date(2021, 5, 1)
    assert not AuditEvent.objects.filter(action="workforce.employment.updated").exists()


def test_contract_with_another_organisation_is_refused(
    client, login, hr_trust, trust, care_worker, care_provider
):
    login(hr_trust)
    EmploymentFactory(person=care_worker, employer=trust, start_date=datetime.date(2026, 1, 1))
    response = client.post(
        reverse("workforce:employment_add", args=[care_worker.pk]),
        {
            "employer": care_provider.pk,
            "contract_type": "bank",
            **_date("start_date", datetime.date(2026, 1, 5)),
        },
    )
    assert response.status_code == 400 and "employer" in response.context["form"].errors
    assert care_worker.employments.count() == 2


def test_post_added_and_changed(client, login, hr_trust, trust):
    login(hr_trust)
    response = client.post(reverse("workforce:post_create"), post_form(trust, pay_band="8A"))
    post = Post.objects.get(reference="T-RN-9")
    assert response.status_code == 302 and response["Location"] == reverse(
        "workforce:post_detail", args=[post.pk]
    )
    assert (post.staff_group, post.pay_band, post.organisation) == ("nursing", "8a", trust)
    detail = client.get(response["Location"]).content.decode()
    assert "Change this post" in detail
    data = post_form(trust, title="Senior staff nurse, ward 7", pay_band="6", job_role="healthcare_assistant")
    data.pop("organisation")
    assert client.post(reverse("workforce:post_edit", args=[post.pk]), data).status_code == 302
    post.refresh_from_db()
    assert (post.title, post.pay_band, post.staff_group) == (
        "Senior staff nurse, ward 7",
        "6",
        "clinical_support",
    )
    event = AuditEvent.objects.get(action="workforce.post.updated", actor=hr_trust)
    assert set(event.detail["fields"]) == {"title", "pay_band", "job_role", "staff_group"}
    assert AuditEvent.objects.filter(action="workforce.post.created", actor=hr_trust).exists()
    assert post.history.first().history_user == hr_trust


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"pay_band": "11"}, "pay_band", "Agenda for Change band"),
        ({"reference": "t-hca-1"}, "reference", "already has a post numbered"),
        ({"job_role": ""}, "job_role", "Select the national job role"),
        ({"fte": "0"}, "fte", "0.01"),
        ({"title": ""}, "title", "Enter the job title"),
    ],
)
def test_bad_post_input_is_shown_beside_the_field_and_writes_nothing(
    client, login, hr_trust, trust, trust_post, overrides, field, message
):
    login(hr_trust)
    posts = Post.objects.count()
    response = client.post(reverse("workforce:post_create"), post_form(trust, **overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert Post.objects.count() == posts
    assert not AuditEvent.objects.filter(action="workforce.post.created").exists()


def test_post_at_another_organisation_is_neither_created_nor_changed(client, login, hr_trust, council):
    login(hr_trust)
    response = client.post(reverse("workforce:post_create"), post_form(council))
    assert response.status_code == 400 and "organisation" in response.context["form"].errors
    council_post = PostFactory(organisation=council, reference="C-1")
    assert client.get(reverse("workforce:post_edit", args=[council_post.pk])).status_code == 404
    data = post_form(council, title="Taken over")
    data.pop("organisation")
    assert client.post(reverse("workforce:post_edit", args=[council_post.pk]), data).status_code == 404
    council_post.refresh_from_db()
    assert council_post.title != "Taken over"


def test_detail_pages_offer_changes_only_to_the_owner(client, login, hr_trust, trust, care_worker):
    own = PersonFactory(first_name="Lee", last_name="Marsh")
    EmploymentFactory(person=own, employer=trust)
    login(hr_trust)
    page = client.get(reverse("workforce:person_detail", args=[own.pk])).content.decode()
    assert reverse("workforce:person_edit", args=[own.pk]) in page
    assert reverse("workforce:employment_add", args=[own.pk]) in page
    lists = client.get(reverse("workforce:person_list")).content.decode()
    assert reverse("workforce:person_add") in lists
    assert reverse("workforce:post_create") in client.get(reverse("workforce:post_list")).content.decode()
