import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db

SIGN_IN = "/account/sign-in/"


def _sign_in(client, email, password):
    return client.post(SIGN_IN, {"username": email, "password": password})


def _current_token(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_sign_in_page_renders_nhsuk_form(client):
    response = client.get(SIGN_IN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="nhsuk-input' in html
    assert "Email address" in html
    assert "novalidate" in html


def test_sign_in_with_email_and_password(client, make_user, password, organisation):
    user = make_user("incident_reporter", organisation=organisation)
    response = _sign_in(client, user.email.upper(), password)
    assert response.status_code == 302
    assert response.url == reverse("accounts:dashboard")
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.sign_in", actor=user).exists()


def test_wrong_password_shows_error_and_is_audited_without_the_password(client, make_user):
    user = make_user()
    response = _sign_in(client, user.email, "not-the-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a correct email address and password" in html
    event = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert event.actor_label == user.email
    assert "not-the-password" not in str(event.detail) + event.summary


def test_sign_in_is_locked_after_five_failures(client, make_user, password):
    user = make_user()
    for _ in range(5):
        _sign_in(client, user.email, "wrong-password-123")
    response = _sign_in(client, user.email, password)
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()


def test_sign_out_needs_post_and_ends_the_session(client, make_user, login):
    user = make_user("incident_reporter")
    login(user)
    assert client.get("/account/sign-out/").status_code == 405
    response = client.post("/account/sign-out/")
    assert response.status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.sign_out", actor=user).exists()


def test_dashboard_requires_sign_in(client):
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)


def test_dashboard_lists_roles_and_organisations(client, make_user, login, organisation):
    user = make_user("hr_admin", "incident_reporter", organisation=organisation)
    login(user)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "HR administrator" in html
    assert "Incident reporter" in html
    assert organisation.name in html


def test_idle_session_times_out(client, make_user, login, settings):
    user = make_user("incident_reporter")
    login(user)
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    session = client.session
    session["last_seen"] = session["last_seen"] - settings.STAFF_SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)
    assert client.get(reverse("accounts:dashboard")).status_code == 302


@pytest.mark.parametrize("role", ["incident_handler", "identity_custodian"])
def test_roles_that_see_cases_must_set_up_two_factor(client, make_user, login, role):
    user = make_user(role)
    login(user, verified=False)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor_setup"))


@pytest.mark.parametrize("role", ["incident_reporter", "hr_admin", "analyst", "editor", "auditor"])
def test_two_factor_is_optional_for_other_roles(client, make_user, login, role):
    login(make_user(role), verified=False)
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_two_factor_set_up_with_a_valid_code(client, make_user, login):
    user = make_user("incident_handler")
    login(user, verified=False)
    page = client.get(reverse("accounts:two_factor_setup"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    # The secret being set up lives in this session only, never in the database.
    assert not TOTPDevice.objects.filter(user=user).exclude(name="test").exists()
    device = TOTPDevice(key=client.session["two_factor_pending_key"])

    wrong = client.post(reverse("accounts:two_factor_setup"), {"token": "12345x"})
    assert wrong.status_code == 200
    assert "The security code must be 6 digits" in wrong.content.decode()

    response = client.post(reverse("accounts:two_factor_setup"), {"token": _current_token(device)})
    # The recovery codes are shown once, on the answer to the confirming POST.
    assert response.status_code == 200
    assert "Save your recovery codes" in response.content.decode()
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert TOTPDevice.objects.get(user=user, confirmed=True).key == device.key
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.two_factor_enabled", actor=user).exists()


def test_sign_in_with_two_factor_asks_for_the_code(client, make_user, password):
    user = make_user("incident_handler")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    response = _sign_in(client, user.email, password)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor_verify"))
    # Until verified, every other staff page sends them back to the code.
    assert client.get(reverse("accounts:dashboard")).url.startswith(reverse("accounts:two_factor_verify"))
    good = client.post(
        reverse("accounts:two_factor_verify"), {"token": _current_token(device), "next": "/account/"}
    )
    assert good.status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_verify_refuses_open_redirect(client, make_user, login):
    user = make_user("incident_handler")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    login(user, verified=False)
    response = client.post(
        reverse("accounts:two_factor_verify"),
        {"token": _current_token(device), "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:dashboard")


def test_wrong_two_factor_code_is_refused_and_throttled(client, make_user, login):
    user = make_user("incident_handler")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    login(user, verified=False)
    bad = client.post(reverse("accounts:two_factor_verify"), {"token": "000000"})
    assert bad.status_code == 200
    assert "The security code is wrong or has expired" in bad.content.decode()
    # django-otp throttles after a failure: even the right code is refused straight away.
    again = client.post(reverse("accounts:two_factor_verify"), {"token": _current_token(device)})
    assert again.status_code == 200
    assert client.get(reverse("accounts:dashboard")).status_code == 302
