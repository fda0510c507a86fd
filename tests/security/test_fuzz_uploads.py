"""Fuzzing the file uploads: the workforce CSV import and joint-arrangement agreement documents.

The CSV import must answer every file (random bytes, other encodings, hostile cells, formula cells, huge cells,
too many rows, too many bytes) with a clear message and never a server error, and write nothing on a dry run or
when the file has any error. An agreement document is judged by its content, not its name: a disguised file, an
empty one or an oversized one is refused beside the field, and nothing is stored, neither a row nor a file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from workforce.imports import COLUMNS, MAX_ROWS
from workforce.models import AgreementDocument

from .conftest import changed_tables, row_counts
from .fuzzing import NASTY_NUMBERS, NASTY_STRINGS, fuzz_settings, record_finding, send, text_values

pytestmark = pytest.mark.django_db

IMPORT_URL = "/workforce/import/"


def valid_row(n: int, employer_code: str) -> dict[str, str]:
    return {
        "ni_number": f"QQ{n:06d}A",
        "first_name": "Sam",
        "last_name": f"Fuzz{n}",
        "date_of_birth": "1985-03-04",
        "employer_code": employer_code,
        "staff_number": f"E{n}",
        "contract_type": "permanent",
        "employment_start": "2020-04-01",
        "post_number": f"FZ-{n}",
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


def csv_bytes(rows: list[dict], *, encoding: str = "utf-8", columns=COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def hr(world):
    return world.client_for("hr_admin")


def post_import(client, content: bytes, mode: str, name: str = "extract.csv"):
    return send(client.post, IMPORT_URL, {"file": SimpleUploadedFile(name, content), "mode": mode})


def assert_refused_cleanly(status, error, before, *, url=IMPORT_URL, payload=""):
    if status >= 500:
        record_finding(url=url, principal="hr_admin", payload=payload, error=error)
    assert status < 500, f"{status} for {payload}\n{error}"
    assert not changed_tables(before), f"{payload} wrote {changed_tables(before)}"


# --- the CSV import ---------------------------------------------------------------------------------------------


def test_random_bytes_are_refused_and_nothing_is_written(world, hr):
    @fuzz_settings(25)
    @given(content=st.binary(max_size=2000), mode=st.sampled_from(["dry_run", "import"]))
    def random_file(content, mode):
        before = row_counts()
        status, error = post_import(hr, content, mode)
        assert_refused_cleanly(status, error, before, payload=f"random bytes {content[:60]!r} ({mode})")
        assert status == 400

    random_file()


hostile_cell = st.one_of(
    text_values,
    st.sampled_from(NASTY_NUMBERS),
    st.sampled_from(
        [
            "=1+1",
            "=cmd|' /C calc'!A0",
            "+SUM(A1:A9)",
            "-2+3",
            "@SUM(1)",
            '=HYPERLINK("http://evil.example","click")',
            '"quoted, with comma"',
            "line\nbreak",
            "\x00",
            "Q" * 100_000,
        ]
    ),
)


def test_hostile_cells_get_row_errors_never_a_server_error(world, hr):
    columns = st.sets(st.sampled_from(COLUMNS), min_size=1, max_size=3)

    @fuzz_settings(30)
    @given(replace=columns, values=st.lists(hostile_cell, min_size=3, max_size=3), mode=st.just("dry_run"))
    def hostile_cells(replace, values, mode):
        rows = [valid_row(1, "FZ1"), valid_row(2, "FZ1")]
        for column, value in zip(sorted(replace), values, strict=False):
            rows[1][column] = value
        content = csv_bytes(rows)
        before = row_counts()
        status, error = post_import(hr, content, mode)
        payload = f"row 3 {dict(zip(sorted(replace), (v[:60] for v in values), strict=False))} ({mode})"
        assert_refused_cleanly(status, error, before, payload=payload)

    hostile_cells()


@pytest.mark.parametrize("mode", ["dry_run", "import"])
def test_a_cell_longer_than_the_csv_field_limit_gets_a_clear_error(world, hr, mode):
    rows = [valid_row(1, "FZ1") | {"post_title": "Q" * 200_000}]
    before = row_counts()
    status, error = post_import(hr, csv_bytes(rows), mode)
    assert status == 400, error
    assert not changed_tables(before)


def test_a_file_with_any_error_imports_nothing(world, hr):
    """The real import is all or nothing: a hostile cell in the last row keeps every valid row out."""

    @fuzz_settings(15)
    @given(
        column=st.sampled_from(["ni_number", "date_of_birth", "post_fte", "employer_code"]),
        value=hostile_cell,
    )
    def one_bad_row(column, value):
        rows = [valid_row(n, "FZ1") for n in range(10, 14)]
        rows[-1][column] = value
        before = row_counts()
        status, error = post_import(hr, csv_bytes(rows), "import")
        if status == 302:  # the value happened to be valid for that column
            return
        assert_refused_cleanly(status, error, before, payload=f"{column}={value[:60]!r} on the last row")

    one_bad_row()


@pytest.mark.parametrize(
    ("encoding", "text"),
    [("utf-16", "Zoë"), ("latin-1", "Zoë"), ("cp1252", "Siân – “quoted”"), ("utf-32", "Sam")],
)
def test_other_encodings_get_a_clear_error(world, hr, encoding, text):
    row = valid_row(1, "FZ1") | {"first_name": text}
    before = row_counts()
    for mode in ("dry_run", "import"):
        response = hr.post(
            IMPORT_URL,
            {"file": SimpleUploadedFile("x.csv", csv_bytes([row], encoding=encoding)), "mode": mode},
        )
        assert response.status_code == 400
        assert "saved as UTF-8" in response.content.decode()
    assert not changed_tables(before)


def test_a_valid_dry_run_writes_nothing_and_the_import_writes_the_rows(world, hr):
    content = csv_bytes([valid_row(1, "FZ1"), valid_row(2, "FZ1")])
    before = row_counts()
    response = hr.post(IMPORT_URL, {"file": SimpleUploadedFile("x.csv", content), "mode": "dry_run"})
    assert response.status_code == 200 and "The file is valid: 2 rows" in response.content.decode()
    assert not changed_tables(before)
    response = hr.post(IMPORT_URL, {"file": SimpleUploadedFile("x.csv", content), "mode": "import"})
    assert response.status_code == 302
    assert changed_tables(before)["workforce.Person"][1] == before["workforce.Person"] + 2


def test_formula_cells_never_reach_a_spreadsheet_as_formulas(world, hr):
    """A formula typed into a name is either refused or stored as text and neutralised in the export."""
    rows = [valid_row(1, "FZ1") | {"first_name": "=1+1", "last_name": "@SUM(A1)", "post_title": "+cmd|x"}]
    response = hr.post(IMPORT_URL, {"file": SimpleUploadedFile("x.csv", csv_bytes(rows)), "mode": "import"})
    assert response.status_code in {302, 400}
    if response.status_code == 302:
        export = hr.get(reverse("workforce:person_list") + "?_export=csv")
        cells = [
            cell
            for line in csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")))
            for cell in line
        ]
        assert not [cell for cell in cells if cell[:1] in {"=", "+", "@"}], cells


def test_too_many_bytes_or_rows_get_a_clear_error(world, hr, settings):
    before = row_counts()
    header_only = csv_bytes([])
    big = header_only + b"x" * (10 * 1024 * 1024)
    response = hr.post(IMPORT_URL, {"file": SimpleUploadedFile("big.csv", big), "mode": "dry_run"})
    assert response.status_code == 400 and "smaller than 10MB" in response.content.decode()
    many = header_only + b"\n".join([b"QQ000001A,Sam,Fuzz"] * (MAX_ROWS + 1))
    response = hr.post(IMPORT_URL, {"file": SimpleUploadedFile("many.csv", many), "mode": "import"})
    assert response.status_code == 400 and "more than 20,000 rows" in response.content.decode()
    assert not changed_tables(before)


def test_only_hr_administrators_can_import(world):
    content = csv_bytes([valid_row(1, "FZ1")])
    for principal in ("anonymous", "no_role", "incident_reporter", "analyst", "auditor"):
        client = world.client_for(principal)
        before = row_counts()
        response = client.post(IMPORT_URL, {"file": SimpleUploadedFile("x.csv", content), "mode": "import"})
        assert response.status_code in {302, 403}, principal
        assert not changed_tables(before), principal


def test_rows_for_another_organisation_are_refused(world, hr):
    theirs = world.theirs
    code = theirs.ods_code or theirs.local_authority_code or theirs.name
    before = row_counts()
    response = hr.post(
        IMPORT_URL,
        {"file": SimpleUploadedFile("x.csv", csv_bytes([valid_row(1, code)])), "mode": "import"},
    )
    assert response.status_code == 400
    assert "You are not an HR administrator at" in response.content.decode()
    assert not changed_tables(before)


# --- agreement documents ----------------------------------------------------------------------------------------


def zip_bytes(names: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DISGUISED = [
    ("agreement.pdf", b"<html><script>alert(1)</script></html>"),
    ("agreement.pdf", b"MZ\x90\x00\x03\x00\x00\x00"),
    ("agreement.docx", zip_bytes(["evil.exe"])),
    ("agreement.odt", zip_bytes(["word/document.xml"])),  # a Word file called .odt
    ("agreement.docx", b"PK\x03\x04 not really a zip"),
    ("agreement.exe", PDF),  # a PDF is still refused under a name that would not open as one
    ("agreement.pdf", b""),
    ("agreement.pdf", b"%PD"),
    ("agreement.PDF.html", PDF),
]


def arrangement_url(world) -> str:
    return reverse("workforce:arrangement_detail", kwargs=world.kwargs["workforce:arrangement_detail"])


def upload(client, url, name, content, **fields):
    data = {"kind": "joint_agreement", "title": "Signed agreement", **fields}
    data["file"] = SimpleUploadedFile(name, content, content_type="application/pdf")
    return send(client.post, url, data)


@pytest.mark.parametrize(("name", "content"), DISGUISED, ids=[f"{n}-{c[:6]!r}" for n, c in DISGUISED])
def test_disguised_agreement_files_are_refused_and_not_stored(world, hr, settings, name, content):
    before = row_counts()
    status, error = upload(hr, arrangement_url(world), name, content)
    assert_refused_cleanly(
        status, error, before, url=arrangement_url(world), payload=f"{name} {content[:20]!r}"
    )
    assert status == 400
    assert not media_files(settings)


def test_an_oversized_agreement_is_refused_and_not_stored(world, hr, settings):
    before = row_counts()
    status, error = upload(hr, arrangement_url(world), "big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    assert_refused_cleanly(status, error, before, url=arrangement_url(world), payload="10MB PDF")
    assert status == 400
    assert not media_files(settings)


def test_a_real_pdf_and_docx_are_accepted_and_stored(world, hr, settings):
    for name, content in (("agreement.pdf", PDF), ("agreement.docx", zip_bytes(["word/document.xml"]))):
        status, error = upload(hr, arrangement_url(world), name, content)
        assert status == 302, error
    assert AgreementDocument.objects.count() == 2
    assert len(media_files(settings)) == 2


def test_random_agreement_uploads_never_store_a_refused_file(world, hr, settings):
    names = st.sampled_from(["a.pdf", "a.docx", "a.odt", "a.exe", "a", ".pdf", "a.pdf\x00.exe", "名前.pdf"])
    prefixes = st.sampled_from([b"", b"%PDF-", b"PK\x03\x04", b"\xff\xd8\xff"])

    @fuzz_settings(25)
    @given(
        name=names,
        prefix=prefixes,
        body=st.binary(max_size=300),
        title=st.one_of(text_values, st.sampled_from(NASTY_STRINGS)),
        kind=st.one_of(st.just("joint_agreement"), text_values),
    )
    def random_upload(name, prefix, body, title, kind):
        stored = len(media_files(settings))
        before = row_counts()
        status, error = upload(hr, arrangement_url(world), name, prefix + body, title=title, kind=kind)
        payload = f"{name!r} {(prefix + body)[:30]!r} title={title[:40]!r} kind={kind[:20]!r}"
        if status == 302:
            assert len(media_files(settings)) == stored + 1
            return
        assert_refused_cleanly(status, error, before, url=arrangement_url(world), payload=payload)
        assert len(media_files(settings)) == stored, f"{payload} left a file behind"

    random_upload()


def test_no_upload_to_another_organisations_arrangement(world, settings):
    from workforce.models import JointArrangement

    theirs = JointArrangement.objects.exclude(pk=world.kwargs["workforce:arrangement_detail"]["pk"]).get()
    url = reverse("workforce:arrangement_detail", args=[theirs.pk])
    for principal in ("hr_admin", "anonymous", "no_role", "analyst"):
        before = row_counts()
        status, error = upload(world.client_for(principal), url, "agreement.pdf", PDF)
        assert status in {302, 403, 404}, f"{principal}: {status}\n{error}"
        assert not changed_tables(before)
    assert not media_files(settings)
