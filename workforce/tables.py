"""Tables for the HR screens. Columns read only annotated or select_related data, so a page is a fixed few queries."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from .models import JointArrangement, Person, Post, SectorMove
from .vocabulary import (
    ArrangementStatus,
    DestinationSector,
    JobRole,
    LegalModel,
    MoveStatus,
    MoveType,
    PayFramework,
    PostKind,
    PostStatus,
    StaffGroup,
)

STAFF_GROUPS = dict(StaffGroup.choices)


def _labels(choices) -> dict:
    return {key: str(label) for key, label in choices}


# Exports read plain values (values_list) rather than rendering each cell through django-tables2, which is
# far too slow for a few hundred thousand rows. Each entry: (heading, field path or tuple of paths, labels).


class PersonTable(tables.Table):
    name = tables.Column(accessor="last_name", verbose_name="Name", order_by=("last_name", "first_name"))
    date_of_birth = tables.DateColumn(format="j M Y")
    current_post = tables.Column(verbose_name="Current post", default="None")
    current_organisation = tables.Column(verbose_name="Works at", default="")
    current_staff_group = tables.Column(verbose_name="Staff group", default="")

    class Meta:
        model = Person
        fields = ("name", "date_of_birth", "current_post", "current_organisation", "current_staff_group")
        empty_text = "No people match these filters."

    export_columns = (
        ("Name", ("first_name", "last_name"), None),
        ("Date of birth", "date_of_birth", None),
        ("Current post", "current_post", None),
        ("Works at", "current_organisation", None),
        ("Staff group", "current_staff_group", STAFF_GROUPS),
    )

    def render_name(self, record):
        return format_html(
            '<a class="nhsuk-link" href="{}">{}</a>',
            reverse("workforce:person_detail", args=[record.pk]),
            record,
        )

    def value_name(self, record):
        return record.full_name

    def render_current_staff_group(self, value):
        return STAFF_GROUPS.get(value, value)

    value_current_staff_group = render_current_staff_group


class PostTable(tables.Table):
    reference = tables.Column(verbose_name="Post number")
    title = tables.Column()
    organisation = tables.Column(accessor="organisation__name")

    class Meta:
        model = Post
        fields = (
            "reference",
            "title",
            "organisation",
            "staff_group",
            "job_role",
            "pay_framework",
            "pay_band",
            "fte",
            "status",
            "kind",
        )
        empty_text = "No posts match these filters."

    export_columns = (
        ("Post number", "reference", None),
        ("Title", "title", None),
        ("Organisation", "organisation__name", None),
        ("Staff group", "staff_group", STAFF_GROUPS),
        ("Job role", "job_role", _labels(JobRole.choices)),
        ("Pay framework", "pay_framework", _labels(PayFramework.choices)),
        ("Pay band", "pay_band", None),
        ("FTE", "fte", None),
        ("Status", "status", _labels(PostStatus.choices)),
        ("Kind", "kind", _labels(PostKind.choices)),
    )

    def render_title(self, record, value):
        return format_html(
            '<a class="nhsuk-link" href="{}">{}</a>',
            reverse("workforce:post_detail", args=[record.pk]),
            value,
        )

    def value_title(self, value):
        return value


class JointArrangementTable(tables.Table):
    title = tables.Column()
    employer = tables.Column(accessor="employer__name")
    place_of_work = tables.Column(accessor="place_of_work__name")
    funder = tables.Column(accessor="funder__name", verbose_name="Lead funder")

    class Meta:
        model = JointArrangement
        fields = (
            "title",
            "legal_model",
            "employer",
            "place_of_work",
            "funder",
            "status",
            "start_date",
            "review_date",
        )
        empty_text = "No joint arrangements match these filters."

    export_columns = (
        ("Title", "title", None),
        ("Legal model", "legal_model", _labels(LegalModel.choices)),
        ("Employer", "employer__name", None),
        ("Place of work", "place_of_work__name", None),
        ("Lead funder", "funder__name", None),
        ("Status", "status", _labels(ArrangementStatus.choices)),
        ("Start date", "start_date", None),
        ("Review date", "review_date", None),
    )

    def render_title(self, record, value):
        return format_html(
            '<a class="nhsuk-link" href="{}">{}</a>',
            reverse("workforce:arrangement_detail", args=[record.pk]),
            value,
        )

    def value_title(self, value):
        return value


class SectorMoveTable(tables.Table):
    effective_date = tables.DateColumn(format="j M Y", verbose_name="Date")
    person = tables.Column(accessor="person__last_name", order_by=("person__last_name", "person__first_name"))
    # The organisation, or the name of one that does not use the system (an arrival its receiver recorded).
    from_organisation = tables.Column(
        accessor="from_name", verbose_name="From", order_by=("from_name",), default=""
    )
    to_organisation = tables.Column(accessor="to_organisation__name", verbose_name="To", default="")
    days_offer_to_start = tables.Column(verbose_name="Days offer to start", default="")

    class Meta:
        model = SectorMove
        fields = (
            "effective_date",
            "person",
            "move_type",
            "from_organisation",
            "from_sector",
            "to_organisation",
            "to_sector",
            "staff_group",
            "status",
            "days_offer_to_start",
            "reason",
        )
        empty_text = "No moves match these filters."

    export_columns = (
        ("Date", "effective_date", None),
        ("Person", ("person__first_name", "person__last_name"), None),
        ("Move type", "move_type", _labels(MoveType.choices)),
        ("From", "from_name", None),
        ("From sector", "from_sector", _labels(DestinationSector.choices)),
        ("To", "to_organisation__name", None),
        ("To sector", "to_sector", _labels(DestinationSector.choices)),
        ("Staff group", "staff_group", STAFF_GROUPS),
        ("Status", "status", _labels(MoveStatus.choices)),
        ("Days offer to start", "days_offer_to_start", None),
        ("Reason", "reason", None),
    )

    def render_person(self, record):
        return format_html(
            '<a class="nhsuk-link" href="{}">{}</a>',
            reverse("workforce:move_detail", args=[record.pk]),
            record.person.full_name,
        )

    def value_person(self, record):
        return record.person.full_name
