import django_tables2 as tables
from django.utils import dateformat, timezone

from cms.times import SHORT_DATE_FORMAT, datetime_nhs, hour_nhs

from .models import AuditEvent


class AuditEventTable(tables.Table):
    # Lines with the same time (an hour's anonymous lines all carry its start) keep a stable order by id.
    at = tables.DateTimeColumn(verbose_name="When", order_by=("at", "id"))
    actor_label = tables.Column(verbose_name="Who")
    action = tables.Column(verbose_name="Action")
    object_type = tables.Column(verbose_name="Record type")
    object_id = tables.Column(verbose_name="Record")
    summary = tables.Column(verbose_name="Summary", orderable=False)
    ip_address = tables.Column(verbose_name="From address", orderable=False)

    class Meta:
        model = AuditEvent
        fields = ("at", "actor_label", "action", "object_type", "object_id", "summary", "ip_address")
        order_by = ("-at",)
        empty_text = "No audit events match these filters."

    # Lines about anonymous actions keep only their hour (cms/audit.py): say so rather than show ":00:00".
    def render_at(self, value, record):
        if record.hour_only:
            return _hour_range(value)
        return datetime_nhs(value, SHORT_DATE_FORMAT, seconds=True)

    def value_at(self, value, record):
        return _hour_range(value) if record.hour_only else value


def _hour_range(value) -> str:
    return f"{dateformat.format(timezone.localtime(value), SHORT_DATE_FORMAT)}, {hour_nhs(value)}"
