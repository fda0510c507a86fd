import pytest

from demo.factories.consultation import consultation_page, hub_page


@pytest.fixture(autouse=True)
def _consultation_settings(settings):
    # The minimum-time check has its own tests; elsewhere a test client answers instantly.
    settings.CONSULTATION_MIN_SECONDS = 0
    settings.CONSULTATION_SUBMIT_RATE = "1000/h"


@pytest.fixture
def hub(db):
    return hub_page()


@pytest.fixture
def consultation(hub):
    return consultation_page(slug="nhs-covenant")


@pytest.fixture
def closed_consultation(hub):
    return consultation_page(title="Closed consultation", slug="closed-one", status="closed")


@pytest.fixture
def concluded_consultation(hub):
    return consultation_page(title="Concluded consultation", slug="concluded-one", status="concluded")


@pytest.fixture
def moderator(make_user, organisation):
    return make_user("consultation_moderator", organisation=organisation)


@pytest.fixture
def analyst(make_user, organisation):
    return make_user("analyst", organisation=organisation)
