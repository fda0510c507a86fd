"""Evidence files on a case (issue 17): type read from the content, size limits, photo metadata removed, encrypted
at rest, every read audited, destroyed with the case, rotated with the keys, and reporters' uploads throttled."""

import datetime
import io

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from cms.accounts.models import AnonymousAuditEvent, AuditEvent
from covenant.incidents import encryption
from covenant.incidents.models import Evidence, EvidenceContent, IncidentReport
from covenant.incidents.purge import incidents_purge_expired
from covenant.incidents.services.evidence import evidence_add
from demo.factories.incidents import IncidentReportFactory

from .conftest import code_of, report_pages
from .test_anonymity import FOLLOW_UP, _the_session_row

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n(Statement of Nurse Example about bed 4)\ntrailer<<>>\n%%EOF\n"
EXECUTABLE = b"MZ" + b"\x90\x00" * 200
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 200
TEXT = b"Times I was threatened: 3 March, 9 March by bed 4.\n"
GPS = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}


def jpeg_with_location(*, orientation: int = 6) -> bytes:
    """A 40×30 photo taken 'sideways' (EXIF orientation 6) with a GPS position and the phone's make and model."""
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretPhoneMaker"
    exif[ExifTags.Base.Model] = "Model X1"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"taken at 12 Acacia Avenue")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _raw_ciphertext(evidence: Evidence) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ciphertext FROM incidents_evidencecontent WHERE evidence_id = %s", [evidence.pk]
        )
        return bytes(cursor.fetchone()[0])


def _database_dump() -> bytes:
    """Every value of every evidence column as stored, as bytes: what a copy of the database holds."""
    values = []
    with connection.cursor() as cursor:
        for table in ("incidents_evidence", "incidents_evidencecontent"):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    values.append(
                        bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
                    )
    return b"\n".join(values)


@pytest.fixture
def handler_client(client, login, handler):
    login(handler)
    return client


# --- type, read from the content --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.jpg", PDF, "The selected file is a PDF but its name ends .jpg"),
        ("setup.exe", EXECUTABLE, "The selected file must be a JPG, PNG or HEIC photo"),
        ("holiday.jpg", EXECUTABLE, "The selected file must be a JPG, PNG or HEIC photo"),
        ("notes.txt", b"\x00\x01\x02binary\xff", "The selected file must be a JPG, PNG or HEIC photo"),
        ("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50, "could not be opened as a JPG photo"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused_beside_the_field_and_nothing_is_written(
    handler_client, named_report, name, data, message
):
    response = handler_client.post(
        reverse("incidents:evidence_upload", args=[named_report.pk]),
        {"file": upload(name, data, content_type="image/jpeg"), "description": "From my phone"},
    )
    assert response.status_code == 400
    assert message in response.context["form"].errors["file"][0]
    assert message in response.content.decode()
    assert 'class="nhsuk-error-message"' in response.content.decode()
    assert not Evidence.objects.exists() and not EvidenceContent.objects.exists()
    assert not AuditEvent.objects.filter(action="incident.evidence_added").exists()


@pytest.mark.parametrize(
    ("name", "data", "kind", "content_type"),
    [
        ("statement.pdf", PDF, "document", "application/pdf"),
        ("dates.txt", TEXT, "document", "text/plain"),
        ("voicemail.mp3", MP3, "audio", "audio/mpeg"),
        ("scan", PDF, "document", "application/pdf"),  # no ending: the content decides
    ],
)
def test_accepted_types_are_kept_by_their_content_whatever_the_browser_said(
    handler_client, named_report, name, data, kind, content_type
):
    response = handler_client.post(
        reverse("incidents:evidence_upload", args=[named_report.pk]),
        {"file": upload(name, data, content_type="application/x-msdownload")},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.kind, evidence.content_type, evidence.size) == (kind, content_type, len(data))
    download = handler_client.get(reverse("incidents:evidence_download", args=[named_report.pk, evidence.pk]))
    assert download.content == data and download["Content-Type"] == content_type


def test_a_heic_photo_is_kept_as_a_jpeg_without_its_metadata(handler_client, named_report):
    image = Image.new("RGB", (40, 30), (10, 200, 10))
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = GPS
    heic = io.BytesIO()
    image.save(heic, format="HEIF", exif=exif.tobytes())
    handler_client.post(
        reverse("incidents:evidence_upload", args=[named_report.pk]),
        {"file": upload("IMG_0001.HEIC", heic.getvalue(), content_type="image/heic")},
    )
    evidence = Evidence.objects.get()
    assert (evidence.content_type, evidence.file_name) == ("image/jpeg", "IMG_0001.jpg")
    kept = Image.open(io.BytesIO(encryption.decrypt_bytes(_raw_ciphertext(evidence))))
    assert kept.format == "JPEG" and not dict(kept.getexif())


# --- size ---------------------------------------------------------------------------------------------------------
def test_a_file_over_the_limit_is_refused_before_it_is_read(handler_client, named_report, settings):
    settings.INCIDENT_EVIDENCE_MAX_FILE_BYTES = 100 * 1024
    response = handler_client.post(
        reverse("incidents:evidence_upload", args=[named_report.pk]),
        {"file": upload("statement.pdf", PDF + b"%" * 100 * 1024, content_type="application/pdf")},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["The selected file must be smaller than 100KB"]
    assert not Evidence.objects.exists()


def test_a_case_holds_no_more_than_its_total(handler_client, handler, named_report, settings):
    settings.INCIDENT_EVIDENCE_MAX_CASE_BYTES = 2 * len(PDF) + 10
    for _ in range(2):
        evidence_add(report=named_report, name="s.pdf", data=PDF, uploaded_by=handler, from_reporter=False)
    response = handler_client.post(
        reverse("incidents:evidence_upload", args=[named_report.pk]),
        {"file": upload("third.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == 400
    assert "This case already holds" in response.context["form"].errors["file"][0]
    assert Evidence.objects.count() == 2 == EvidenceContent.objects.count()


def test_every_accepted_type_is_kept_as_a_type_the_column_allows():
    from covenant.incidents.evidence_files import TYPES
    from covenant.incidents.models.evidence import EVIDENCE_CONTENT_TYPES

    assert {file_type.stored_content_type for file_type in TYPES.values()} == set(EVIDENCE_CONTENT_TYPES)


def test_the_default_limits_are_10mb_a_file_and_50mb_a_case():
    from django.conf import settings

    assert settings.INCIDENT_EVIDENCE_MAX_FILE_BYTES == 10 * 1024 * 1024
    assert settings.INCIDENT_EVIDENCE_MAX_CASE_BYTES == 50 * 1024 * 1024


# --- metadata -----------------------------------------------------------------------------------------------------
def test_a_photos_location_and_device_are_removed_and_it_is_kept_upright(handler_client, named_report):
    original = jpeg_with_location()
    assert dict(Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo))  # it had them
    handler_client.post(
        reverse("incidents:evidence_upload", args=[named_report.pk]),
        {"file": upload("ward/../IMG 2231.JPG", original)},
    )
    evidence = Evidence.objects.get()
    kept = handler_client.get(
        reverse("incidents:evidence_download", args=[named_report.pk, evidence.pk])
    ).content
    photo = Image.open(io.BytesIO(kept))
    assert photo.size == (30, 40)  # turned as the phone meant, so no orientation tag is needed
    assert not dict(photo.getexif())  # no EXIF at all: no GPS, make, model or orientation
    assert not photo.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert "comment" not in photo.info and "exif" not in photo.info
    for secret in (b"SecretPhoneMaker", b"Model X1", b"Acacia", b"GPS"):
        assert secret not in kept
    assert evidence.file_name == "IMG_2231.jpg"


def test_a_png_keeps_its_transparency_but_not_its_text(handler_client, named_report):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "12 Acacia Avenue")
    image = Image.new("RGBA", (8, 8), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    handler_client.post(
        reverse("incidents:evidence_upload", args=[named_report.pk]),
        {"file": upload("screenshot.png", out.getvalue(), content_type="image/png")},
    )
    kept = encryption.decrypt_bytes(_raw_ciphertext(Evidence.objects.get()))
    assert b"Acacia" not in kept and Image.open(io.BytesIO(kept)).mode == "RGBA"


# --- encryption ---------------------------------------------------------------------------------------------------
def test_the_database_holds_no_readable_byte_of_a_file_or_its_name(handler_client, named_report):
    photo = jpeg_with_location(orientation=1)
    for name, data in (("bed4-statement.pdf", PDF), ("dates-of-abuse.txt", TEXT), ("face.jpg", photo)):
        response = handler_client.post(
            reverse("incidents:evidence_upload", args=[named_report.pk]),
            {"file": upload(name, data), "description": "Bruise on left arm"},
        )
        assert response.status_code == 302
    dump = _database_dump()
    kept_photo = encryption.decrypt_bytes(_raw_ciphertext(Evidence.objects.get(content_type="image/jpeg")))
    for secret in (
        b"Nurse Example",
        b"bed 4",
        b"threatened",
        b"bed4-statement",
        b"dates-of-abuse",
        b"Bruise",
    ):
        assert secret not in dump, secret
    assert kept_photo[100:164] not in dump  # a run of the photo's own bytes
    assert b"%PDF" not in dump and b"\xff\xd8\xff" not in dump
    for evidence in Evidence.objects.all():
        assert _raw_ciphertext(evidence).startswith(b"gAAAAA")  # a Fernet token


def test_files_are_not_written_to_media_storage(handler_client, named_report, settings):
    handler_client.post(
        reverse("incidents:evidence_upload", args=[named_report.pk]),
        {"file": upload("statement.pdf", PDF, content_type="application/pdf")},
    )
    assert Evidence.objects.count() == 1
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_key_rotation_re_encrypts_evidence_files(monkeypatch, handler, organisation):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv(encryption.ENV_KEYS, old_key)
    encryption.reset_keys()
    try:
        evidence = evidence_add(
            report=IncidentReportFactory(organisation=organisation),
            name="s.pdf",
            data=PDF,
            uploaded_by=handler,
            from_reporter=False,
        )
        before = _raw_ciphertext(evidence)
        monkeypatch.setenv(encryption.ENV_KEYS, f"{new_key},{old_key}")
        call_command("incidents_rotate_keys", stdout=io.StringIO())
        monkeypatch.setenv(encryption.ENV_KEYS, new_key)  # the old key retired
        encryption.reset_keys()
        after = _raw_ciphertext(evidence)
        assert after != before
        assert Fernet(new_key.encode()).decrypt(after) == PDF
        assert (
            "1 evidence files re-encrypted" in AuditEvent.objects.get(action="incident.keys_rotated").summary
        )
    finally:
        encryption.reset_keys()


# --- every read audited, served safely ----------------------------------------------------------------------------
def test_every_handler_read_is_audited_and_served_as_an_uncached_download(
    handler_client, handler, named_report
):
    evidence = evidence_add(
        report=named_report, name="my statement.pdf", data=PDF, uploaded_by=handler, from_reporter=False
    )
    url = reverse("incidents:evidence_download", args=[named_report.pk, evidence.pk])
    for _ in range(2):
        response = handler_client.get(url)
        assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "my_statement.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    reads = AuditEvent.objects.filter(action="incident.evidence_opened")
    assert reads.count() == 2
    assert {(e.actor_id, e.object_type, e.object_id) for e in reads} == {
        (handler.pk, "incidents.evidence", str(evidence.pk))
    }
    assert reads.first().detail == {"evidence": evidence.pk, "report": named_report.pk}


def test_a_named_reporter_sends_and_opens_their_own_files_and_each_read_is_audited(
    client, login, reporter, handler, named_report
):
    handlers_file = evidence_add(
        report=named_report, name="internal.pdf", data=PDF, uploaded_by=handler, from_reporter=False
    )
    login(reporter)
    response = client.post(
        reverse("incidents:my_report_evidence_upload", args=[named_report.pk]),
        {"file": upload("bruise.jpg", jpeg_with_location())},
    )
    assert response.status_code == 302
    mine = Evidence.objects.get(from_reporter=True)
    assert mine.uploaded_by == reporter
    page = client.get(reverse("incidents:my_report", args=[named_report.pk])).content.decode()
    assert "bruise.jpg" in page and "internal.pdf" not in page
    response = client.get(reverse("incidents:my_report_evidence", args=[named_report.pk, mine.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    event = AuditEvent.objects.get(action="incident.evidence_opened_by_reporter")
    assert (event.actor_id, event.object_id) == (reporter.pk, str(mine.pk))
    # The handler's own file is not theirs to read: 404, and the refusal is audited.
    response = client.get(reverse("incidents:my_report_evidence", args=[named_report.pk, handlers_file.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access.refused", actor=reporter).exists()


def _follow_up(client, organisation) -> IncidentReport:
    code = code_of(report_pages(client, organisation))
    client.post(FOLLOW_UP, {"code": code})
    return IncidentReport.objects.latest("pk")


def test_an_anonymous_reporter_sends_and_opens_files_without_being_identified(
    client, login, reporter, organisation
):
    """Signed in while following up an anonymous report by code: the file, its audit lines and their times tie
    nothing to the account."""
    login(reporter)
    before = _the_session_row()
    report = _follow_up(client, organisation)
    response = client.post(
        reverse("incidents:follow_up_evidence_upload"), {"file": upload("threat.txt", TEXT, "text/plain")}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.report == report and evidence.uploaded_by is None and evidence.from_reporter
    assert evidence.uploaded_at.minute == evidence.uploaded_at.second == evidence.uploaded_at.microsecond == 0
    assert "threat.txt" in client.get(reverse("incidents:follow_up_case")).content.decode()
    response = client.get(reverse("incidents:follow_up_evidence") + f"?file={evidence.pk}")
    assert response.content == TEXT and response["X-Content-Type-Options"] == "nosniff"
    assert _the_session_row() == before  # not even the idle timeout's stamp: these pages see a visitor
    assert not AuditEvent.objects.filter(action__startswith="incident.evidence").exists()
    assert not AuditEvent.objects.filter(actor=reporter, action__startswith="incident.").exists()
    assert not AuditEvent.objects.filter(object_type="incidents.evidence").exists()
    held = AnonymousAuditEvent.objects.filter(action__startswith="incident.evidence")
    assert set(held.values_list("action", flat=True)) == {
        "incident.evidence_added",
        "incident.evidence_opened_by_code",
    }
    assert all(line.actor_label == "code holder" for line in held)


def test_a_code_holder_cannot_open_a_file_of_another_case_or_a_handlers_file(client, handler, organisation):
    other = IncidentReportFactory(organisation=organisation)
    elsewhere = evidence_add(report=other, name="x.pdf", data=PDF, uploaded_by=None, from_reporter=True)
    report = _follow_up(client, organisation)
    handlers_file = evidence_add(
        report=report, name="y.pdf", data=PDF, uploaded_by=handler, from_reporter=False
    )
    url = reverse("incidents:follow_up_evidence")
    for evidence in (elsewhere, handlers_file):
        assert client.get(url + f"?file={evidence.pk}").status_code == 404
    for forged in ("", "abc", "-1", "9" * 40, "1%00"):
        assert client.get(url + f"?file={forged}").status_code == 404
    client.post(reverse("incidents:follow_up_leave"))
    response = client.get(reverse("incidents:follow_up_evidence") + f"?file={elsewhere.pk}")
    assert response.status_code == 302 and response["Location"] == FOLLOW_UP


def test_reporters_uploads_are_throttled(client, organisation, settings):
    settings.INCIDENT_EVIDENCE_UPLOADS_PER_HOUR = 2
    _follow_up(client, organisation)
    url = reverse("incidents:follow_up_evidence_upload")
    for _ in range(2):
        assert client.post(url, {"file": upload("a.txt", TEXT, "text/plain")}).status_code == 302
    response = client.post(url, {"file": upload("a.txt", TEXT, "text/plain")})
    assert response.status_code == 429
    assert "too many files" in response.context["form"].errors["file"][0]
    assert Evidence.objects.count() == 2


def test_a_closed_case_takes_no_more_files(handler, organisation):
    from django.core.exceptions import ValidationError

    report = IncidentReportFactory(organisation=organisation, status="archived")
    with pytest.raises(ValidationError, match="closed to new files"):
        evidence_add(report=report, name="a.pdf", data=PDF, uploaded_by=handler, from_reporter=False)
    assert not Evidence.objects.exists()


# --- removed by the retention schedule ----------------------------------------------------------------------------
def test_the_purge_destroys_the_files_with_their_case(monkeypatch, handler, organisation):
    """Frozen time: a case archived now, with files from both sides, is destroyed with every byte of them once
    its retention period has passed, and not a day before."""
    frozen = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    report = IncidentReportFactory(organisation=organisation, reported_at=frozen)
    kept_case = IncidentReportFactory(organisation=organisation, reported_at=frozen)
    for case in (report, kept_case):
        evidence_add(report=case, name="a.pdf", data=PDF, uploaded_by=handler, from_reporter=False)
        evidence_add(report=case, name="b.txt", data=TEXT, uploaded_by=None, from_reporter=True)
    IncidentReport.objects.filter(pk=report.pk).update(status="archived", closed_at=frozen)
    destroy_after = IncidentReport.objects.get(pk=report.pk).destroy_after
    assert destroy_after == datetime.date(2036, 3, 2)

    day_before = timezone.make_aware(
        datetime.datetime.combine(destroy_after - datetime.timedelta(days=1), datetime.time(23, 0))
    )
    assert incidents_purge_expired(now=day_before) == 0
    assert EvidenceContent.objects.filter(evidence__report=report).count() == 2

    later = timezone.make_aware(datetime.datetime(2036, 3, 3, 2, 0))
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert incidents_purge_expired() == 1
    assert not Evidence.objects.filter(report_id=report.pk).exists()
    assert EvidenceContent.objects.count() == 2  # the other case's files only
    assert set(Evidence.objects.values_list("report_id", flat=True)) == {kept_case.pk}
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM incidents_evidencecontent")
        assert cursor.fetchone()[0] == 2
