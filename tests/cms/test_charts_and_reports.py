"""Charts and PDFs for every report (cms/charts.py, cms/reports.py): labels wrap instead of being cut, every chart
carries its text alternative, every PDF is tagged (PDF/UA-1) with its language and title, and figures are
formatted with thousands separators."""

import io
import re

import pytest
from django.template import Context, Template
from django.template.loader import get_template
from pypdf import PdfReader

from cms import reports
from cms.charts import CHAR_WIDTH, bar_chart, flow_chart, stacked_bar_chart, wrap_label
from cms.disclosure import NOT_SHOWN, SUPPRESSED, format_figure
from covenant.consultation import reports as consultation_reports
from covenant.incidents import reports as incident_reports
from covenant.signatories import reports as signatory_reports
from workforce import reports as workforce_reports

# Every app's reports module, imported so that its Report subclasses exist.
APP_REPORTS = (consultation_reports, incident_reports, signatory_reports, workforce_reports)

LONG = "Sexual (unwanted behaviour of a sexual nature or sexual assault)"


def _spans(svg: str) -> list[str]:
    return re.findall(r"<tspan [^>]*>([^<]*)</tspan>", svg)


def test_wrap_label_keeps_every_word_and_fits_the_width():
    lines = wrap_label(LONG, 208)
    assert " ".join(lines) == LONG
    assert len(lines) > 1
    assert all(len(line) * CHAR_WIDTH <= 208 for line in lines)


@pytest.mark.parametrize(
    "svg",
    [
        bar_chart([(LONG, 34), ("Verbal abuse", 1200)], title="Reports by category"),
        stacked_bar_chart([LONG, "Short"], {"Agree": [3, 4], "Disagree": [1, 2]}, title="Answers"),
        flow_chart([(LONG, "Social care", 5), ("NHS", "Social care", 7)], title="Moves"),
    ],
)
def test_long_labels_are_drawn_whole_on_several_lines(svg):
    spans = _spans(svg)
    assert LONG in " ".join(spans) or f"{LONG} (5)" in " ".join(spans)
    assert not any(LONG[:40] == span for span in spans)  # no longer cut at 40 characters
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg


def test_rows_grow_with_their_labels_so_lines_never_overlap():
    short = bar_chart([("A", 1), ("B", 2)], title="t")
    wrapped = bar_chart([(LONG, 1), ("B", 2)], title="t")
    height = lambda svg: int(re.search(r'height="(\d+)" role', svg).group(1))  # noqa: E731
    assert height(wrapped) > height(short)


def test_chart_values_have_thousands_separators():
    assert ">1,200<" in bar_chart([("Verbal abuse", 1200)], title="t")


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1234, "1,234"), (12345678, "12,345,678"), (7, "7"), (1234.5, "1,234.5"), (12.0, "12"), ("45%", "45%")],
)
def test_format_figure(value, shown):
    assert format_figure(value) == shown


def test_markers_stay_markers_in_the_figure_filter():
    html = Template("{% load disclosure %}{{ a|figure }}|{{ b|figure }}|{{ c|figure }}").render(
        Context({"a": SUPPRESSED, "b": NOT_SHOWN, "c": 2500})
    )
    assert html == "[c]|not shown: too few to publish safely|2,500"


class ChartReport(reports.Report):
    """The smallest report: the shared print layout with one chart."""

    template_name = "pdf/base.html"
    title = "Chart test report"


def test_every_report_pdf_is_tagged_with_language_and_title():
    data = ChartReport().render_pdf()
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] in (True, "true")
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == "Chart test report"
    assert reports.PDF_VARIANT == "pdf/ua-1"


def test_every_report_uses_the_tagged_print_layout():
    """Every PDF the product makes is a `cms.reports.Report` whose template extends pdf/base.html, which sets the
    language and title the tagged PDF takes, so none escapes `render_pdf`'s PDF/UA variant."""
    assert all(module.Report is reports.Report for module in APP_REPORTS)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    found = {sub for sub in subclasses(reports.Report) if sub.__module__ != __name__}
    assert len(found) >= 7
    for report_class in found:
        source = get_template(report_class.template_name).template.source
        assert source.lstrip().startswith('{% extends "pdf/base.html" %}'), report_class
