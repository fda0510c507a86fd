"""The handlers' case list. No narrative and no reporter identity in the table or its exports.

Made to fit a 1,280 pixel screen without scrolling sideways (docs/incidents.md, "Screens that fit"): the
organisation is its short name (the full name on hover and to screen readers) and left out for a handler of one
organisation, and the deadlines are one "Next deadline" column.
"""

import datetime

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from cms.tables import TimeColumn
from cms.times import SHORT_DATE_FORMAT, date_nhs, datetime_nhs

from .models import Category, IncidentReport, ReportingMode, Setting, Source, Status


def _reference(pk):
    return f"VA-{pk:06d}"


class CaseTable(tables.Table):
    reference = tables.Column(verbose_name="Reference", accessor="pk", order_by=("pk",))
    reported_at = TimeColumn(verbose_name="Reported")
    organisation = tables.Column(
        verbose_name="Organisation", accessor="organisation", order_by=("organisation__name",)
    )
    category = tables.Column(verbose_name="Category")
    setting = tables.Column(verbose_name="Setting")
    source = tables.Column(verbose_name="Source")
    mode = tables.Column(verbose_name="Mode")
    status = tables.Column(verbose_name="Status")
    investigator = tables.Column(
        verbose_name="Investigator", accessor="investigator", orderable=False, default=""
    )
    next_deadline = tables.Column(
        verbose_name="Next deadline", accessor="pk", orderable=False, empty_values=()
    )

    class Meta:
        model = IncidentReport
        fields = ()
        sequence = (
            "reference",
            "reported_at",
            "organisation",
            "category",
            "setting",
            "source",
            "mode",
            "status",
            "investigator",
            "next_deadline",
        )
        order_by = ("-reported_at",)
        empty_text = "No cases match these filters."
        attrs = {"class": "app-table--compact"}

    # The export reads these straight from values_list (cms.tables); same columns as the page.
    export_columns = (
        ("Reference", "pk", _reference),
        ("Reported", "reported_at", None),
        ("Organisation", "organisation__name", None),
        ("Category", "category", dict(Category.choices)),
        ("Setting", "setting", dict(Setting.choices)),
        ("Source", "source", dict(Source.choices)),
        ("Mode", "mode", dict(ReportingMode.choices)),
        ("Status", "status", dict(Status.choices)),
        ("Investigator", ("investigator__first_name", "investigator__last_name"), None),
        ("Acknowledge by", "acknowledge_by", None),
    )

    def render_reference(self, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("incidents:case_detail", args=[record.pk]), record.reference
        )

    def value_reference(self, record):
        return record.reference

    def render_investigator(self, value):
        return value.get_full_name() or value.email if value else ""

    def value_investigator(self, value):
        return (value.get_full_name() or value.email) if value else ""

    def render_organisation(self, value):
        if value.short_name and value.short_name != value.name:
            return format_html('<abbr title="{}">{}</abbr>', value.name, value.short_name)
        return value.name

    def render_next_deadline(self, record):
        deadline = next_deadline(record)
        if deadline is None:
            return "None"
        label, when = deadline
        shown = (
            datetime_nhs(when, SHORT_DATE_FORMAT)
            if isinstance(when, datetime.datetime)
            else date_nhs(when, SHORT_DATE_FORMAT)
        )
        overdue = when < (timezone.now() if isinstance(when, datetime.datetime) else timezone.localdate())
        if overdue:
            return format_html("{} {} <strong>(overdue)</strong>", label, shown)
        return format_html("{} {}", label, shown)


def next_deadline(report) -> tuple[str, datetime.date | datetime.datetime] | None:
    """The earliest step still due on an open case: acknowledging it, an open action, a support check-in.

    Reads `next_action_due` and `next_check_in_due` from `selectors.cases.with_next_deadlines`."""
    if not report.is_open:
        return None
    due = []
    if report.acknowledged_at is None and report.status == Status.SUBMITTED:
        due.append((timezone.localdate(report.acknowledge_by), "Acknowledge by", report.acknowledge_by))
    if getattr(report, "next_action_due", None):
        due.append((report.next_action_due, "Action due", report.next_action_due))
    if getattr(report, "next_check_in_due", None):
        due.append((report.next_check_in_due, "Check-in due", report.next_check_in_due))
    if not due:
        return None
    _day, label, when = min(due, key=lambda item: item[0])
    return label, when
