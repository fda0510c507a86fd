"""Who a case is kept from: the people named as its source and their line management."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cms.audit import audit

from ..models import CaseExclusion, IncidentReport
from ..selectors.line_management import named_people_with_line_management


@dataclass(frozen=True)
class Exclusions:
    """The accounts newly excluded from a case, by reason."""

    named: frozenset[int] = frozenset()
    line_management: frozenset[int] = frozenset()

    @property
    def user_ids(self) -> frozenset[int]:
        return self.named | self.line_management


def exclude_named_and_line_management(
    *, report: IncidentReport, emails, keep_user_ids=frozenset(), named=True, at=None
) -> Exclusions:
    """Exclude the accounts with these e-mails (unless `named` is False) and everyone above the named people
    in line management. Existing exclusions keep their reason. A fixed number of queries."""
    at = at or timezone.now()
    found = named_people_with_line_management(emails=emails)
    existing = set(report.exclusions.values_list("user_id", flat=True))
    skip = existing | set(keep_user_ids)
    new_named = frozenset(found.named_user_ids - skip) if named else frozenset()
    new_managers = frozenset(found.line_management_user_ids - skip - new_named)
    CaseExclusion.objects.bulk_create(
        [
            CaseExclusion(
                report=report, user_id=user_id, reason=CaseExclusion.Reason.NAMED_SUBJECT, created_at=at
            )
            for user_id in sorted(new_named)
        ]
        + [
            CaseExclusion(
                report=report, user_id=user_id, reason=CaseExclusion.Reason.LINE_MANAGEMENT, created_at=at
            )
            for user_id in sorted(new_managers)
        ]
    )
    return Exclusions(named=new_named, line_management=new_managers)


@transaction.atomic
def exclusion_add(*, report: IncidentReport, actor, email: str, reason: str, request=None) -> Exclusions:
    """Exclude the person with this e-mail. Naming them as the source also excludes their line management
    from the workforce records, as at submission; that works even if the person named has no account."""
    if reason not in CaseExclusion.Reason.values:
        raise ValidationError({"reason": "Choose why the person is excluded"})
    email = (email or "").strip()
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is not None and user.pk == actor.pk:
        raise ValidationError(
            {"email": "To step back from a case yourself, ask another handler to exclude you"}
        )
    named = frozenset()
    if user is not None and not report.exclusions.filter(user=user).exists():
        CaseExclusion.objects.create(report=report, user=user, reason=reason)
        named = frozenset({user.pk})
    managers = frozenset()
    if reason == CaseExclusion.Reason.NAMED_SUBJECT:
        found = named_people_with_line_management(emails=[email])
        if actor.pk in found.line_management_user_ids:
            raise ValidationError(
                {
                    "email": "You are in this person's line management, so you should not handle this case: "
                    "ask another handler to add this exclusion"
                }
            )
        managers = exclude_named_and_line_management(
            report=report, emails=[email], keep_user_ids={actor.pk}, named=False
        ).line_management
    elif user is None:
        raise ValidationError({"email": "No account has that e-mail address"})
    if user is None and not managers:
        raise ValidationError(
            {
                "email": "No account has that e-mail address, and the workforce records show no line "
                "manager with an account for it"
            }
        )
    excluded = Exclusions(named=named, line_management=managers)
    release_excluded_roles(report=report, excluded=excluded, actor=actor)
    audit(
        action="incident.exclusion_added",
        request=request,
        actor=actor,
        obj=report,
        summary=f"Access to {report.reference} excluded for a named person"
        + (f" and {len(managers)} in their line management" if managers else ""),
        detail={
            "excluded_user": user.pk if user is not None else None,
            "reason": reason,
            "line_management_users": sorted(managers),
        },
    )
    return excluded


def release_excluded_roles(*, report: IncidentReport, excluded: Exclusions, actor) -> None:
    """An excluded investigator is unassigned. An excluded lead hands the lead to the investigator, who already
    sees what the lead sees; without one the lead stays on the record and the case needs a new owner, moved by a
    lead other than the one who gains it. Never to `actor`: otherwise excluding the lead (or naming them, or
    someone they manage, as who did it) would hand a confidential reporter's identity to whoever excluded them."""
    changed = []
    if report.investigator_id in excluded.user_ids:
        report.investigator = None
        changed.append("investigator")
    if report.lead_handler_id in excluded.user_ids and report.investigator_id is not None:
        report.lead_handler_id = report.investigator_id
        changed.append("lead_handler")
    if changed:
        report.save(update_fields=changed)
