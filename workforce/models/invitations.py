"""Invitations: a one-time link that lets a person set up their account and take roles at an organisation."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cms.accounts.roles import ORGANISATION_ROLE_CHOICES

from .organisations import Organisation


class Invitation(models.Model):
    """An e-mailed invitation. The link's token is never stored: the row keeps a random nonce (the token is
    signed from it with the site's secret key) and the SHA-256 of the token, compared in constant time."""

    email = models.EmailField("e-mail address")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    roles = models.JSONField(default=list, help_text="Role keys the person gets at the organisation")
    nonce = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "email"])]

    def __str__(self):
        return f"Invitation of {self.email} to {self.organisation}"

    @property
    def role_names(self) -> list[str]:
        labels = dict(ORGANISATION_ROLE_CHOICES)
        return [str(labels.get(key, key)) for key in self.roles]

    def is_pending(self, *, now=None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.cancelled_at is None and self.expires_at > now

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "Accepted"
        if self.cancelled_at:
            return "Cancelled"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Waiting"
