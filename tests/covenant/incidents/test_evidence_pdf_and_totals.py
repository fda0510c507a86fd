"""Review findings on evidence: a PDF from a reporter keeps no author or XMP metadata (F8), the upload page warns
that recordings and other documents keep theirs, and the per-case total counts the reporter's files and the
handlers' apart, so a code holder cannot fill the case and stop handlers adding files."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from covenant.incidents import encryption
from covenant.incidents.models import Evidence
from covenant.incidents.services.evidence import evidence_add

from .test_evidence import PDF, _follow_up, _raw_ciphertext, upload

pytestmark = pytest.mark.django_db

XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Jo Whistleblower</dc:creator>'
    b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def pdf_with_author() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": "Jo Whistleblower", "/Creator": "Ward 4 laptop", "/Title": "Statement"})
    writer.xmp_metadata = XMP
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_anonymous_reporters_pdf_is_kept_without_its_author_or_xmp(client, organisation):
    original = pdf_with_author()
    assert PdfReader(io.BytesIO(original)).metadata["/Author"] == "Jo Whistleblower"  # it had one
    _follow_up(client, organisation)
    page = client.get(reverse("incidents:follow_up_evidence_upload")).content.decode()
    assert "Recordings and other documents are kept as they are" in page
    response = client.post(
        reverse("incidents:follow_up_evidence_upload"),
        {"file": upload("statement.pdf", original, "application/pdf")},
    )
    assert response.status_code == 302
    kept = encryption.decrypt_bytes(_raw_ciphertext(Evidence.objects.get()))
    reader = PdfReader(io.BytesIO(kept))
    assert len(reader.pages) == 1
    assert not (reader.metadata or {}).get("/Author")
    assert "/Metadata" not in reader.trailer["/Root"]
    assert b"Whistleblower" not in kept and b"Ward 4 laptop" not in kept


def test_a_pdf_without_metadata_or_that_pypdf_cannot_read_is_kept_as_sent(handler, named_report):
    evidence = evidence_add(
        report=named_report, name="s.pdf", data=PDF, uploaded_by=handler, from_reporter=False
    )
    assert encryption.decrypt_bytes(_raw_ciphertext(evidence)) == PDF


def test_a_code_holder_filling_the_case_does_not_stop_handlers_adding_files(
    client, handler, organisation, settings
):
    report = _follow_up(client, organisation)
    settings.INCIDENT_EVIDENCE_MAX_CASE_BYTES = 2 * len(PDF) + 10
    for _ in range(2):
        evidence_add(report=report, name="s.pdf", data=PDF, uploaded_by=None, from_reporter=True)
    response = client.post(
        reverse("incidents:follow_up_evidence_upload"), {"file": upload("third.pdf", PDF, "application/pdf")}
    )
    assert response.status_code == 400
    assert "files from the reporter" in response.context["form"].errors["file"][0]
    # The handlers' side is counted apart: their files still fit.
    for _ in range(2):
        evidence_add(report=report, name="h.pdf", data=PDF, uploaded_by=handler, from_reporter=False)
    assert Evidence.objects.filter(from_reporter=False).count() == 2
    with pytest.raises(ValidationError, match="files from its handlers"):
        evidence_add(report=report, name="h.pdf", data=PDF, uploaded_by=handler, from_reporter=False)
