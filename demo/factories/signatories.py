import datetime
from decimal import Decimal

import factory

from covenant.signatories.models import (
    CovenantSignature,
    Pledge,
    PledgeProgress,
    RecognitionAward,
    SignaturePledge,
    SignatureStatus,
    Tier,
)
from demo.factories.cms import UserFactory
from demo.factories.workforce import OrganisationFactory


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge
        django_get_or_create = ("title",)

    title = factory.Sequence(lambda n: f"Example pledge {n}")
    text = factory.LazyAttribute(lambda o: f"We will {o.title.lower()}.")
    suggested_indicator = "Percentage of staff"


class CovenantSignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CovenantSignature

    organisation = factory.SubFactory(OrganisationFactory)
    signatory_name = "Alex Example"
    signatory_role = "Chief executive"
    signed_on = datetime.date(2025, 5, 1)
    status = SignatureStatus.APPROVED
    requested_by = factory.SubFactory(UserFactory)
    decided_by = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status != SignatureStatus.REQUESTED),
        factory.SubFactory(UserFactory),
        None,
    )


class SignaturePledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SignaturePledge

    signature = factory.SubFactory(CovenantSignatureFactory)
    bank_pledge = None
    own_text = factory.Sequence(lambda n: f"We will do good thing number {n}.")
    indicator = "Percentage of staff offered support within 72 hours"
    target = Decimal("90")
    unit = "%"


class PledgeProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PledgeProgress

    pledge = factory.SubFactory(SignaturePledgeFactory)
    financial_year = 2025
    value = Decimal("75")
    recorded_by = factory.SubFactory(UserFactory)


class RecognitionAwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecognitionAward

    organisation = factory.SubFactory(OrganisationFactory)
    tier = Tier.BRONZE
    evidence = "Signed and told staff"
    awarded_on = datetime.date(2025, 6, 1)
    expires_on = factory.LazyAttribute(lambda o: o.awarded_on.replace(year=o.awarded_on.year + 5))
    awarded_by = factory.SubFactory(UserFactory)
