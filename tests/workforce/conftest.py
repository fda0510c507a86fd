import datetime
from decimal import Decimal

import pytest

from demo.factories.workforce import (
    AcceptanceRuleFactory,
    AssignmentFactory,
    EmploymentFactory,
    OrganisationFactory,
    PassportCredentialFactory,
    PersonFactory,
    PostFactory,
)
from workforce.vocabulary import CredentialKind, DBSLevel, JobRole, PayFramework


@pytest.fixture
def trust(organisation):
    return organisation


@pytest.fixture
def council(other_organisation):
    return other_organisation


@pytest.fixture
def care_provider(db):
    return OrganisationFactory(name="Harbourside Care Homes Ltd", organisation_type="care_provider")


@pytest.fixture
def hr_trust(make_user, trust):
    return make_user("hr_admin", organisation=trust, email="hr@trust.example")


@pytest.fixture
def hr_council(make_user, council):
    return make_user("hr_admin", organisation=council, email="hr@council.example")


@pytest.fixture
def hr_care(make_user, care_provider):
    return make_user("hr_admin", organisation=care_provider, email="hr@care.example")


@pytest.fixture
def analyst(make_user):
    return make_user("analyst", email="analyst@icb.example")


@pytest.fixture
def trust_post(trust):
    return PostFactory(
        organisation=trust, reference="T-HCA-1", job_role=JobRole.HEALTHCARE_ASSISTANT, pay_band="3"
    )


@pytest.fixture
def joint_post(trust):
    return PostFactory(
        organisation=trust,
        reference="T-ICM-1",
        title="Integrated discharge lead",
        job_role=JobRole.INTEGRATED_CARE_MANAGER,
        pay_band="8a",
        status="funded",
    )


@pytest.fixture
def care_worker(care_provider):
    """A care worker in post at the care provider, with DBS, training and ID on their passport."""
    person = PersonFactory(first_name="Jo", last_name="Pennant", ni_number="QQ123456C")
    employment = EmploymentFactory(
        person=person, employer=care_provider, start_date=datetime.date(2021, 5, 1)
    )
    post = PostFactory(
        organisation=care_provider,
        reference="H-CW-7",
        job_role=JobRole.CARE_WORKER,
        pay_framework=PayFramework.LOCAL,
        pay_band="",
    )
    AssignmentFactory(employment=employment, post=post, fte=Decimal("1.00"))
    PassportCredentialFactory(
        person=person,
        kind=CredentialKind.DBS,
        dbs_level=DBSLevel.ENHANCED_BARRED,
        dbs_update_service=True,
        issued_by=care_provider,
        issued_on=datetime.date(2024, 2, 1),
    )
    PassportCredentialFactory(
        person=person,
        kind=CredentialKind.TRAINING,
        subject="Safeguarding adults level 2",
        issued_by=care_provider,
        issued_on=datetime.date(2025, 3, 1),
        expires_on=datetime.date(2028, 3, 1),
    )
    PassportCredentialFactory(person=person, kind=CredentialKind.IDENTITY, issued_by=care_provider)
    return person


@pytest.fixture
def trust_rules(trust):
    """The trust reuses an enhanced DBS on the update service and safeguarding training; it repeats OH checks."""
    return [
        AcceptanceRuleFactory(
            organisation=trust,
            kind=CredentialKind.DBS,
            minimum_dbs_level=DBSLevel.ENHANCED,
            requires_update_service=True,
        ),
        AcceptanceRuleFactory(
            organisation=trust, kind=CredentialKind.TRAINING, subject="Safeguarding adults"
        ),
        AcceptanceRuleFactory(organisation=trust, kind=CredentialKind.OCCUPATIONAL_HEALTH),
    ]
