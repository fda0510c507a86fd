import datetime
from decimal import Decimal

import factory

from cms.accounts.roles import ROLES_BY_KEY
from cms.accounts.services import platform_admin_grant
from demo.factories.cms import UserFactory
from workforce.matching import person_match_key
from workforce.models import (
    AcceptanceRule,
    Assignment,
    Employment,
    Membership,
    Organisation,
    OrganisationType,
    PassportCredential,
    Person,
    Post,
    Region,
)
from workforce.services import membership_grant
from workforce.vocabulary import (
    JOB_ROLE_STAFF_GROUP,
    CredentialKind,
    JobRole,
    PayFramework,
    PostStatus,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Riverside Organisation {n}")
    organisation_type = OrganisationType.NHS_TRUST
    sector = factory.LazyAttribute(lambda o: OrganisationType.sector_for(o.organisation_type))
    region = Region.NORTH_EAST_YORKSHIRE


class MembershipFactory(factory.django.DjangoModelFactory):
    """Goes through the service so that the user also joins the role's group. A platform-wide role is held
    through its group alone (no membership): the factory gives it and returns None."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "incident_reporter"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if ROLES_BY_KEY[kwargs["role"]].platform_wide:
            platform_admin_grant(user=kwargs["user"])
            return None
        return membership_grant(**kwargs)


# --- people, posts and the passport -----------------------------------------------------------------------------


def synthetic_ni_number(n: int) -> str:
    """QQ is never issued by HMRC (it is the prefix used in its own examples), so these match nobody real."""
    return f"QQ{n % 1_000_000:06d}{'ABCD'[n % 4]}"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        exclude = ("ni_number",)

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=19, maximum_age=66)
    ni_number = factory.Sequence(synthetic_ni_number)
    match_key = factory.LazyAttribute(
        lambda o: person_match_key(ni_number=o.ni_number, date_of_birth=o.date_of_birth, surname=o.last_name)
    )


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employment

    person = factory.SubFactory(PersonFactory)
    employer = factory.SubFactory(OrganisationFactory)
    staff_number = factory.Sequence(lambda n: f"S{n:07d}")
    start_date = datetime.date(2020, 4, 1)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    organisation = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"P{n:06d}")
    job_role = JobRole.STAFF_NURSE
    title = factory.LazyAttribute(lambda o: JobRole(o.job_role).label)
    staff_group = factory.LazyAttribute(lambda o: JOB_ROLE_STAFF_GROUP[o.job_role])
    pay_framework = PayFramework.AFC
    pay_band = "5"
    fte = Decimal("1.00")
    status = PostStatus.FILLED


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An open substantive assignment; pass `employment` and `post`, or let them be made at one organisation."""

    class Meta:
        model = Assignment

    employment = factory.SubFactory(EmploymentFactory)
    person = factory.SelfAttribute("employment.person")
    post = factory.SubFactory(PostFactory, organisation=factory.SelfAttribute("..employment.employer"))
    work_organisation = factory.SelfAttribute("post.organisation")
    start_date = factory.SelfAttribute("employment.start_date")


class PassportCredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PassportCredential

    person = factory.SubFactory(PersonFactory)
    kind = CredentialKind.IDENTITY
    issued_by = factory.SubFactory(OrganisationFactory)
    issued_on = datetime.date(2025, 1, 10)
    evidence_seen = "Original document"
    evidence_checked_on = factory.SelfAttribute("issued_on")
    # Verified, as a credential is once a second person has checked it; pass verified_at=None for one waiting.
    verified_at = factory.LazyAttribute(
        lambda o: datetime.datetime.combine(o.issued_on, datetime.time(12), tzinfo=datetime.UTC)
    )


class AcceptanceRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcceptanceRule

    organisation = factory.SubFactory(OrganisationFactory)
    kind = CredentialKind.IDENTITY
