"""Sector moves: a person moving between organisations, recorded by the sender and confirmed by the receiver."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from ..vocabulary import DestinationSector, MoveStatus, MoveType, StaffGroup
from .arrangements import JointArrangement
from .organisations import Organisation
from .passport import PassportCredential
from .people import Person
from .posts import Assignment, Post


class SectorMove(models.Model):
    """A move with both ends recorded: the sending organisation records it, the receiving one confirms it.

    An arrival from an organisation that does not use the system is recorded by the receiving organisation
    alone (`recorded_by_receiver`): the sending end is then a name and a sector, with no post or assignment.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="moves")
    move_type = models.CharField(max_length=20, choices=MoveType.choices)
    status = models.CharField(max_length=10, choices=MoveStatus.choices, default=MoveStatus.RECORDED)
    from_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="moves_out"
    )
    from_organisation_name = models.CharField(
        "sending organisation (not using the system)", max_length=200, blank=True
    )
    # An arrival may come from outside health and care (education, another sector, not in employment).
    from_sector = models.CharField(max_length=20, choices=DestinationSector.choices)
    from_post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="moves_out"
    )
    from_assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_receiver = models.BooleanField(
        default=False, help_text="Recorded by the receiving organisation: the sender does not use the system"
    )
    to_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="moves_in"
    )
    to_sector = models.CharField(max_length=20, choices=DestinationSector.choices)
    to_post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="moves_in"
    )
    to_assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    staff_group = models.CharField(max_length=20, choices=StaffGroup.choices, help_text="At the sending end")
    joint_arrangement = models.ForeignKey(
        JointArrangement, null=True, blank=True, on_delete=models.PROTECT, related_name="moves"
    )
    offer_date = models.DateField(null=True, blank=True)
    effective_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Planned end of a secondment or rotation")
    days_offer_to_start = models.IntegerField(null=True, blank=True, editable=False)
    reason = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    credentials_reused = models.ManyToManyField(
        PassportCredential, blank=True, related_name="reused_in_moves"
    )
    checks_repeated = models.JSONField(
        default=list, blank=True, help_text="Checks the receiver had to repeat"
    )
    history = HistoricalRecords(excluded_fields=["recorded_at"])

    class Meta:
        ordering = ["-effective_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gt=models.F("effective_date")),
                name="move_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["effective_date"]),
            models.Index(fields=["from_sector", "to_sector", "effective_date"]),
            # The HR moves list: "from or to my organisations", newest first.
            models.Index(fields=["from_organisation", "-effective_date"], name="move_from_org_date"),
            models.Index(fields=["to_organisation", "-effective_date"], name="move_to_org_date"),
        ]

    def __str__(self):
        return f"{self.get_move_type_display()}: {self.person} on {self.effective_date:%d %B %Y}"

    @property
    def from_display(self) -> str:
        """The sending end as a person reads it."""
        if self.from_organisation is not None:
            return self.from_organisation.display_name
        return self.from_organisation_name or self.get_from_sector_display()

    @property
    def is_cross_sector(self) -> bool:
        return self.from_sector != self.to_sector
