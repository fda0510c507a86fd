"""Secrets never reach the logs, and every change of who may do what reaches the audit trail.

The journeys below run with every logger at DEBUG and SQL logging forced on, and each log record (message,
arguments and exception text) is searched for the secrets a person or the site holds: a password (right and
wrong), an anonymous reporter's follow-up code, SECRET_KEY, HASHING_KEY and the incident encryption keys.
"""

from __future__ import annotations

import copy
import logging
import logging.config
import os
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

from cms.accounts.models import AuditEvent
from cms.accounts.roles import group_for
from cms.accounts.views import SignInView
from covenant.incidents.views import follow_up
from tests.covenant.incidents.conftest import report_pages
from workforce.services import membership_grant, membership_revoke

pytestmark = pytest.mark.django_db

CODE_RE = re.compile(r"\b(\d{4} \d{4} \d{4} \d{4})\b")
WRONG_PASSWORD = "Wr0ng-but-secret-passphrase"  # noqa: S105
SIGN_IN = "/account/sign-in/"


@pytest.fixture
def all_logs(caplog, settings):
    """The site's LOGGING as configured, at LOG_LEVEL=DEBUG with Django's own logger opened up to DEBUG too (as
    someone chasing a problem might), and SQL logging forced on."""
    config = copy.deepcopy(settings.LOGGING)
    config["root"]["level"] = "DEBUG"
    config["loggers"]["django"] = {"level": "DEBUG"}
    touched = ["", *config["loggers"]]
    levels = {name: logging.getLogger(name).level for name in touched}
    logging.config.dictConfig(config)
    caplog.set_level(logging.DEBUG)
    connection.force_debug_cursor = True
    yield caplog
    connection.force_debug_cursor = False
    logging.config.dictConfig(settings.LOGGING)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def start_capture(caplog):
    """Forget what the test's own set-up logged (factories log their arguments at DEBUG), and check that a
    DEBUG record from the site's code does reach the capture, so an empty capture cannot pass by accident."""
    caplog.clear()
    logging.getLogger("covenant.incidents").debug("capture check")
    assert [record.getMessage() for record in caplog.records] == ["capture check"]


def logged_text(caplog) -> str:
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


def site_secrets() -> list[str]:
    secrets = [settings.SECRET_KEY, settings.HASHING_KEY]
    secrets += [key for key in os.environ.get("INCIDENTS_ENCRYPTION_KEYS", "").split(",") if key]
    return [secret for secret in secrets if secret]


def assert_not_logged(caplog, *secrets):
    text = logged_text(caplog)
    for secret in (*secrets, *site_secrets()):
        assert secret not in text, f"a secret ({secret[:3]}...) was logged"


def test_sign_in_journeys_log_no_password(client, make_user, password, all_logs):
    user = make_user("incident_reporter")
    start_capture(all_logs)
    client.post(SIGN_IN, {"username": user.email, "password": WRONG_PASSWORD})
    for _ in range(settings.AXES_FAILURE_LIMIT):  # to the lockout, which axes logs
        client.post(SIGN_IN, {"username": "locked@example.org", "password": WRONG_PASSWORD})
    assert client.post(SIGN_IN, {"username": user.email, "password": password}).status_code == 302
    assert_not_logged(all_logs, password, WRONG_PASSWORD)
    # The audit trail has the attempts, without the passwords either.
    events = AuditEvent.objects.filter(action__in=["auth.sign_in", "auth.sign_in_failed"])
    assert events.filter(action="auth.sign_in", actor=user).exists()
    assert events.filter(action="auth.sign_in_failed", actor_label=user.email).exists()
    for event in events:
        assert WRONG_PASSWORD not in f"{event.summary} {event.detail}" and password not in str(event.detail)


def test_anonymous_report_and_follow_up_log_no_code(client, organisation, all_logs):
    start_capture(all_logs)
    code = CODE_RE.search(report_pages(client, organisation).content.decode()).group(1)
    client.post(reverse("incidents:follow_up"), {"code": "0000 0000 0000 0000"})
    assert client.post(reverse("incidents:follow_up"), {"code": code}).status_code == 302
    client.get(reverse("incidents:follow_up_case"))
    assert_not_logged(all_logs, code, code.replace(" ", ""))
    for event in AuditEvent.objects.all():
        assert code.replace(" ", "") not in f"{event.summary} {event.detail}".replace(" ", "")


def test_errors_in_the_follow_up_view_hide_the_code_from_error_reports(organisation):
    """If the view ever fails, Django's error report (mailed or sent to an error tracker) shows stars."""
    request = RequestFactory().post(reverse("incidents:follow_up"), {"code": "1234 5678 9012 3456"})
    request.session = SessionStore()
    follow_up(request)
    cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
    assert cleansed["code"] != "1234 5678 9012 3456" and set(cleansed["code"]) == {"*"}


def test_sign_in_posts_are_hidden_from_error_reports(client, make_user):
    request = RequestFactory().post(SIGN_IN, {"username": "a@example.org", "password": WRONG_PASSWORD})
    request.session = SessionStore()
    request.user = make_user()  # signed in: the view redirects without authenticating
    SignInView.as_view()(request)
    assert WRONG_PASSWORD not in str(SafeExceptionReporterFilter().get_post_parameters(request))


# --- who may do what: every change is audited -----------------------------------------------------------------
def test_role_grant_and_revoke_are_audited(make_user, organisation):
    user, granter = make_user(email="new.hr@example.org"), make_user(email="granter@example.org")
    membership = membership_grant(user=user, organisation=organisation, role="hr_admin", granted_by=granter)
    assert AuditEvent.objects.filter(
        action="membership.granted", actor=granter, object_id=membership.pk
    ).exists()
    assert AuditEvent.objects.get(action="auth.groups_changed", object_id=user.pk).detail == {
        "change": "post_add",
        "groups": ["HR administrator"],
    }
    membership_revoke(membership=membership, revoked_by=granter)
    assert AuditEvent.objects.filter(action="membership.revoked", actor=granter).exists()
    assert AuditEvent.objects.filter(
        action="auth.groups_changed", object_id=user.pk, detail__change="post_remove"
    ).exists()


def test_a_change_to_a_roles_permissions_is_audited():
    group = group_for("analyst")
    permission = Permission.objects.get(content_type__app_label="accounts", codename="view_audit_log")
    group.permissions.add(permission)
    event = AuditEvent.objects.filter(action="auth.group_permissions_changed", object_id=group.pk).latest(
        "id"
    )
    assert event.object_type == "auth.group"
    assert event.detail == {"change": "post_add", "permissions": ["accounts.view_audit_log"]}
    group.permissions.remove(permission)
    assert AuditEvent.objects.filter(
        action="auth.group_permissions_changed", object_id=group.pk, detail__change="post_remove"
    ).exists()


def test_a_new_group_with_permissions_is_audited():
    group = Group.objects.create(name="Ad hoc group")
    group.permissions.set(Permission.objects.filter(codename="view_audit_log"))
    assert AuditEvent.objects.filter(action="auth.group_permissions_changed", object_id=group.pk).exists()


def test_a_users_own_permissions_are_audited(make_user):
    user = make_user()
    user.user_permissions.add(Permission.objects.get(codename="view_audit_log"))
    event = AuditEvent.objects.get(action="auth.user_permissions_changed", object_id=user.pk)
    assert event.detail["permissions"] == ["accounts.view_audit_log"]
    user.user_permissions.clear()
    assert AuditEvent.objects.filter(
        action="auth.user_permissions_changed", object_id=user.pk, detail__change="post_clear"
    ).exists()


def test_superuser_staff_and_active_flags_are_audited(make_user):
    user = make_user()
    user.is_superuser = True
    user.save()
    event = AuditEvent.objects.get(action="auth.privileges_changed", object_id=user.pk)
    assert event.detail == {"changed": {"is_superuser": [False, True]}}
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert AuditEvent.objects.filter(
        action="auth.privileges_changed", object_id=user.pk, detail__changed__is_active=[True, False]
    ).exists()


def test_creating_a_superuser_is_audited():
    from cms.accounts.models import User

    user = User.objects.create_superuser(email="root@example.org", password="a-long-password-2026")  # noqa: S106
    event = AuditEvent.objects.get(action="auth.privileges_changed", object_id=user.pk)
    assert event.detail["changed"]["is_superuser"] == [False, True]


def test_signing_in_adds_no_privilege_event(client, make_user, password):
    user = make_user()
    client.post(SIGN_IN, {"username": user.email, "password": password})
    assert not AuditEvent.objects.filter(action="auth.privileges_changed", object_id=user.pk).exists()


def test_a_superuser_change_through_the_wagtail_admin_is_audited(client, login, make_user):
    admin = make_user(email="admin@example.org", is_superuser=True)
    target = make_user(email="target@example.org")
    login(admin)
    response = client.get(f"/admin/users/edit/{target.pk}/")
    assert response.status_code == 200
    form = response.context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list | tuple) and name not in {"password"}
    }
    data.update(
        email=target.email,
        first_name=target.first_name,
        last_name=target.last_name,
        is_active="on",
        is_superuser="on",
        groups=[],
    )
    data = {key: value for key, value in data.items() if value is not False}
    response = client.post(f"/admin/users/edit/{target.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    target.refresh_from_db()
    assert target.is_superuser
    assert AuditEvent.objects.filter(
        action="auth.privileges_changed", object_id=target.pk, detail__changed__is_superuser=[False, True]
    ).exists()
