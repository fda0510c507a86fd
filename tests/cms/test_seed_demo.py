import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db


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

    settings.DEBUG = True
    sizes = ["--people", "40", "--incidents", "20", "--responses", "20"]
    call_command("seed_demo", *sizes)
    out = capsys.readouterr().out
    assert "Demo logins" in out
    assert "hr.admin@riverside-hospitals.example" in out
    # The three incident handlers: an investigator, someone else to sign off, one to exclude on a colleague case.
    for email in ("handler@", "security.lead@", "safety.manager@"):
        assert f"{email}riverside-hospitals.example" in out
    assert Organisation.objects.count() >= 12
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
    with pytest.raises(CommandError, match="Refusing"):
        call_command("seed_demo")
