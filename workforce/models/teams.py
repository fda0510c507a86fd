"""Integrated multi-disciplinary teams: a team inside a joint arrangement, with members employed by different
partners and its own lead."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .arrangements import JointArrangement
from .people import Person
from .posts import Assignment


class IntegratedTeam(models.Model):
    """A team working across the partners of one joint arrangement (a discharge-to-assess or reablement team,
    say). Each member keeps their own employer: membership is recorded against their assignment."""

    arrangement = models.ForeignKey(JointArrangement, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    lead = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams_led",
        verbose_name="team lead",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "name"], name="team_unique_name_in_arrangement"),
        ]

    def __str__(self):
        return self.name


class IntegratedTeamMember(models.Model):
    """A person in the team for a period, through one of their assignments (which names their employer)."""

    team = models.ForeignKey(IntegratedTeam, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="team_memberships")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="team_memberships")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="team_member_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["team", "start_date", "end_date"])]

    def __str__(self):
        return f"{self.person} in {self.team}"
