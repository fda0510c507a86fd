"""Tables and filters of the organisation screens: the organisations someone administers, and who holds what
at one organisation. Exports read plain values (`export_columns`)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html

from cms.accounts.roles import ORGANISATION_ROLE_CHOICES

from .models import Membership, Organisation, OrganisationType, Region

ROLE_LABELS = {key: str(label) for key, label in ORGANISATION_ROLE_CHOICES}
TYPE_LABELS = {key: str(label) for key, label in OrganisationType.choices}
REGION_LABELS = {key: str(label) for key, label in Region.choices}


class OrganisationTable(tables.Table):
    name = tables.Column(verbose_name="Organisation")
    ods_code = tables.Column(verbose_name="ODS code", default="")
    organisation_type = tables.Column(verbose_name="Type")
    icb = tables.Column(accessor="icb__name", verbose_name="Integrated care board", default="")
    member_count = tables.Column(verbose_name="People with a role", orderable=True)
    is_active = tables.Column(verbose_name="Status")

    class Meta:
        model = Organisation
        fields = ("name", "ods_code", "organisation_type", "icb", "member_count", "is_active")
        empty_text = "No organisations match these filters."

    export_columns = (
        ("Organisation", "name", None),
        ("ODS code", "ods_code", None),
        ("Type", "organisation_type", TYPE_LABELS),
        ("Region", "region", REGION_LABELS),
        ("Integrated care board", "icb__name", None),
        ("People with a role", "member_count", None),
        ("Status", "is_active", {True: "Active", False: "Deactivated"}),
    )

    def render_name(self, record, value):
        return format_html(
            '<a class="nhsuk-link" href="{}">{}</a>',
            reverse("workforce:organisation_detail", args=[record.pk]),
            value,
        )

    def render_is_active(self, value):
        return "Active" if value else "Deactivated"


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name or ODS code", method="search")
    organisation_type = django_filters.ChoiceFilter(
        label="Type", choices=OrganisationType.choices, empty_label="Any"
    )
    is_active = django_filters.ChoiceFilter(
        label="Status",
        choices=[("yes", "Active"), ("no", "Deactivated")],
        method="status",
        empty_label="Any",
    )

    class Meta:
        model = Organisation
        fields = ["q", "organisation_type", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(ods_code=value.upper())
        )

    def status(self, queryset, name, value):
        return queryset.filter(is_active=value == "yes")


class MembershipTable(tables.Table):
    person = tables.Column(
        accessor="user__last_name", verbose_name="Person", order_by=("user__last_name", "user__first_name")
    )
    email = tables.Column(accessor="user__email", verbose_name="E-mail address")
    role = tables.Column(verbose_name="Role")
    granted_at = tables.DateColumn(verbose_name="Since", format="j M Y")
    granted_by = tables.Column(accessor="granted_by__email", verbose_name="Granted by", default="")
    account = tables.Column(accessor="user__is_active", verbose_name="Account")

    class Meta:
        model = Membership
        fields = ("person", "email", "role", "granted_at", "granted_by", "account")
        empty_text = "Nobody holds a role that matches these filters."

    export_columns = (
        ("Person", ("user__first_name", "user__last_name"), None),
        ("E-mail address", "user__email", None),
        ("Role", "role", ROLE_LABELS),
        ("Since", "granted_at", None),
        ("Granted by", "granted_by__email", None),
        ("Account", "user__is_active", {True: "Active", False: "Deactivated"}),
    )

    def render_person(self, record):
        return format_html(
            '<a class="nhsuk-link" href="{}">{}</a>',
            reverse("workforce:member_detail", args=[record.organisation_id, record.user_id]),
            record.user.get_full_name() or record.user.email,
        )

    def render_account(self, value):
        return "Active" if value else "Deactivated"


class MembershipFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name or e-mail address", method="search")
    role = django_filters.ChoiceFilter(label="Role", choices=ORGANISATION_ROLE_CHOICES, empty_label="Any")

    class Meta:
        model = Membership
        fields = ["q", "role"]

    def search(self, queryset, name, value):
        query = Q()
        for word in value.split()[:5]:
            query &= (
                Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
                | Q(user__email__icontains=word)
            )
        return queryset.filter(query)
