"""The handlers' case list. No narrative and no reporter identity in the table or its exports."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from cms.tables import TimeColumn

from .models import Category, IncidentReport, ReportingMode, Setting, Source, Status


def _reference(pk):
    return f"VA-{pk:06d}"


class CaseTable(tables.Table):
    reference = tables.Column(verbose_name="Reference", accessor="pk", order_by=("pk",))
    reported_at = TimeColumn(verbose_name="Reported")
    organisation = tables.Column(verbose_name="Organisation", accessor="organisation__name")
    category = tables.Column(verbose_name="Category")
    setting = tables.Column(verbose_name="Setting")
    source = tables.Column(verbose_name="Source")
    mode = tables.Column(verbose_name="Mode")
    status = tables.Column(verbose_name="Status")
    investigator = tables.Column(
        verbose_name="Investigator", accessor="investigator", orderable=False, default=""
    )
    acknowledge_by = TimeColumn(verbose_name="Acknowledge by")

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
            "acknowledge_by",
        )
        order_by = ("-reported_at",)
        empty_text = "No cases match these filters."

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
