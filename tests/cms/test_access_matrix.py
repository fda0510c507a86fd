"""An access matrix generated from the URL configuration.

Every URL of our apps is requested by an anonymous visitor, by a signed-in person holding no role, and by each
role in each sign-in state: signed in with the password only (with a second factor set up, and, for roles that
require one, without), and verified. Nobody ever gets a 500; an anonymous visitor gets a page only where the URL is listed as public below, and
is otherwise sent to sign in; a person without any role gets no staff page. So a new view that forgets its
permission check fails this test until someone decides, here, that it is public.
"""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from cms.accounts.roles import ROLES

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("admin/", "documents/", "django-admin/")

# URL names anyone may open without signing in.
PUBLIC = {
    "healthz",
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_sent",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "incidents:report_start",
    "incidents:report_form",
    "incidents:report_more",  # "tell us more": only with the sealed report its confirmation page gives
    "incidents:follow_up",
    "incidents:follow_up_case",
    "incidents:follow_up_leave",
    "incidents:follow_up_evidence_upload",
    "incidents:follow_up_evidence",
    "consultation:hub",
    "consultation:comments",  # the comments database: published comments are open data
    # An invited person sets up their account from the e-mailed link (an unknown token is a 404).
    "workforce:invitation_accept",
    # The Covenant's public face: who has signed, recognition, the published annual report, and how an
    # organisation signs (where "Ask to sign" leads a visitor who is not signed in).
    "signatories:list",
    "signatories:how_to_sign",
    "signatories:detail",
    "signatories:recognition",
    "signatories:report_index",
    "signatories:annual_report",
    "signatories:annual_report_pdf",
    # The read-only public API (docs/api.md): what the public pages show, through the same selectors.
    *(
        f"api-v1:{name}"
        for name in (
            "api-root",
            "openapi-json",
            "openapi-view",
            "consultation_list",
            "consultation_detail",
            "question_list",
            "response_list",
            "theme_list",
            "signatory_list",
            "signatory_detail",
            "report_years",
            "report_detail",
        )
    ),
}
# URL names any signed-in person may open, whatever their roles.
SIGNED_IN = {
    "accounts:dashboard",
    "accounts:logout",
    "accounts:two_factor_manage",
    "accounts:two_factor_setup",
    "accounts:two_factor_verify",
    "accounts:two_factor_recovery_code",
    "accounts:two_factor_recovery_codes",
    "accounts:two_factor_turn_off",
    "incidents:my_reports",  # only ever lists the person's own reports
    "workforce:my_passport",  # only ever the passport of the person the account is linked to
}
SAMPLE_VALUES = {
    "int": "987654",
    "slug": "zz-unknown",
    "str": "zz-unknown",
    "path": "zz/unknown",
    "uuid": str(uuid.uuid4()),
}


def _walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            pattern = str(entry.pattern)
            if (prefix + pattern).startswith(SKIPPED_PREFIXES) or pattern == "":
                # The empty prefix is Wagtail's page-serving catch-all.
                if pattern == "" and entry.namespace is None and "wagtail" in str(entry.urlconf_name):
                    continue
                if (prefix + pattern).startswith(SKIPPED_PREFIXES):
                    continue
            child_namespace = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, prefix + pattern, child_namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern), entry.pattern.converters


def _url(route, converters):
    import re

    def fill(match):
        converter = match.group(1) or "str"
        return SAMPLE_VALUES.get(converter, "1")

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", fill, route)


ROUTES = sorted({(name, _url(route, conv)) for name, route, conv in _walk(get_resolver())})


def test_the_matrix_covers_every_app():
    names = {name.split(":")[0] for name, _ in ROUTES if ":" in name}
    assert {"accounts", "workforce", "incidents", "consultation", "signatories", "records"} <= names


@pytest.mark.parametrize(("name", "url"), ROUTES, ids=[name for name, _ in ROUTES])
def test_anonymous(client, name, url):
    response = client.get(url)
    assert response.status_code != 500
    if name in PUBLIC:
        return
    assert response.status_code in {302, 403, 404, 405}, f"{url} answered {response.status_code} to anonymous"
    if response.status_code == 302:
        assert "sign-in" in response.url or "login" in response.url, (
            f"{url} redirected anonymous to {response.url}"
        )


@pytest.mark.parametrize(("name", "url"), ROUTES, ids=[name for name, _ in ROUTES])
def test_signed_in_without_roles(client, make_user, login, name, url):
    login(make_user())
    response = client.get(url)
    assert response.status_code != 500
    if name in PUBLIC or name in SIGNED_IN:
        return
    assert response.status_code in {302, 403, 404, 405}, (
        f"{url} answered {response.status_code} to a person without roles"
    )


@pytest.mark.parametrize("role", [role.key for role in ROLES])
def test_no_role_ever_gets_a_server_error(client, make_user, login, organisation, role):
    login(make_user(role, organisation=organisation))
    failures = []
    for name, url in ROUTES:
        if name == "accounts:logout":
            continue
        status = client.get(url).status_code
        if status >= 500:
            failures.append(f"{name} {url} -> {status}")
    assert not failures, "\n".join(failures)


# With a password only, a person who has a second factor reaches these and nothing else of ours.
PASSWORD_ONLY_OPEN = {"accounts:logout", "accounts:two_factor_verify", "accounts:two_factor_recovery_code"}


def _staff_routes():
    return [(name, url) for name, url in ROUTES if name not in PUBLIC]


@pytest.mark.parametrize("role", [role.key for role in ROLES])
def test_password_only_with_a_second_factor_reaches_only_the_code(client, make_user, organisation, role):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user(role, organisation=organisation)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    leaks = []
    for name, url in [*_staff_routes(), ("cms", "/admin/")]:
        if name in PASSWORD_ONLY_OPEN:
            continue
        response = client.get(url)
        if response.status_code != 302 or not response.url.startswith("/account/two-factor/verify/"):
            leaks.append(f"{name} {url} -> {response.status_code}")
    assert not leaks, "\n".join(leaks)


@pytest.mark.parametrize("role", [role.key for role in ROLES if role.requires_two_factor])
def test_password_only_without_a_factor_reaches_only_set_up(client, make_user, organisation, role):
    client.force_login(make_user(role, organisation=organisation))
    leaks = []
    for name, url in [*_staff_routes(), ("cms", "/admin/")]:
        if name in {"accounts:logout", "accounts:two_factor_setup"}:
            continue
        response = client.get(url)
        if response.status_code != 302 or not response.url.startswith("/account/two-factor/set-up/"):
            leaks.append(f"{name} {url} -> {response.status_code}")
    assert not leaks, "\n".join(leaks)
    assert client.get("/account/two-factor/set-up/").status_code == 200
