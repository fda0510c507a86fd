"""What an evidence file is, read from its bytes, and the copy of it that is kept (docs/incidents.md, "Evidence").

The type comes from the content (the `filetype` package's signatures; Pillow must also decode a photo), never from
the name or the content type the browser sent; a name whose ending says another type is refused, so that a file
is never kept as something it does not claim to be. Photos are re-encoded from their pixels, upright, so that
nothing of the original file's metadata survives: no location, no camera or phone, no comments. A PDF loses its
document information (author, creator, producer, dates) and its XMP metadata; one pypdf cannot read is kept as it
was sent. Text and audio are kept as they were sent, and the upload page says recordings keep their own details.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import filetype
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.utils.text import get_valid_filename
from PIL import Image, ImageOps
from pillow_heif import register_heif_opener
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import NameObject

from .models.evidence import Evidence

Kind = Evidence.Kind

# Pillow opens HEIC photos (iPhones' own format) once this has run; they are kept as JPEG.
register_heif_opener()

# A photo this many pixels or more is refused before it is decoded (a small file can unpack to gigabytes).
MAX_PIXELS = 60_000_000
JPEG_QUALITY = 90


@dataclass(frozen=True)
class FileType:
    kind: str
    label: str
    extensions: tuple[str, ...]
    # What the kept copy is: a HEIC photo is kept as a JPEG.
    stored_content_type: str
    stored_extension: str


# Keyed by the MIME type `filetype` reads from the content ("text/plain": valid UTF-8 text with no control codes).
TYPES: dict[str, FileType] = {
    "image/jpeg": FileType(Kind.PHOTO, "JPG photo", ("jpg", "jpeg", "jpe"), "image/jpeg", "jpg"),
    "image/png": FileType(Kind.PHOTO, "PNG image", ("png",), "image/png", "png"),
    "image/heic": FileType(Kind.PHOTO, "HEIC photo", ("heic", "heif"), "image/jpeg", "jpg"),
    "application/pdf": FileType(Kind.DOCUMENT, "PDF", ("pdf",), "application/pdf", "pdf"),
    "text/plain": FileType(Kind.DOCUMENT, "text file", ("txt", "text"), "text/plain", "txt"),
    "audio/mpeg": FileType(Kind.AUDIO, "MP3 recording", ("mp3",), "audio/mpeg", "mp3"),
    "audio/mp4": FileType(Kind.AUDIO, "M4A recording", ("m4a", "mp4"), "audio/mp4", "m4a"),
    "audio/aac": FileType(Kind.AUDIO, "AAC recording", ("aac",), "audio/aac", "aac"),
    "audio/x-wav": FileType(Kind.AUDIO, "WAV recording", ("wav",), "audio/wav", "wav"),
    "audio/ogg": FileType(Kind.AUDIO, "OGG recording", ("ogg", "oga", "opus"), "audio/ogg", "ogg"),
}
ACCEPTED = "a JPG, PNG or HEIC photo, a PDF or text document, or an MP3, M4A, AAC, WAV or OGG recording"
WRONG_TYPE = f"The selected file must be {ACCEPTED}"
CONTROL_CODES = {chr(c) for c in range(32)} - {"\t", "\n", "\r", "\f"} | {"\x7f"}


@dataclass(frozen=True)
class KeptFile:
    """The copy of an upload that is kept: its kind, type, a safe name and its (cleaned) bytes."""

    kind: str
    content_type: str
    name: str
    data: bytes


def size_label(size: int) -> str:
    """A size as people read it: "10MB", "1.5MB", "100KB"."""
    if size >= 1024 * 1024:
        return f"{round(size / (1024 * 1024), 1):g}MB"
    return f"{max(1, round(size / 1024))}KB"


def _refuse(message: str):
    return ValidationError({"file": message})


def _looks_like_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not CONTROL_CODES.intersection(text)


def file_type_of(data: bytes) -> FileType:
    """The type of these bytes among the accepted ones, or a ValidationError saying what is accepted."""
    guess = filetype.guess(data)
    if guess is None:
        if _looks_like_text(data):
            return TYPES["text/plain"]
        raise _refuse(WRONG_TYPE)
    if guess.mime not in TYPES:
        raise _refuse(WRONG_TYPE)
    return TYPES[guess.mime]


def _name_ending(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[1].lower() if "." in base.strip(".") else ""


def _stored_name(name: str, file_type: FileType) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.strip(".") else base
    try:
        stem = get_valid_filename(stem)[:80]
    except SuspiciousFileOperation:
        stem = "evidence"
    return f"{stem or 'evidence'}.{file_type.stored_extension}"


def _clean_photo(data: bytes, file_type: FileType) -> bytes:
    """The photo's pixels, turned upright, in a new file: no EXIF (location, device), no XMP, no comments."""
    unreadable = _refuse(f"The selected file could not be opened as a {file_type.label}: it may be damaged")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height >= MAX_PIXELS:
                raise _refuse("The selected photo is too large: it must be smaller than 60 megapixels")
            image.load()
            upright = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise unreadable from exc
    keeps_alpha = file_type.stored_content_type == "image/png" and "A" in upright.getbands()
    pixels = upright.convert("RGBA" if keeps_alpha else "RGB")
    # A new image from the pixels alone carries none of the original's metadata (`info`, EXIF, XMP, comments).
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if file_type.stored_content_type == "image/png":
        clean.save(out, format="PNG", optimize=True)
    else:
        clean.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def _clean_pdf(data: bytes) -> bytes:
    """The PDF without its document information or XMP metadata (who wrote it, with what, when). A PDF that
    carries neither is kept byte for byte; one pypdf cannot read is kept as sent."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        root = reader.trailer["/Root"]
        if "/Info" not in reader.trailer and "/Metadata" not in root:
            return data
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        writer.root_object.pop(NameObject("/Metadata"), None)
        # The cloned objects that held them would otherwise still be written, just unreferenced.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        return data
    return out.getvalue()


def evidence_file_inspect(*, name: str, data: bytes) -> KeptFile:
    """Check an upload by its content and make the copy that is kept; a ValidationError on `file` otherwise."""
    if not data:
        raise _refuse("The selected file is empty")
    file_type = file_type_of(data)
    ending = _name_ending(name)
    if ending and ending not in file_type.extensions:
        raise _refuse(
            f"The selected file is a {file_type.label} but its name ends .{ending}: choose the file again, "
            f"or rename it to end .{file_type.extensions[0]}"
        )
    if file_type.kind == Kind.PHOTO:
        data = _clean_photo(data, file_type)
    elif file_type.stored_content_type == "application/pdf":
        data = _clean_pdf(data)
    return KeptFile(
        kind=file_type.kind,
        content_type=file_type.stored_content_type,
        name=_stored_name(name, file_type),
        data=data,
    )
