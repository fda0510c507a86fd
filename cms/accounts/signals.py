"""Sign-in, failed sign-in, sign-out and every change of what a user may do go to the audit trail: a user's
groups (roles), a group's permissions, a user's own permissions, and the superuser, staff and active flags."""

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from cms.audit import audit

from .models import User
from .throttling import normalise_email, sign_in_failure_record

PRIVILEGE_FLAGS = ("is_active", "is_staff", "is_superuser")


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def audit_sign_in(sender, request, user, **kwargs):
    audit(action="auth.sign_in", actor=user, request=request, obj=user, summary="Signed in")


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit(action="auth.sign_out", actor=user, request=request, obj=user, summary="Signed out")


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def audit_sign_in_failed(sender, credentials, request=None, **kwargs):
    # Never the password: only the e-mail that was tried.
    tried = normalise_email(credentials.get("username") or credentials.get("email") or "")[:254]
    if request is not None:
        sign_in_failure_record(request)
    audit(
        action="auth.sign_in_failed",
        request=request,
        actor_label=tried or "unknown",
        summary="Failed sign-in",
    )


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit_group_change")
def audit_group_change(sender, instance, action, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"} or not isinstance(instance, User):
        return
    names = sorted(Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True))
    audit(
        action="auth.groups_changed",
        obj=instance,
        summary=f"{action.removeprefix('post_')} {', '.join(names) or 'all groups'}",
        detail={"change": action, "groups": names},
        actor_label="system",
    )


def _permission_names(pk_set) -> list[str]:
    return sorted(
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.filter(pk__in=pk_set or []).values_list(
            "content_type__app_label", "codename"
        )
    )


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="audit_group_permissions_change")
def audit_group_permissions_change(sender, instance, action, pk_set, **kwargs):
    # What a role may do changed (the Wagtail admin's group editor, or roles_sync after a deploy).
    if action not in {"post_add", "post_remove", "post_clear"} or not isinstance(instance, Group):
        return
    names = _permission_names(pk_set)
    audit(
        action="auth.group_permissions_changed",
        obj=instance,
        summary=f"{instance.name}: {action.removeprefix('post_')} {len(names) or 'all'} permission(s)",
        detail={"change": action, "permissions": names},
        actor_label="system",
    )


@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="audit_user_permissions_change")
def audit_user_permissions_change(sender, instance, action, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"} or not isinstance(instance, User):
        return
    names = _permission_names(pk_set)
    audit(
        action="auth.user_permissions_changed",
        obj=instance,
        summary=f"{action.removeprefix('post_')} {', '.join(names) or 'all permissions'}"[:255],
        detail={"change": action, "permissions": names},
        actor_label="system",
    )


@receiver(pre_save, sender=User, dispatch_uid="audit_privilege_flags_before")
def _remember_privilege_flags(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(PRIVILEGE_FLAGS) & set(update_fields):
        return  # e.g. last_login on every sign-in: no extra query
    instance._privilege_flags_before = User.objects.filter(pk=instance.pk).values(*PRIVILEGE_FLAGS).first()


@receiver(post_save, sender=User, dispatch_uid="audit_privilege_flags")
def audit_privilege_flags(sender, instance, created, raw=False, **kwargs):
    before = instance.__dict__.pop("_privilege_flags_before", None)
    if raw:
        return
    if created:
        granted = [flag for flag in PRIVILEGE_FLAGS if flag != "is_active" and getattr(instance, flag)]
        changed = {flag: [False, True] for flag in granted}
    elif before is None:
        return
    else:
        changed = {
            flag: [before[flag], getattr(instance, flag)]
            for flag in PRIVILEGE_FLAGS
            if before[flag] != getattr(instance, flag)
        }
    if changed:
        audit(
            action="auth.privileges_changed",
            obj=instance,
            summary=", ".join(f"{flag} {'on' if now else 'off'}" for flag, (_, now) in changed.items()),
            detail={"changed": changed},
            actor_label="system",
        )
