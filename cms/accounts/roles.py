"""The roles people hold, and the Django groups that carry their permissions.

Roles are defined here once. Each app says which of its own permissions a role gets in its `roles.py`
(`ROLE_PERMISSIONS = {"role_key": ["app_label.codename", ...]}`, optionally `setup_roles(groups)` for
object permissions such as Wagtail page permissions). `roles_sync()` builds the groups from those
declarations; it runs after every `migrate` and is idempotent. See docs/permissions.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction


@dataclass(frozen=True)
class Role:
    key: str
    name: str
    description: str
    requires_two_factor: bool = False
    # Held across the whole platform (through its group alone), never at one organisation through a membership.
    platform_wide: bool = False
    # Held through a membership, but its powers are not limited to that organisation (the audit trail, every
    # organisation's records or figures, the CMS, the consultation): only a platform administrator grants it.
    reaches_beyond_organisation: bool = False


ROLES: tuple[Role, ...] = (
    Role(
        "platform_admin",
        "Platform administrator",
        "Runs the platform: creates, changes, imports and deactivates organisations, and administers the "
        "accounts of any organisation.",
        requires_two_factor=True,
        platform_wide=True,
    ),
    Role(
        "org_admin",
        "Organisation administrator",
        "Invites people to their organisation, grants and revokes the roles held only there, and deactivates "
        "leavers.",
        requires_two_factor=True,
    ),
    Role(
        "hr_admin",
        "HR administrator",
        "Sees and changes the workforce records of their own organisations and the joint arrangements "
        "their organisation is a partner in.",
    ),
    Role(
        "incident_reporter",
        "Incident reporter",
        "Every member of staff: reports violence or abuse against them and follows their own reports.",
    ),
    Role(
        "incident_handler",
        "Incident handler",
        "A designated lead who triages and manages incident cases of their organisation.",
        requires_two_factor=True,
    ),
    Role(
        "identity_custodian",
        "Identity custodian",
        "May reveal the identity behind a confidential report when there is a recorded lawful reason.",
        requires_two_factor=True,
    ),
    Role(
        "analyst",
        "Analyst",
        "Sees aggregate figures and reports only, never an individual record.",
        reaches_beyond_organisation=True,
    ),
    Role(
        "consultation_moderator",
        "Consultation moderator",
        "Reviews consultation responses, redacts personal data and approves them for publication.",
        reaches_beyond_organisation=True,
    ),
    Role(
        "safeguarding_lead",
        "Safeguarding lead",
        "Reads consultation responses that may disclose a risk to someone, and decides whether to refer them to "
        "the local authority, within a day.",
        requires_two_factor=True,
        reaches_beyond_organisation=True,
    ),
    Role(
        "editor",
        "Editor",
        "Writes and publishes the site's pages in the CMS.",
        reaches_beyond_organisation=True,
    ),
    Role(
        "auditor",
        "Auditor",
        "Reads the audit trail: who read and changed which record, and when.",
        reaches_beyond_organisation=True,
    ),
    Role(
        "dpo",
        "Data protection officer",
        "Sets how long each kind of record is kept, places and lifts legal holds, and answers subject-access "
        "and erasure requests (docs/records.md).",
        requires_two_factor=True,
        reaches_beyond_organisation=True,
    ),
)

ROLES_BY_KEY = {role.key: role for role in ROLES}
ROLES_BY_GROUP = {role.name: role for role in ROLES}
ROLE_CHOICES = [(role.key, role.name) for role in ROLES]
# The roles a membership holds at one organisation (every role but the platform-wide ones).
ORGANISATION_ROLES = tuple(role for role in ROLES if not role.platform_wide)
ORGANISATION_ROLE_CHOICES = [(role.key, role.name) for role in ORGANISATION_ROLES]
# The roles an organisation administrator may hand out: those whose powers stay within the organisation.
ORGANISATION_SCOPED_ROLES = tuple(role for role in ORGANISATION_ROLES if not role.reaches_beyond_organisation)


def group_for(role_key: str) -> Group:
    return Group.objects.get(name=ROLES_BY_KEY[role_key].name)


def roles_for_user(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return {
        ROLES_BY_GROUP[name].key
        for name in user.groups.values_list("name", flat=True)
        if name in ROLES_BY_GROUP
    }


def _declarations():
    """Yield (app_config, module) for every installed app that has a roles module."""
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.roles"
        if app_config.name == "cms.accounts":
            continue
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        yield app_config, module


def declared_permissions() -> dict[str, set[str]]:
    declared: dict[str, set[str]] = {role.key: set() for role in ROLES}
    for app_config, module in _declarations():
        for role_key, perms in getattr(module, "ROLE_PERMISSIONS", {}).items():
            if role_key not in declared:
                raise ImproperlyConfigured(f"{app_config.name}.roles names an unknown role {role_key!r}.")
            declared[role_key].update(perms)
    declared["auditor"].add("accounts.view_audit_log")
    return declared


@transaction.atomic
def roles_sync(*, using: str = "default", verbosity: int = 0) -> dict[str, Group]:
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    groups: dict[str, Group] = {}
    for role_key, perm_names in declared_permissions().items():
        role = ROLES_BY_KEY[role_key]
        group, _ = Group.objects.using(using).get_or_create(name=role.name)
        permissions = []
        for perm_name in sorted(perm_names):
            app_label, codename = perm_name.split(".", 1)
            try:
                permissions.append(
                    Permission.objects.using(using).get(content_type__app_label=app_label, codename=codename)
                )
            except Permission.DoesNotExist as exc:
                raise ImproperlyConfigured(
                    f"Role {role.name!r} names a missing permission {perm_name}."
                ) from exc
        group.permissions.set(permissions)
        groups[role_key] = group
    for _app_config, module in _declarations():
        setup = getattr(module, "setup_roles", None)
        if setup is not None:
            setup(groups)
    return groups
