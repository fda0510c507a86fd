import factory

from workforce.models import Membership, Organisation, OrganisationType, Region
from workforce.services import membership_grant

from ..cms.factories import UserFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Riverside Organisation {n}")
    organisation_type = OrganisationType.NHS_TRUST
    sector = factory.LazyAttribute(lambda o: OrganisationType.sector_for(o.organisation_type))
    region = Region.NORTH_EAST_YORKSHIRE


class MembershipFactory(factory.django.DjangoModelFactory):
    """Goes through the service so that the user also joins the role's group."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "incident_reporter"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return membership_grant(**kwargs)
