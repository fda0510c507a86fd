"""The handlers' case list. No narrative and no reporter identity in the table or its exports."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from .models import IncidentReport


class CaseTable(tables.Table):
    reference = tables.Column(verbose_name="Reference", accessor="pk", order_by=("pk",))
    reported_at = tables.DateTimeColumn(verbose_name="Reported", format="j M Y H:i")
    organisation = tables.Column(verbose_name="Organisation", accessor="organisation__name")
    category = tables.Column(verbose_name="Category")
    setting = tables.Column(verbose_name="Setting")
    source = tables.Column(verbose_name="Source")
    mode = tables.Column(verbose_name="Mode")
    status = tables.Column(verbose_name="Status")
    investigator = tables.Column(
        verbose_name="Investigator", accessor="investigator", orderable=False, default=""
    )
    acknowledge_by = tables.DateTimeColumn(verbose_name="Acknowledge by", format="j M Y H:i")

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
