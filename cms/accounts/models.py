import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .roles import roles_for_user


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    """A person who signs in: member of staff, HR, handler, moderator, editor. Signs in with e-mail."""

    username = None
    email = models.EmailField("e-mail address", unique=True)
    job_title = models.CharField(max_length=150, blank=True)
    sessions_epoch = models.PositiveIntegerField(
        default=0, help_text="Raised to end every session of this user at once (see `user_sessions_end`)."
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        permissions = [("view_audit_log", "Can read the audit log")]

    def __str__(self):
        return self.get_full_name() or self.email

    def _get_session_auth_hash(self, secret=None):
        # Django ends a session whose stored hash no longer matches; adding the epoch lets us end them all without
        # touching the password. Epoch 0 keeps Django's own hash, so existing sessions survive the upgrade.
        if not self.sessions_epoch:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "cms.accounts.User.session",
            f"{self.password}:{self.sessions_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def role_keys(self) -> set[str]:
        """Keys of the roles this user holds through any membership (cached per request object)."""
        if not hasattr(self, "_role_keys"):
            self._role_keys = roles_for_user(self)
        return self._role_keys


class AuditEvent(models.Model):
    """One append-only line of the audit trail: who did what to which record, when and from where."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True, help_text="E-mail or description of the actor")
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    hour_only = models.BooleanField(
        default=False,
        help_text="Done without an identity: the time is the start of its hour (see cms/audit.py)",
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type} {self.object_id}"
        )

    def save(self, *args, **kwargs):
        # The trail is append-only: an existing line is never rewritten.
        if self.pk is not None and not self._state.adding:
            raise ValueError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events cannot be deleted.")


class AnonymousAuditEvent(models.Model):
    """An audit line about something done without an identity (an anonymous report, a follow-up by code), held
    back until its hour is over and then moved into AuditEvent by `cms.audit.anonymous_audit_release`.

    Written straight into AuditEvent, its sequential id and exact time would sit beside the sign-in of the person
    who did it. Here it has a random key and only the hour; its released row gets an id after every row of that
    hour, in random order among the other anonymous lines of the hour. This is a queue, not the trail: rows leave
    it on release.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    hour = models.DateTimeField(db_index=True)
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=255, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return f"{self.hour:%Y-%m-%d %H}:00 {self.actor_label} {self.action} (held)"
