import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from cms import pageshell
from demo.factories.cms import DEMO_PASSWORD, UserFactory
from demo.factories.workforce import MembershipFactory, OrganisationFactory


@pytest.fixture(autouse=True)
def _clean_cache():
    # Rate limits and sign-in throttling live in the cache; each test starts clean, and so do the pages kept in
    # this process for everyone (cms/pageshell.py).
    cache.clear()
    pageshell.PAGES.clear()
    yield
    cache.clear()
    pageshell.PAGES.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def password():
    return DEMO_PASSWORD


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Riverside University Hospitals NHS Foundation Trust", ods_code="RV9")


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(name="Wolds County Council", organisation_type="local_authority")


@pytest.fixture
def make_user(db):
    """make_user("hr_admin", organisation) -> a user holding those roles at that organisation."""

    def _make(*roles, organisation=None, **fields):
        user = UserFactory(**fields)
        for role in roles:
            MembershipFactory(user=user, organisation=organisation or OrganisationFactory(), role=role)
        return user

    return _make


@pytest.fixture
def login(client):
    """login(user) signs the test client in, marking two-factor as verified for roles that require it."""

    def _login(user, *, verified=True):
        client.force_login(user)
        if verified:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client

    return _login


@pytest.fixture
def an_hour_later(monkeypatch):
    """an_hour_later() moves the clock (`timezone.now`) on by an hour, e.g. to let held anonymous audit lines go."""

    def _move():
        real_now = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(hours=1))

    return _move
