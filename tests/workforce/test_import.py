import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cms.accounts.models import AuditEvent
from demo.factories.workforce import AssignmentFactory, EmploymentFactory, PersonFactory, PostFactory
from workforce.imports import COLUMNS
from workforce.models import Assignment, Employment, Person, Post

pytestmark = pytest.mark.django_db


def csv_file(rows, columns=COLUMNS):
    lines = [",".join(columns)]
    for row in rows:
        lines.append(",".join(str(row.get(c, "")) for c in columns))
    return SimpleUploadedFile("extract.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def row(n=1, **overrides):
    values = {
        "ni_number": f"QQ{n:06d}A",
        "first_name": "Sam",
        "last_name": f"Person{n}",
        "date_of_birth": "1985-03-04",
        "employer_code": "RV9",
        "staff_number": f"E{n}",
        "contract_type": "permanent",
        "employment_start": "2020-04-01",
        "post_number": f"P-{n}",
        "post_title": "Staff nurse",
        "job_role": "staff_nurse",
        "pay_framework": "afc",
        "pay_band": "5",
        "post_fte": "1",
        "work_organisation_code": "",
        "assignment_start": "2020-04-01",
        "assignment_end": "",
        "assignment_fte": "0.8",
    }
    values.update(overrides)
    return values


def post(client, rows, mode="dry_run", **kwargs):
    return client.post(reverse("workforce:import"), {"file": csv_file(rows, **kwargs), "mode": mode})


def test_dry_run_lists_every_error_with_row_and_column(client, login, hr_trust, trust, council):
    login(hr_trust)
    rows = [
        row(1),
        row(2, ni_number="123", date_of_birth="31/02/1990"),
        row(3, employer_code=council.local_authority_code or council.name, job_role="astronaut"),
        row(4, pay_band="11", assignment_end="2019-01-01", assignment_fte="1.5"),
    ]
    response = post(client, rows)
    assert response.status_code == 400
    errors = [(e.row, e.column) for e in response.context["result"].errors]
    assert (3, "ni_number") in errors and (3, "date_of_birth") in errors
    assert (4, "employer_code") in errors and (4, "job_role") in errors
    assert (5, "pay_band") in errors and (5, "assignment_end") in errors and (5, "assignment_fte") in errors
    html = response.content.decode()
    assert "You are not an HR administrator at" in html and "Nothing was imported" in html
    assert not Person.objects.exists()


def test_valid_dry_run_writes_nothing(client, login, hr_trust, trust):
    login(hr_trust)
    response = post(client, [row(1), row(2)])
    assert response.status_code == 200 and "The file is valid: 2 rows" in response.content.decode()
    assert not Person.objects.exists() and not Post.objects.exists()


def test_import_is_all_or_nothing(client, login, hr_trust, trust):
    login(hr_trust)
    response = post(client, [row(1), row(2), row(3, assignment_start="not a date")], mode="import")
    assert response.status_code == 400
    assert not Person.objects.exists() and not Post.objects.exists() and not Assignment.objects.exists()


def test_import_creates_and_matches(client, login, hr_trust, trust):
    existing = PersonFactory(
        ni_number="QQ000001A", last_name="Person1", date_of_birth=datetime.date(1985, 3, 4)
    )
    existing.refresh_from_db()
    login(hr_trust)
    rows = [row(1), row(2), row(3, post_number="P-2", ni_number="QQ000003A", employer_code=trust.name)]
    response = post(client, rows, mode="import")
    assert response.status_code == 302
    assert Person.objects.count() == 3  # person 1 was matched by the keyed hash
    assert existing.assignments.get().post.reference == "P-1"
    assert Post.objects.filter(organisation=trust).count() == 2  # P-2 is shared by two rows
    assert Employment.objects.count() == 3 and Assignment.objects.count() == 3
    assert Post.objects.get(reference="P-1").history.exists()
    assert AuditEvent.objects.filter(action="workforce.import.completed").exists()


def test_overlaps_in_file_and_with_existing_records(client, login, hr_trust, trust):
    person = PersonFactory(
        ni_number="QQ000009A", last_name="Person9", date_of_birth=datetime.date(1985, 3, 4)
    )
    AssignmentFactory(
        employment=EmploymentFactory(person=person, employer=trust), post=PostFactory(organisation=trust)
    )
    login(hr_trust)
    rows = [
        row(1, assignment_end="2021-12-31"),
        row(1, post_number="P-1b", assignment_start="2021-06-01"),
        row(9),
    ]
    response = post(client, rows, mode="import")
    errors = {(e.row, e.column): e.message for e in response.context["result"].errors}
    assert "overlaps row 2" in errors[(3, "assignment_start")]
    assert "already recorded" in errors[(4, "assignment_start")]
    assert Assignment.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,age\nx,1\n", "missing these columns"),
        (b"\xff\xfe\x00garbage", "saved as UTF-8"),
        (",".join(COLUMNS).encode() + b"\n", "no rows"),
    ],
)
def test_file_level_errors(client, login, hr_trust, content, message):
    login(hr_trust)
    response = client.post(
        reverse("workforce:import"), {"file": SimpleUploadedFile("x.csv", content), "mode": "dry_run"}
    )
    assert response.status_code == 400 and message in response.content.decode()


def test_form_errors(client, login, hr_trust):
    login(hr_trust)
    response = client.post(reverse("workforce:import"), {"mode": "dry_run"})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
