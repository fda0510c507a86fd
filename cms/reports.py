"""Documents that are both an accessible web page and a PDF, from one template.

A report declares `template_name` (in templates/pdf/ or the app's folder; it extends "pdf/base.html") and
`get_context()`. `render_html(request)` gives the web version; `render_pdf()` gives PDF bytes through
WeasyPrint, reading static files (CSS, images) from disk rather than over HTTP.

Every PDF is tagged for accessibility (PDF/UA-1, `PDF_VARIANT`): a structure tree of headings, lists, tables and
figures that screen readers follow, the document language from `<html lang>` and the title from `<title>`, shown
as the window title. A chart is an inline SVG figure whose `<title>` becomes its alternative text (cms/charts.py).
"""

from __future__ import annotations

import functools
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

REPORT_BASE_URL = "http://report.invalid/"
# Tagged PDF: WeasyPrint's PDF/UA-1 variant (structure tree, /MarkInfo, /Lang, the title as the window title).
PDF_VARIANT = "pdf/ua-1"


@functools.cache
def _static_file_fetcher_class():
    """The WeasyPrint URL fetcher for reports, built on first use: WeasyPrint (Pango, fonts; about a second and
    tens of MB) loads only in a process that makes a PDF, never with the modules that import this one."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFileFetcher(URLFetcher):
        """Serves /static/... URLs from disk so a PDF never makes an HTTP request, and refuses every other URL."""

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            path = unquote(parsed.path)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if url.startswith(REPORT_BASE_URL) and path.startswith(settings.STATIC_URL):
                relative = path[len(settings.STATIC_URL) :]
                found = finders.find(relative)
                if found is None and settings.STATIC_ROOT:
                    candidate = Path(settings.STATIC_ROOT) / relative
                    found = str(candidate) if candidate.exists() else None
                if found is None:
                    raise ValueError(f"Static file not found for PDF: {relative}")
                mime_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
                return URLFetcherResponse(url, Path(found).read_bytes(), {"Content-Type": mime_type})
            # Remote images or other hosts are refused: reports are built from local data only.
            raise ValueError(f"Refusing to fetch a non-static URL in a PDF: {url[:80]}")

    return StaticFileFetcher


class Report:
    """Subclass and set `template_name` and `title`; override `get_context()`."""

    template_name: str = ""
    title: str = ""
    # (label, url) pairs for the web version's NHS.UK breadcrumbs; the view that shows the report sets them.
    breadcrumbs: tuple[tuple[str, str], ...] | list[tuple[str, str]] = ()

    def get_context(self) -> dict[str, Any]:
        return {}

    def get_title(self) -> str:
        return self.title

    def filename(self) -> str:
        return f"{slugify(self.get_title()) or 'report'}-{timezone.localdate():%Y-%m-%d}.pdf"

    def _context(self, *, for_pdf: bool) -> dict[str, Any]:
        context = {"report": self, "report_title": self.get_title(), "generated_at": timezone.now()}
        context.update(self.get_context())
        context["for_pdf"] = for_pdf
        return context

    def render_html(self, request=None) -> str:
        return render_to_string(self.template_name, self._context(for_pdf=False), request=request)

    def render_pdf(self) -> bytes:
        from weasyprint import HTML  # only for PDFs (see _static_file_fetcher_class)

        html = render_to_string(self.template_name, self._context(for_pdf=True))
        fetcher = _static_file_fetcher_class()()
        document = HTML(string=html, base_url=REPORT_BASE_URL, url_fetcher=fetcher)
        return document.write_pdf(pdf_variant=PDF_VARIANT)


def pdf_response(report: Report, *, filename: str | None = None, inline: bool = False) -> HttpResponse:
    response = HttpResponse(report.render_pdf(), content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename or report.filename()}"'
    return response
