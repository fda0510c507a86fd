"""Sign-in, failed sign-in, sign-out and changes of a user's groups go to the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from cms.audit import audit

from .models import User


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
    tried = str(credentials.get("username") or credentials.get("email") or "")[:254]
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
    from django.contrib.auth.models import Group

    names = sorted(Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True))
    audit(
        action="auth.groups_changed",
        obj=instance,
        summary=f"{action.removeprefix('post_')} {', '.join(names) or 'all groups'}",
        detail={"change": action, "groups": names},
        actor_label="system",
    )
