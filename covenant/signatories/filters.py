import django_filters
from django.db.models import Q
from django.utils import timezone

from workforce.models import OrganisationType, Region, Sector

from .models import CovenantSignature, Tier


class SignatoryFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(
        field_name="organisation__name", lookup_expr="icontains", label="Organisation name"
    )
    organisation_type = django_filters.ChoiceFilter(
        field_name="organisation__organisation_type",
        choices=OrganisationType.choices,
        label="Type",
        empty_label="Any type",
    )
    sector = django_filters.ChoiceFilter(
        field_name="organisation__sector", choices=Sector.choices, label="Sector", empty_label="Any sector"
    )
    region = django_filters.ChoiceFilter(
        field_name="organisation__region", choices=Region.choices, label="Region", empty_label="Any region"
    )
    tier = django_filters.ChoiceFilter(
        choices=Tier.choices, method="filter_tier", label="Recognition", empty_label="Any or none"
    )

    class Meta:
        model = CovenantSignature
        fields = ["name", "organisation_type", "sector", "region", "tier"]

    def filter_tier(self, queryset, name, value):
        today = timezone.localdate()
        current = Q(
            organisation__covenant_awards__tier=value,
            organisation__covenant_awards__awarded_on__lte=today,
            organisation__covenant_awards__expires_on__gt=today,
        )
        return queryset.filter(current).distinct()
