import django_filters
from django import forms
from django.db.models import Q

from .models import JointArrangement, Organisation, Person, Post, Sector, SectorMove
from .vocabulary import ArrangementStatus, JobRole, LegalModel, MoveStatus, MoveType, PostStatus, StaffGroup


class _SearchFilter(django_filters.CharFilter):
    def __init__(self, *fields, **kwargs):
        self.search_fields = fields
        kwargs.setdefault("label", "Search")
        kwargs.setdefault("method", self.search)
        super().__init__(**kwargs)

    def search(self, queryset, name, value):
        query = Q()
        for word in value.split()[:5]:
            term = Q()
            for field in self.search_fields:
                term |= Q(**{f"{field}__icontains": word})
            query &= term
        return queryset.filter(query)


class PersonFilter(django_filters.FilterSet):
    # The people list's selector searches the names itself (`people_for_table(name_search=...)`), so that the
    # query can start from the matches; this filter keeps the box and its value on the form.
    q = django_filters.CharFilter(label="Name", method="searched_by_selector")
    staff_group = django_filters.ChoiceFilter(
        label="Current staff group", choices=StaffGroup.choices, field_name="current_staff_group"
    )

    class Meta:
        model = Person
        fields = ["q", "staff_group"]

    def searched_by_selector(self, queryset, name, value):
        return queryset


class PostFilter(django_filters.FilterSet):
    q = _SearchFilter("title", "reference", label="Title or post number")
    staff_group = django_filters.ChoiceFilter(choices=StaffGroup.choices)
    job_role = django_filters.ChoiceFilter(choices=JobRole.choices)
    status = django_filters.ChoiceFilter(choices=PostStatus.choices)

    class Meta:
        model = Post
        fields = ["q", "staff_group", "job_role", "status"]


class JointArrangementFilter(django_filters.FilterSet):
    q = _SearchFilter("title", label="Title")
    legal_model = django_filters.ChoiceFilter(choices=LegalModel.choices)
    status = django_filters.ChoiceFilter(choices=ArrangementStatus.choices)
    partner = django_filters.ModelChoiceFilter(
        label="Partner organisation", queryset=Organisation.objects.all(), field_name="partners__organisation"
    )
    review_before = django_filters.DateFilter(
        field_name="review_date",
        lookup_expr="lte",
        label="Review due by",
        help_text="For example, 2027-03-31",
        widget=forms.DateInput(attrs={"type": "text"}),
    )

    class Meta:
        model = JointArrangement
        fields = ["q", "legal_model", "status", "partner", "review_before"]


class SectorMoveFilter(django_filters.FilterSet):
    q = _SearchFilter("person__first_name", "person__last_name", label="Person's name")
    move_type = django_filters.ChoiceFilter(choices=MoveType.choices, label="Type of move")
    status = django_filters.ChoiceFilter(choices=MoveStatus.choices)
    from_sector = django_filters.ChoiceFilter(choices=Sector.choices)
    to_sector = django_filters.ChoiceFilter(choices=Sector.choices)
    effective_from = django_filters.DateFilter(
        field_name="effective_date", lookup_expr="gte", label="From date", help_text="For example, 2026-04-01"
    )
    effective_to = django_filters.DateFilter(
        field_name="effective_date", lookup_expr="lte", label="To date", help_text="For example, 2026-06-30"
    )

    class Meta:
        model = SectorMove
        fields = ["q", "move_type", "status", "from_sector", "to_sector", "effective_from", "effective_to"]
