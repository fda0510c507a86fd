import django_tables2 as tables

from .models import AuditEvent


class AuditEventTable(tables.Table):
    at = tables.DateTimeColumn(verbose_name="When", format="j M Y H:i:s")
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
