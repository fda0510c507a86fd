"""Fuzzing evidence uploads: whatever bytes and name arrive (the real signatures of every accepted type with
damaged bodies after them, random bytes, hostile names), a file is either kept as an accepted type, cleaned, or
refused beside the field; never a server error, and nothing written when it is refused."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from covenant.incidents.evidence_files import TYPES, evidence_file_inspect
from covenant.incidents.models import Evidence, EvidenceContent
from covenant.incidents.models.evidence import EVIDENCE_CONTENT_TYPES
from demo.factories.incidents import IncidentReportFactory

from .fuzzing import NASTY_STRINGS, fuzz_settings

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (1, 2, 3)).save(out, format=fmt)
    return out.getvalue()


SIGNATURES = [
    _image("JPEG"),
    _image("PNG"),
    _image("HEIF"),
    b"%PDF-1.7\n",
    b"ID3\x03\x00\x00\x00\x00\x00\x00",
    b"RIFF\x24\x00\x00\x00WAVEfmt ",
    b"OggS\x00\x02",
    b"\x00\x00\x00\x20ftypM4A ",
    b"\xff\xf1",
    b"MZ\x90\x00",
    b"\x7fELF",
    b"PK\x03\x04",
    b"GIF89a",
    b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
]
ENDINGS = sorted({ending for file_type in TYPES.values() for ending in file_type.extensions}) + [
    "exe",
    "html",
    "svg",
    "",
]

uploads = st.tuples(
    st.sampled_from(SIGNATURES),
    st.sampled_from(["keep", "cut", "flip"]),
    st.binary(max_size=2048),
    st.one_of(st.sampled_from(NASTY_STRINGS), st.text(max_size=60)),
    st.sampled_from(ENDINGS),
)


def _bytes(signature: bytes, how: str, tail: bytes) -> bytes:
    if how == "cut":
        return signature[: max(1, len(signature) // 2)] + tail
    if how == "flip" and len(signature) > 40:
        middle = len(signature) // 2
        return (
            signature[:middle]
            + bytes(b ^ 0xFF for b in signature[middle : middle + 16])
            + signature[middle + 16 :]
        )
    return signature + tail


@fuzz_settings(150)
@given(upload=uploads)
def test_inspection_keeps_an_accepted_type_or_refuses_beside_the_field(upload):
    signature, how, tail, stem, ending = upload
    data = _bytes(signature, how, tail)
    name = f"{stem}.{ending}" if ending else stem
    try:
        kept = evidence_file_inspect(name=name, data=data)
    except ValidationError as exc:
        assert set(exc.message_dict) == {"file"} and exc.message_dict["file"][0].startswith("The selected")
        return
    assert kept.content_type in EVIDENCE_CONTENT_TYPES
    assert kept.name and "/" not in kept.name and "\\" not in kept.name and len(kept.name) <= 100
    if kept.kind == "photo":
        photo = Image.open(io.BytesIO(kept.data))
        photo.load()
        assert not dict(photo.getexif())


@pytest.fixture
def case(make_user, organisation):
    handler = make_user("incident_handler", organisation=organisation, email="fuzz.handler@example.org")
    return IncidentReportFactory(organisation=organisation), handler


@fuzz_settings(25)
@given(upload=uploads)
def test_the_upload_page_never_fails_and_writes_nothing_it_refuses(client, login, case, upload):
    named_report, handler = case
    login(handler)
    signature, how, tail, stem, ending = upload
    name = (f"{stem}.{ending}" if ending else stem).replace("\x00", "") or "file"
    before = (Evidence.objects.count(), EvidenceContent.objects.count())
    response = client.post(
        reverse("incidents:evidence_upload", args=[named_report.pk]),
        {"file": SimpleUploadedFile(name, _bytes(signature, how, tail), content_type="image/jpeg")},
    )
    assert response.status_code in (302, 400)
    after = (Evidence.objects.count(), EvidenceContent.objects.count())
    if response.status_code == 400:
        assert after == before
    else:
        assert after == (before[0] + 1, before[1] + 1)
