import pytest
from django.contrib.auth.models import Group

from cms.accounts.roles import ROLES, declared_permissions, roles_for_user, roles_sync
from workforce.services import membership_grant, membership_revoke

pytestmark = pytest.mark.django_db


def test_every_role_has_a_group_after_migrate():
    names = set(Group.objects.values_list("name", flat=True))
    assert {role.name for role in ROLES} <= names


def test_roles_sync_is_idempotent():
    before = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    roles_sync()
    roles_sync()
    after = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert before == after
    assert Group.objects.filter(name="HR administrator").count() == 1


def test_every_declared_permission_is_granted_to_its_group():
    for role in ROLES:
        group = Group.objects.get(name=role.name)
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert declared_permissions()[role.key] <= granted


def test_analyst_gets_aggregates_but_not_records():
    analyst = Group.objects.get(name="Analyst")
    codenames = set(analyst.permissions.values_list("codename", flat=True))
    assert "view_workforce_reports" in codenames
    assert "view_workforce" not in codenames


def test_membership_grant_and_revoke_keep_groups_in_step(make_user, organisation, other_organisation):
    user = make_user()
    first = membership_grant(user=user, organisation=organisation, role="hr_admin")
    membership_grant(user=user, organisation=other_organisation, role="hr_admin")
    assert roles_for_user(user) == {"hr_admin"}
    assert user.has_perm("workforce.view_workforce")

    membership_revoke(membership=first)
    assert roles_for_user(user) == {"hr_admin"}, "still HR admin at the other organisation"

    membership_revoke(membership=user.memberships.get())
    user = type(user).objects.get(pk=user.pk)
    assert roles_for_user(user) == set()
    assert not user.has_perm("workforce.view_workforce")


def test_membership_grant_rejects_unknown_role(make_user, organisation):
    with pytest.raises(ValueError, match="Unknown role"):
        membership_grant(user=make_user(), organisation=organisation, role="superhero")


def test_membership_changes_are_audited(make_user, organisation):
    from cms.accounts.models import AuditEvent

    user = make_user()
    membership_grant(user=user, organisation=organisation, role="analyst")
    assert AuditEvent.objects.filter(action="membership.granted", summary__contains=user.email).exists()
    assert AuditEvent.objects.filter(action="auth.groups_changed", object_id=str(user.pk)).exists()


def test_platform_admin_is_a_platform_wide_role_with_two_factor(make_user, organisation):
    from cms.accounts.roles import ROLES_BY_KEY
    from cms.accounts.selectors import two_factor_required

    admin = make_user("platform_admin")
    assert not admin.memberships.exists(), "held through its group, not at an organisation"
    assert roles_for_user(admin) == {"platform_admin"}
    assert admin.has_perm("workforce.manage_organisations")
    assert two_factor_required(user=admin)
    assert ROLES_BY_KEY["org_admin"].requires_two_factor
    with pytest.raises(ValueError, match="across the platform"):
        membership_grant(user=make_user(), organisation=organisation, role="platform_admin")


def test_platform_admin_create_command_makes_the_first_administrator(monkeypatch):
    from django.core.management import call_command

    from cms.accounts.models import AuditEvent, User

    monkeypatch.setenv("PLATFORM_ADMIN_PASSWORD", "a-long-synthetic-passphrase-42")
    call_command(
        "platform_admin_create",
        "--email",
        "First.Admin@ops.example",
        "--first-name",
        "Ola",
        "--last-name",
        "First",
        "--no-input",
    )
    admin = User.objects.get(email="first.admin@ops.example")
    assert roles_for_user(admin) == {"platform_admin"}
    assert admin.check_password("a-long-synthetic-passphrase-42")
    assert AuditEvent.objects.filter(action="auth.platform_admin_granted", object_id=str(admin.pk)).exists()


def test_the_last_platform_admin_cannot_be_revoked(make_user):
    from django.core.exceptions import ValidationError

    from cms.accounts.services import platform_admin_revoke

    first, second = make_user("platform_admin"), make_user("platform_admin")
    platform_admin_revoke(user=second)
    with pytest.raises(ValidationError, match="at least one platform administrator"):
        platform_admin_revoke(user=first)
