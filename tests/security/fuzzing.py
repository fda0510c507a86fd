"""Finding the forms a page shows, and hypothesis strategies for hostile values to post into them."""

from __future__ import annotations

import os
import tempfile
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Server errors are also written here as they are found, so a long run reports them even if it is cut short.
FINDINGS = Path(os.environ.get("FUZZ_FINDINGS") or Path(tempfile.gettempdir()) / "fuzz_findings.txt")
# Fields the fuzzer never replaces: the CSRF token has its own test, and the client does not check it anyway.
SKIPPED_FIELDS = {"csrfmiddlewaretoken"}
# Forms whose action ends the session the fuzzer is using; nothing in them to fuzz.
SKIPPED_ACTIONS = ("/account/sign-out/",)


def fuzz_settings(max_examples: int):
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@dataclass
class FormSpec:
    action: str
    method: str = "post"
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> the values the page offers
    files: set[str] = field(default_factory=set)

    def merge(self, other: FormSpec) -> None:
        for name, values in other.fields.items():
            known = self.fields.setdefault(name, [])
            known.extend(value for value in values if value not in known)
        self.files |= other.files


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[FormSpec] = []
        self._form: FormSpec | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            action = urlsplit(urljoin(self.page_url, attrs.get("action") or self.page_url))
            # A GET form's submission replaces the query string; a POST form keeps its action's.
            action = action._replace(scheme="", netloc="", query="" if method == "get" else action.query)
            self._form = FormSpec(action=action.geturl(), method=method)
            return
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                self._form.files.add(name)
            elif kind not in {"submit", "button", "image", "reset"} or attrs.get("value"):
                self._form.fields.setdefault(name, [])
                if attrs.get("value") is not None and attrs["value"] not in self._form.fields[name]:
                    self._form.fields[name].append(attrs["value"])
        elif tag in {"button"} and name:
            self._form.fields.setdefault(name, [])
            if attrs.get("value") is not None:
                self._form.fields[name].append(attrs["value"])
        elif tag == "textarea" and name:
            self._form.fields.setdefault(name, [])
        elif tag == "select" and name:
            self._select = name
            self._form.fields.setdefault(name, [])
        elif tag == "option" and self._select and attrs.get("value"):
            self._form.fields[self._select].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def post_forms(html: str, page_url: str, *, method: str = "post") -> list[FormSpec]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return [
        form for form in parser.forms if form.method == method and not form.action.startswith(SKIPPED_ACTIONS)
    ]


def get_forms(html: str, page_url: str) -> list[FormSpec]:
    """The search and filter forms of a page (method GET), with the list pages' paging, sorting and export."""
    forms = post_forms(html, page_url, method="get")
    for form in forms:
        form.fields.setdefault("page", ["2"])
        form.fields.setdefault("sort", [])
        form.fields.setdefault("_export", ["csv", "xlsx"])
    return forms


# --- hostile values ------------------------------------------------------------------------------------------------
NASTY_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31mred\x1b[0m\x07\x08",
    "\r\n\r\n",
    "\u202eتقرير\u202c",  # right-to-left override and Arabic
    "שלום עולם",
    "😀🔥👩‍⚕️" * 30,
    "\ufeff\u200b\u2028\u2029",
    "A" * 100_000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '=HYPERLINK("http://evil.example")',
    "../../../../etc/passwd",
    "%00%ff",
    "{{ 7*7 }}{% debug %}",
    "null",
    "true",
    "[]",
]
NASTY_NUMBERS = [
    "-1",
    "0",
    "-0",
    "1e309",
    "NaN",
    "Infinity",
    "-Infinity",
    "0x10",
    "9" * 400,
    "-" + "9" * 40,
    "1.5",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "١٢٣",  # Arabic-Indic digits
]

text_values = st.one_of(
    st.sampled_from(NASTY_STRINGS),
    st.text(max_size=40),  # any code point except surrogates, control characters included
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp"]), max_size=10),
)
number_values = st.one_of(
    st.sampled_from(NASTY_NUMBERS),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
OMIT = object()


def upload_values(name: str):
    contents = st.one_of(
        st.binary(max_size=200),
        st.sampled_from(
            [
                b"",
                b"%PDF-1.4\n" + b"\x00" * 64,
                b"PK\x03\x04garbage",
                b"<html><script>alert(1)</script></html>",
                b"MZ\x90\x00\x03",  # a Windows executable's start
                b"ni_number,first_name\n=cmd|' /C calc'!A0,x\n",
            ]
        ),
    )
    names = st.sampled_from(
        ["report.pdf", "agreement.docx", "people.csv", "evil.exe", "a.pdf.exe", "", "../../x.pdf", "名前.odt"]
    )
    return st.builds(lambda content, filename: SimpleUploadedFile(filename or "x", content), contents, names)


def field_values(values: list[str], foreign_ids: list[int]):
    scalar = st.one_of(text_values, number_values, st.sampled_from([str(pk) for pk in foreign_ids] or ["1"]))
    if values:
        # Often a value the page offered, so that the other fields' validation (and the service) is reached.
        scalar = st.one_of(st.sampled_from(values), st.sampled_from(values), scalar)
    return st.one_of(scalar, st.lists(scalar, min_size=2, max_size=4), st.just(OMIT))


def plausible(name: str, values: list[str]) -> str:
    """A value a person might type, so that a mostly valid form reaches the service behind it."""
    offered = [value for value in values if value]
    if offered:
        return offered[0]
    for suffix, value in (
        ("_day", "3"),
        ("_month", "2"),
        ("_year", "2026"),
        ("email", "someone@example.org"),
        ("time", "14:30"),
        ("date", "2026-02-03"),
        ("share", "50"),
        ("fte", "1.0"),
        ("days", "1"),
    ):
        if name.lower().endswith(suffix) or suffix in name.lower():
            return value
    return "Plain words"


def form_data(form: FormSpec, foreign_ids: list[int]):
    """Either every field hostile, or a plausible form with a few fields made hostile (to get past validation)."""
    names = [name for name in form.fields if name not in SKIPPED_FIELDS]
    hostile = {name: field_values(form.fields[name], foreign_ids) for name in names}
    hostile.update({name: st.one_of(upload_values(name), st.just(OMIT)) for name in form.files})
    baseline = {name: plausible(name, form.fields[name]) for name in names}

    free = [name for name in names if not [value for value in form.fields[name] if value]]

    @st.composite
    def mostly_plausible(draw):
        data = dict(baseline)
        # Optional free-text fields are often left empty: try both, so more forms get past validation.
        for name in free:
            data[name] = draw(st.sampled_from([baseline[name], ""]))
        for name in form.files:
            data[name] = SimpleUploadedFile("plain.pdf", b"%PDF-1.4\n%%EOF\n")
        if hostile:
            for name in draw(st.sets(st.sampled_from(sorted(hostile)), min_size=1, max_size=3)):
                data[name] = draw(hostile[name])
        return data

    everything_hostile = st.fixed_dictionaries(hostile)
    return st.one_of(mostly_plausible(), everything_hostile).map(
        lambda data: {key: value for key, value in data.items() if value is not OMIT}
    )


def describe(data: dict) -> str:
    def short(value):
        if isinstance(value, SimpleUploadedFile):
            return f"<file {value.name!r} {value.size} bytes>"
        text = repr(value)
        return text if len(text) < 120 else text[:100] + f"...({len(text)} chars)"

    return "{" + ", ".join(f"{key!r}: {short(value)}" for key, value in data.items()) + "}"


def record_finding(*, url: str, principal: str, payload: str, error: str) -> None:
    """Append a server error to the findings file, so it is reported even if the run is cut short."""
    entry = f"URL: {url}\nRole: {principal}\nPayload: {payload}\n{error}\n{'-' * 78}\n"
    existing = FINDINGS.read_text() if FINDINGS.exists() else ""
    if f"URL: {url}\nRole: {principal}\n" not in existing:
        with FINDINGS.open("a") as out:
            out.write(entry)


def send(request, *args, **kwargs):
    """Call a test client method; return (status, traceback summary). An exception from a view counts as 500."""
    try:
        response = request(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - any exception from a view is a server error to report
        return 500, "".join(traceback.format_exception(exc)[-6:])
    return response.status_code, ""
