"""The import template (CSV and XLSX, human headings, allowed values, an example row), imports by human
heading, and the ESR-style staff extract."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cms.accounts.models import AuditEvent
from demo.factories.workforce import OrganisationFactory
from workforce.import_columns import COLUMNS, HEADINGS
from workforce.models import Assignment, Employment, Person, Post

from .test_import import row

pytestmark = pytest.mark.django_db

ESR_SAMPLE = Path(__file__).resolve().parent.parent / "data" / "esr_staff_extract.csv"


def upload(client, content: bytes, mode="dry_run", name="extract.csv"):
    return client.post(reverse("workforce:import"), {"file": SimpleUploadedFile(name, content), "mode": mode})


def human_csv(rows) -> bytes:
    lines = [",".join(HEADINGS[c] for c in COLUMNS)]
    lines += [",".join(str(r.get(c, "")) for c in COLUMNS) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def test_csv_template_has_human_headings_and_an_example_that_imports(client, login, hr_trust, trust):
    login(hr_trust)
    response = client.get(reverse("workforce:import_template", args=["csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    headings, example = text.splitlines()[:2]
    assert headings.split(",")[4] == "Employer ODS code" and "employer_code" not in headings
    assert "QQ123456C" in example and ",RV9," in example and "Staff nurse" in example
    # The example row, as downloaded, passes a dry run: the template and the importer agree.
    checked = upload(client, response.content)
    assert checked.status_code == 200 and checked.context["result"].ok
    assert not Person.objects.exists()
    assert AuditEvent.objects.filter(action="workforce.import.template_downloaded", actor=hr_trust).exists()


def test_xlsx_template_lists_allowed_values_and_only_the_users_organisations(
    client, login, make_user, trust, council
):
    from openpyxl import load_workbook

    planted = OrganisationFactory(name='=HYPERLINK("http://evil.example")', ods_code="ZZ1")
    user = make_user("hr_admin", organisation=trust)
    for organisation in (planted,):
        user.memberships.create(organisation=organisation, role="hr_admin")
    login(user)
    response = client.get(reverse("workforce:import_template", args=["xlsx"]))
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["People and posts", "Allowed values"]
    sheet = workbook["People and posts"]
    assert [c.value for c in sheet[1]] == [HEADINGS[c] for c in COLUMNS]
    assert sheet.cell(row=2, column=1).value == "QQ123456C"
    assert {v.formula1.split("!")[0] for v in sheet.data_validations.dataValidation} == {"'Allowed values'"}
    values = [cell.value for r in workbook["Allowed values"].iter_rows() for cell in r if cell.value]
    assert "Staff nurse" in values and "staff_nurse" in values and "Agenda for Change" in values
    assert "Social care" in values or "social_care" in values
    assert "RV9" in values and council.name not in values
    assert '\'=HYPERLINK("http://evil.example")' in values  # a formula is neutralised


def test_unknown_template_format_is_404(client, login, hr_trust):
    login(hr_trust)
    assert client.get(reverse("workforce:import_template", args=["pdf"])).status_code == 404


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "role",
    ["analyst", "incident_reporter", "incident_handler", "editor", "auditor", "consultation_moderator"],
)
def test_template_refused_to_other_roles(client, make_user, login, trust, role, file_format):
    login(make_user(role, organisation=trust))
    assert client.get(reverse("workforce:import_template", args=[file_format])).status_code == 403


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_template_sends_anonymous_to_sign_in(client, file_format):
    response = client.get(reverse("workforce:import_template", args=[file_format]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_import_by_human_headings_with_labels(client, login, hr_trust, trust):
    login(hr_trust)
    rows = [
        row(1, job_role="Staff nurse", pay_framework="Agenda for Change", contract_type="Fixed term"),
        row(2, date_of_birth="04/03/1985", assignment_start="01/04/2020"),
    ]
    response = upload(client, human_csv(rows), mode="import")
    assert response.status_code == 302
    assert Person.objects.count() == 2 and Employment.objects.filter(contract_type="fixed_term").count() == 1


def test_errors_are_reported_under_the_files_own_headings(client, login, hr_trust, trust):
    login(hr_trust)
    response = upload(client, human_csv([row(1, employer_code="NOPE", ni_number="")]))
    assert response.status_code == 400
    errors = {(e.row, e.heading): e.message for e in response.context["result"].errors}
    assert "No organisation has the code NOPE" in errors[(2, "Employer ODS code")]
    assert errors[(2, "National Insurance number")] == "Enter the National Insurance number"
    html = response.content.decode()
    assert "Employer ODS code" in html and "employer_code" not in html.split("Problems in the file")[1]
    assert not Person.objects.exists()


def test_missing_columns_are_named_by_heading(client, login, hr_trust):
    login(hr_trust)
    content = ",".join(HEADINGS[c] for c in COLUMNS if c != "job_role").encode() + b"\nx\n"
    response = upload(client, content)
    assert response.status_code == 400 and "missing these columns: Job role" in response.content.decode()


def test_esr_extract_sample_imports(client, login, hr_trust, trust):
    login(hr_trust)
    content = ESR_SAMPLE.read_bytes()
    checked = upload(client, content)
    assert checked.status_code == 200 and checked.context["result"].ok, checked.context["result"].errors
    assert checked.context["result"].layout == "esr" and not Person.objects.exists()
    assert upload(client, content, mode="import").status_code == 302
    nurse = Post.objects.get(organisation=trust, reference="2344501")
    assert (nurse.title, nurse.job_role, nurse.pay_framework, nurse.pay_band) == (
        "Staff Nurse",
        "staff_nurse",
        "afc",
        "5",
    )
    hca = Assignment.objects.get(person__last_name="Sample")
    assert (str(hca.fte), str(hca.end_date), hca.employment.contract_type) == (
        "0.60",
        "2026-09-14",
        "fixed_term",
    )
    assert hca.employment.staff_number == "20418832"
    sister = Assignment.objects.get(person__last_name="Specimen")
    assert (sister.post.reference, sister.post.pay_band, sister.employment.contract_type) == (
        "2344503",
        "7",
        "bank",
    )
    assert str(sister.employment.start_date) == "2015-06-01" and str(sister.start_date) == "2024-01-01"


def test_esr_errors_name_the_esr_columns(client, login, hr_trust, trust):
    login(hr_trust)
    content = (
        ESR_SAMPLE.read_text().replace("QQ100002B", "NOT-AN-NI").replace("Bank,", "Zero hours,").encode()
    )
    response = upload(client, content, mode="import")
    assert response.status_code == 400
    errors = {(e.row, e.heading) for e in response.context["result"].errors}
    assert (3, "NI Number") in errors and (4, "Assignment Category") in errors
    assert not Person.objects.exists()


def test_esr_extract_missing_a_required_column(client, login, hr_trust):
    login(hr_trust)
    lines = ESR_SAMPLE.read_text().splitlines()
    header = lines[0].replace(",Contracted WTE", "")
    response = upload(client, (header + "\n" + lines[1] + "\n").encode())
    assert (
        response.status_code == 400 and "missing these columns: Contracted WTE" in response.content.decode()
    )


def test_the_xlsx_template_filled_in_is_imported(client, login, hr_trust, trust):
    from openpyxl import load_workbook

    login(hr_trust)
    template = client.get(reverse("workforce:import_template", args=["xlsx"])).content
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook["People and posts"]
    second = [cell.value for cell in sheet[2]]
    second[0], second[2], second[8] = "QQ654321B", "Second", "P-1002"
    sheet.append(second)
    sheet.cell(row=3, column=4).value = datetime.date(1979, 7, 27)  # a real date cell, not text
    sheet.cell(row=3, column=18).value = 0.5  # a number cell
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(client, buffer.getvalue(), mode="import", name="filled.xlsx")
    assert response.status_code == 302
    second_person = Person.objects.get(last_name="Second")
    assert second_person.date_of_birth == datetime.date(1979, 7, 27)
    assert str(second_person.assignments.get().fte) == "0.50"


@pytest.mark.parametrize("content", [b"PK\x03\x04not really a workbook", b"PK\x03\x04" + b"\x00" * 200])
def test_a_broken_workbook_is_a_clear_error(client, login, hr_trust, content):
    login(hr_trust)
    response = upload(client, content, name="broken.xlsx")
    assert response.status_code == 400 and "not a spreadsheet we can read" in response.content.decode()
