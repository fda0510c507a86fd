"""Issue 12's sign-in findings, tried as an attacker would: password only, capitals, many addresses, floods.

Each test here failed on the code before the fix (two-factor re-enrolment with a password, lock-out dodged by
capitals, optional two-factor not enforced, unthrottled password reset) and passes after it.
"""

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db

SIGN_IN = "/account/sign-in/"
SET_UP = "/account/two-factor/set-up/"
VERIFY = "/account/two-factor/verify/"


def _sign_in(client, email, password, address="203.0.113.5"):
    return client.post(SIGN_IN, {"username": email, "password": password}, REMOTE_ADDR=address)


def _token(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _with_factor(user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=static, token="abcd2345")
    return device


# --- 1. two-factor re-enrolment with the password alone --------------------------------------------------


@pytest.mark.parametrize("role", ["incident_handler", "identity_custodian", "hr_admin"])
def test_a_password_alone_cannot_enrol_a_new_factor(client, make_user, password, organisation, role):
    user = make_user(role, organisation=organisation)
    device = _with_factor(user)
    assert _sign_in(client, user.email, password).url.startswith(VERIFY)

    page = client.get(SET_UP)
    assert page.status_code == 302
    assert page.url.startswith(VERIFY)
    # Posting a code for a secret the attacker made up changes nothing either.
    attempt = client.post(SET_UP, {"token": "123456"})
    assert attempt.status_code == 302
    assert attempt.url.startswith(VERIFY)
    assert list(TOTPDevice.objects.filter(user=user)) == [device]
    assert not client.session.get("otp_device_id")
    assert client.get("/incidents/cases/").url.startswith(VERIFY)
    assert not AuditEvent.objects.filter(action="auth.two_factor_enabled").exists()


def test_a_verified_session_may_replace_the_authenticator(client, make_user, password, organisation):
    user = make_user("incident_handler", organisation=organisation)
    old = _with_factor(user)
    _sign_in(client, user.email, password)
    client.post(VERIFY, {"token": _token(old)})
    assert client.get("/incidents/cases/").status_code == 200

    page = client.get(SET_UP)
    assert page.status_code == 200
    assert "Replace your authenticator app" in page.content.decode()
    new = TOTPDevice(key=client.session["two_factor_pending_key"])
    answer = client.post(SET_UP, {"token": _token(new)})
    assert answer.status_code == 200
    assert [device.key for device in TOTPDevice.objects.filter(user=user)] == [new.key]
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert not StaticToken.objects.filter(token="abcd2345").exists()
    assert AuditEvent.objects.filter(action="auth.two_factor_replaced", actor=user).exists()


def test_a_recovery_code_verifies_once_and_then_allows_a_new_app(client, make_user, password, organisation):
    user = make_user("incident_handler", organisation=organisation)
    _with_factor(user)
    _sign_in(client, user.email, password)
    wrong = client.post("/account/two-factor/recovery-code/", {"code": "zzzz9999"})
    assert wrong.status_code == 200
    assert "The recovery code is wrong or has already been used" in wrong.content.decode()
    # django-otp throttles after a failure; a fresh session tries again later.
    StaticDevice.objects.filter(user=user).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    good = client.post("/account/two-factor/recovery-code/", {"code": "ABCD 2345"})
    assert good.status_code == 302
    assert client.get("/incidents/cases/").status_code == 200
    assert client.get(SET_UP).status_code == 200
    assert AuditEvent.objects.filter(action="auth.recovery_code_used", actor=user).exists()

    client.post("/account/sign-out/")
    _sign_in(client, user.email, password)
    again = client.post("/account/two-factor/recovery-code/", {"code": "abcd2345"})
    assert again.status_code == 200  # used up
    assert client.get("/incidents/cases/").url.startswith(VERIFY)


# --- 2. lock-out per normalised account, and per address ------------------------------------------------


def test_the_lockout_counts_every_spelling_of_one_account(client, make_user, password):
    user = make_user("incident_reporter", email="nurse@riverside-hospitals.example")
    spellings = [
        "nurse@riverside-hospitals.example",
        "NURSE@riverside-hospitals.example",
        "Nurse@Riverside-Hospitals.example",
        "nurse@riverside-hospitals.example ",
        " NURSE@RIVERSIDE-HOSPITALS.EXAMPLE",
    ]
    for n, spelling in enumerate(spellings):
        _sign_in(client, spelling, "wrong-password-123", address=f"198.51.100.{n + 1}")
    for spelling in [*spellings, "ｎｕｒｓｅ@riverside-hospitals.example"]:
        response = _sign_in(client, spelling, password, address="192.0.2.77")
        assert response.status_code == 429, spelling
        assert "_auth_user_id" not in client.session
    assert user.email == "nurse@riverside-hospitals.example"


def test_sign_in_accepts_any_spelling_of_the_address(client, make_user, password):
    user = make_user("incident_reporter", email="care.worker@harbourside-care.example")
    response = _sign_in(client, "  CARE.WORKER@Harbourside-Care.example ", password)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_one_address_guessing_many_accounts_is_blocked(client, make_user, password, settings):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 6
    victims = [make_user("incident_reporter") for _ in range(3)]
    for victim in victims:
        for _ in range(2):
            _sign_in(client, victim.email, "wrong-password-123", address="203.0.113.66")
    blocked = _sign_in(client, victims[0].email, password, address="203.0.113.66")
    assert blocked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another address is not held up by it, and no account is locked after 2 failures.
    assert _sign_in(client, victims[0].email, password, address="203.0.113.67").status_code == 302


# --- 3. an optional factor, once set up, is enforced -----------------------------------------------------


@pytest.mark.parametrize("role", ["hr_admin", "incident_reporter", "analyst", "editor", "auditor"])
def test_a_user_with_a_factor_reaches_nothing_with_the_password_alone(
    client, make_user, password, organisation, role
):
    user = make_user(role, organisation=organisation)
    device = _with_factor(user)
    _sign_in(client, user.email, password)
    for url in ["/account/", "/workforce/people/", "/workforce/people/?_export=csv", "/audit/", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(VERIFY), url
    client.post(VERIFY, {"token": _token(device)})
    assert client.get("/account/").status_code == 200


def test_a_user_may_turn_off_an_optional_factor_only_when_verified(client, make_user, password, organisation):
    user = make_user("hr_admin", organisation=organisation)
    device = _with_factor(user)
    _sign_in(client, user.email, password)
    assert client.post("/account/two-factor/turn-off/").url.startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=user).exists()
    client.post(VERIFY, {"token": _token(device)})
    assert client.post("/account/two-factor/turn-off/").status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()


def test_a_required_factor_cannot_be_turned_off(client, make_user, login):
    user = make_user("incident_handler")
    login(user)
    client.post("/account/two-factor/turn-off/")
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- a lost device is reset by an administrator of the user's organisation ------------------------------


def test_an_administrator_resets_a_lost_factor_with_audit_and_email(
    client, make_user, login, organisation, other_organisation, django_capture_on_commit_callbacks
):
    handler = make_user("incident_handler", organisation=organisation)
    _with_factor(handler)
    stranger = make_user("incident_handler", organisation=other_organisation)
    _with_factor(stranger)
    admin = make_user("hr_admin", organisation=organisation)
    login(admin)
    page = client.get("/account/two-factor/reset/")
    assert page.status_code == 200

    refused = client.post("/account/two-factor/reset/", {"email": stranger.email, "reason": "Lost phone"})
    assert refused.status_code == 200
    assert "no one with that email address" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=stranger).exists()
    missing = client.post("/account/two-factor/reset/", {"email": handler.email, "reason": ""})
    assert "Enter why you are resetting" in missing.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            "/account/two-factor/reset/",
            {"email": handler.email.upper(), "reason": "Lost phone, seen in person"},
        )
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=handler).exists()
    assert not StaticDevice.objects.filter(user=handler).exists()
    event = AuditEvent.objects.get(action="auth.two_factor_reset")
    assert event.actor == admin
    assert event.detail["reason"] == "Lost phone, seen in person"
    assert [message.to for message in mail.outbox] == [[handler.email]]
    assert admin.email in mail.outbox[0].body
    assert "/account/password-reset/" in mail.outbox[0].body


def test_only_a_verified_administrator_may_reset(client, make_user, login, organisation):
    handler = make_user("incident_handler", organisation=organisation)
    _with_factor(handler)
    login(make_user("incident_handler", organisation=organisation))
    assert client.get("/account/two-factor/reset/").status_code == 403
    client.logout()
    login(make_user("hr_admin", organisation=organisation), verified=False)
    response = client.post("/account/two-factor/reset/", {"email": handler.email, "reason": "x"})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=handler).exists()


# --- 10. password reset is throttled and says the same whether or not the account exists -----------------


def test_password_reset_sends_a_working_link(client, make_user):
    user = make_user("incident_reporter")
    response = client.post("/account/password-reset/", {"email": user.email.upper()})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/account/password-reset/" in line)
    path = link.split("testserver", 1)[1]
    form = client.get(path, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-long-passphrase")
    assert AuditEvent.objects.filter(action="auth.password_reset", actor=user).exists()


def test_password_reset_is_throttled_per_account_and_per_address(client, make_user, settings):
    user = make_user("incident_reporter")
    answers = {
        client.post("/account/password-reset/", {"email": user.email}, REMOTE_ADDR=f"198.51.100.{n}").url
        for n in range(15)
    }
    assert len(mail.outbox) == settings.PASSWORD_RESET_ACCOUNT_LIMIT
    assert answers == {"/account/password-reset/sent/"}

    mail.outbox.clear()
    others = [make_user("incident_reporter") for _ in range(settings.PASSWORD_RESET_ADDRESS_LIMIT + 5)]
    for other in others:
        client.post("/account/password-reset/", {"email": other.email}, REMOTE_ADDR="203.0.113.9")
    assert len(mail.outbox) == settings.PASSWORD_RESET_ADDRESS_LIMIT - 0


def test_password_reset_answers_the_same_for_an_unknown_address(client, make_user):
    known = client.post("/account/password-reset/", {"email": make_user().email})
    unknown = client.post("/account/password-reset/", {"email": "nobody@nowhere.example"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(mail.outbox) == 1


# --- found by the attack review of this change -------------------------------------------------------------


def test_a_secret_seen_by_a_password_only_session_is_never_the_one_confirmed(client, make_user, password):
    victim = make_user("incident_handler")  # no factor yet: the attacker has the password and opens set-up
    attacker = type(client)()
    _sign_in(attacker, victim.email, password)
    attacker.get(SET_UP)
    planted = attacker.session["two_factor_pending_key"]
    assert not TOTPDevice.objects.filter(user=victim).exists()

    _sign_in(client, victim.email, password, address="203.0.113.80")
    client.get(SET_UP)
    own = client.session["two_factor_pending_key"]
    assert own != planted
    client.post(SET_UP, {"token": _token(TOTPDevice(key=own))})
    assert TOTPDevice.objects.get(user=victim, confirmed=True).key == own

    attacker.post(VERIFY, {"token": _token(TOTPDevice(key=planted))})
    assert attacker.get("/incidents/cases/").status_code == 302


def test_a_superuser_needs_a_second_factor(client, password):
    from demo.factories.cms import UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)
    _sign_in(client, admin.email, password)
    for url in ["/admin/", "/admin/users/", "/audit/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(SET_UP)


def test_spellings_the_database_folds_share_one_lockout(client, make_user, password):
    user = make_user("incident_reporter", email="tim.smith@riverside-hospitals.example")
    # U+0131, a dotless i: Python's casefold keeps it, but PostgreSQL's UPPER() (and SQLite's, with ICU) make it
    # an I, so it reaches the same account. Its guesses count against that account.
    dotless = "tım.smith@riverside-hospitals.example"
    for n in range(5):
        _sign_in(client, dotless, "wrong-password-123", address=f"198.51.100.{40 + n}")
    folds = type(user).objects.filter(email__iexact=dotless).exists()
    for spelling in (dotless, user.email):
        fresh = type(client)()
        response = _sign_in(fresh, spelling, password, address="198.51.100.60")
        if folds:  # the spelling reaches the account, so its five guesses locked it
            assert response.status_code == 429, spelling
            assert "_auth_user_id" not in fresh.session
        elif spelling == dotless:  # it reaches no account, so it can never sign in
            assert "_auth_user_id" not in fresh.session


def test_a_reset_ends_every_session_and_the_password(client, make_user, login, password, organisation):
    handler = make_user("incident_handler", organisation=organisation)
    _with_factor(handler)
    attacker = type(client)()
    _sign_in(attacker, handler.email, password)  # waiting at the code
    login(make_user("hr_admin", organisation=organisation))
    client.post("/account/two-factor/reset/", {"email": handler.email, "reason": "Lost phone"})

    held = attacker.get(SET_UP)
    assert held.status_code == 302
    assert held.url.startswith(SIGN_IN)
    again = type(client)()
    assert _sign_in(again, handler.email, password, address="203.0.113.90").status_code == 200
    assert "_auth_user_id" not in again.session


def test_a_reset_of_a_role_held_elsewhere_is_refused(
    client, make_user, login, organisation, other_organisation
):
    from demo.factories.workforce import MembershipFactory

    custodian = make_user("identity_custodian", organisation=other_organisation)
    MembershipFactory(user=custodian, organisation=organisation, role="incident_reporter")
    _with_factor(custodian)
    login(make_user("hr_admin", organisation=organisation))
    refused = client.post("/account/two-factor/reset/", {"email": custodian.email, "reason": "Lost phone"})
    assert refused.status_code == 200
    assert TOTPDevice.objects.filter(user=custodian).exists()


@pytest.mark.parametrize("path", ["/healthzone/", "/media/x", "/static-pages/", "/account/sign-out/x"])
def test_open_paths_are_exact(client, make_user, password, path):
    user = make_user("incident_reporter")
    _with_factor(user)
    _sign_in(client, user.email, password)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)


def test_verifying_gives_the_session_a_new_key(client, make_user, password):
    user = make_user("incident_handler")
    device = _with_factor(user)
    _sign_in(client, user.email, password)
    before = client.session.session_key
    client.post(VERIFY, {"token": _token(device)})
    assert client.session.session_key != before
    assert client.get("/incidents/cases/").status_code == 200


def test_password_reset_without_the_cache_sends_nothing_and_does_not_fail(client, make_user, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.1, "SOCKET_TIMEOUT": 0.1},
        }
    }
    response = client.post("/account/password-reset/", {"email": make_user().email})
    assert response.status_code == 302
    assert response.url == "/account/password-reset/sent/"
    assert mail.outbox == []
