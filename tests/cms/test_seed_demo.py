import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def _counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"accounts", "workforce", "incidents", "consultation", "cms", "wagtailcore"}
        and model._meta.label != "accounts.AuditEvent"
    }


def test_seed_demo_builds_the_world_and_is_idempotent(settings, capsys):
    from cms.accounts.models import User
    from workforce.models import Organisation

    # As `make run` seeds: the dev settings, debug off.
    settings.DEBUG = False
    settings.DEMO_DATA_ALLOWED = True
    sizes = ["--people", "40", "--incidents", "20", "--responses", "20"]
    call_command("seed_demo", *sizes)
    out = capsys.readouterr().out
    # Every account is printed, as the README lists it, with the roles it holds.
    assert _printed_logins(out) == _readme_logins()
    _assert_printed_roles_are_held(_printed_logins(out))
    assert "Demo logins" in out
    assert "hr.admin@riverside-hospitals.example" in out
    # The three incident handlers: an investigator, someone else to sign off, one to exclude on a colleague case.
    for email in ("handler@", "security.lead@", "safety.manager@"):
        assert f"{email}riverside-hospitals.example" in out
    assert Organisation.objects.count() >= 12
    # Built through the same services as the screens, so audited like them.
    from cms.accounts.models import AuditEvent

    assert AuditEvent.objects.filter(action="organisation.created").count() >= 12
    assert AuditEvent.objects.filter(
        action="account.created", object_id=str(User.objects.get(email="auditor@rw-icb.example").pk)
    ).exists()
    assert {"health", "social_care"} <= set(Organisation.objects.values_list("sector", flat=True))
    handler = User.objects.get(email="handler@riverside-hospitals.example")
    assert handler.role_keys >= {"incident_handler"}

    first = _counts()
    password_hash = handler.password
    call_command("seed_demo", *sizes, "--quiet-logins")
    assert _counts() == first
    handler.refresh_from_db()
    assert handler.password == password_hash


def test_seed_demo_refuses_without_debug(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="Refusing"):
        call_command("seed_demo")


def test_forced_it_still_refuses_a_database_with_real_organisations(settings):
    """`--force` is for a demo database outside development: beside real records it would add accounts with the
    published password, a platform administrator among them."""
    from django.core.management.base import CommandError

    from cms.accounts.models import User
    from demo.factories.workforce import OrganisationFactory

    settings.DEBUG = False
    settings.DEMO_DATA_ALLOWED = False
    OrganisationFactory(name="Northfield NHS Foundation Trust")
    with pytest.raises(CommandError, match="Northfield NHS Foundation Trust"):
        call_command("seed_demo", "--force", "--quiet-logins")
    assert not User.objects.exists()


def _printed_logins(out: str) -> list[tuple[str, str]]:
    after = out.split("Demo logins (password for all: ", 1)[1]
    return [
        (match["email"], match["roles"])
        for match in re.finditer(r"^  (?P<email>\S+@\S+) +(?P<roles>.+)$", after, re.MULTILINE)
    ]


def _readme_logins() -> list[tuple[str, str]]:
    table = README.read_text().split("| E-mail | Roles |\n|---|---|\n", 1)[1].split("\n\n", 1)[0]
    return [tuple(cell.strip() for cell in row.strip("|").split(" | ")) for row in table.splitlines()]


def test_the_readme_lists_every_demo_account_as_seed_demo_describes_it():
    from demo.site import DEMO_USERS, demo_logins

    readme = _readme_logins()
    assert [email for email, _ in readme] == [email for email, *_ in DEMO_USERS]
    assert "security.lead@riverside-hospitals.example" in dict(readme)
    assert demo_logins() == readme


def _assert_printed_roles_are_held(printed):
    from cms.accounts.models import User
    from cms.accounts.roles import ROLES
    from cms.accounts.selectors import two_factor_required

    keys_by_label = {role.name.lower(): role.key for role in ROLES}
    for email, description in printed:
        user = User.objects.get(email=email)
        labels = description.split(":", 1)[0].removesuffix(" (two-factor required)").split(", ")
        assert {keys_by_label[label.lower()] for label in labels} == user.role_keys, email
        assert ("(two-factor required)" in description) == two_factor_required(user=user), email


def test_every_role_has_a_demo_login():
    """Whoever tries the demo can sign in as each role the product has, the platform administrator's and the
    data protection officer's included."""
    from cms.accounts.roles import ROLES
    from demo.site import DEMO_USERS

    held = {role for *_, memberships in DEMO_USERS for _, role in memberships}
    assert {role.key for role in ROLES} <= held
