import pytest

from demo.factories.signatories import PledgeFactory
from demo.factories.workforce import OrganisationFactory


@pytest.fixture
def care_provider(db):
    return OrganisationFactory(
        name="Harbourside Care Homes Ltd", short_name="Harbourside Care", organisation_type="care_provider"
    )


@pytest.fixture
def hr_admin(make_user, care_provider):
    return make_user("hr_admin", organisation=care_provider, email="hr@harbourside.example")


@pytest.fixture
def editor(make_user):
    return make_user("editor", email="editor@icb.example")


@pytest.fixture
def bank(db):
    return [
        PledgeFactory(title="Support after violence", text="We will offer support within 72 hours."),
        PledgeFactory(title="Recognise the passport", text="We will accept passport checks."),
    ]
