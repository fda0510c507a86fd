import django_filters

from cms.forms import NHSUKDateField

from .models import AuditEvent


class NHSUKDateFilter(django_filters.DateFilter):
    field_class = NHSUKDateField


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(field_name="actor_label", lookup_expr="icontains", label="Who (e-mail)")
    action = django_filters.CharFilter(lookup_expr="istartswith", label="Action starts with")
    object_type = django_filters.CharFilter(lookup_expr="iexact", label="Record type")
    object_id = django_filters.CharFilter(lookup_expr="exact", label="Record ID")
    since = NHSUKDateFilter(field_name="at", lookup_expr="date__gte", label="From date")
    until = NHSUKDateFilter(field_name="at", lookup_expr="date__lte", label="To date")

    class Meta:
        model = AuditEvent
        fields = []
