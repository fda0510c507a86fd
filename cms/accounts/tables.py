import datetime

import django_tables2 as tables
from django.utils import timezone
from django.utils.dateformat import format as date_format

from .models import AuditEvent

WHEN_FORMAT = "j M Y H:i:s"


class AuditEventTable(tables.Table):
    # Lines with the same time (an hour's anonymous lines all carry its start) keep a stable order by id.
    at = tables.DateTimeColumn(verbose_name="When", format=WHEN_FORMAT, order_by=("at", "id"))
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
        return date_format(timezone.localtime(value), WHEN_FORMAT)

    def value_at(self, value, record):
        return _hour_range(value) if record.hour_only else value


def _hour_range(value) -> str:
    start = timezone.localtime(value)
    return f"{date_format(start, 'j M Y H:i')}–{date_format(start + datetime.timedelta(hours=1), 'H:i')}"
