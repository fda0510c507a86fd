"""Who did it, as a handler identifies them on a case: the patient's NHS number and the member of staff's
workforce record, which `selectors.perpetrators` matches across cases (docs/incidents.md, "Repeat perpetrators")."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from cms.audit import audit
from workforce.models import Person

from ..models import IncidentReport
from ..nhs_number import nhs_number_index, validate_nhs_number
from ..selectors.line_management import named_people_with_line_management
from ..selectors.perpetrators import staff_person_at_organisation
from .exclusions import exclude_named_and_line_management, release_excluded_roles


def _change(old, new) -> str:
    if old == new:
        return "unchanged"
    return "removed" if not new else ("recorded" if not old else "changed")


@transaction.atomic
def case_perpetrator_record(
    *, report: IncidentReport, actor, nhs_number: str = "", staff_email: str = "", request=None
) -> IncidentReport:
    """Record (or clear, with blanks) the patient's NHS number and the member of staff who did it.

    The NHS number is checked (mod 11) and stored encrypted beside its keyed hash; the member of staff is found
    by work e-mail among the people employed by or working at the case's organisation. Naming a member of staff
    excludes them and their line management from the case, as naming them on the report does; a handler in
    their line management is refused. The audit row says what changed, never the number.
    """
    errors = {}
    number = ""
    if (nhs_number or "").strip():
        try:
            number = validate_nhs_number(nhs_number)
        except ValidationError as exc:
            errors["nhs_number"] = exc.messages[0]
    person = None
    if (staff_email or "").strip():
        person = staff_person_at_organisation(organisation=report.organisation, email=staff_email)
        if person is None:
            errors["staff_email"] = (
                f"No member of staff at {report.organisation.name} has that work e-mail address in the "
                "workforce records"
            )
        elif not Person.objects.select_for_update().filter(pk=person.pk, erased_at__isnull=True).exists():
            # Locked so the workforce purge, which locks the record before reading whether a case names it,
            # cannot anonymise it while this case comes to name it.
            errors["staff_email"] = "That workforce record has been anonymised, so it cannot be recorded"
        elif person.work_email == (actor.email or "").strip().lower():
            errors["staff_email"] = "To step back from a case yourself, ask another handler to exclude you"
        elif (
            actor.pk in named_people_with_line_management(emails=[person.work_email]).line_management_user_ids
        ):
            errors["staff_email"] = (
                "You are in this person's line management, so you should not handle this case: ask another "
                "handler to record them"
            )
    if errors:
        raise ValidationError(errors)

    old_index, old_person_id = report.perpetrator_nhs_number_index, report.perpetrator_person_id
    report.perpetrator_nhs_number = number
    report.perpetrator_nhs_number_index = nhs_number_index(number) if number else ""
    report.perpetrator_person = person
    report.save(
        update_fields=["perpetrator_nhs_number", "perpetrator_nhs_number_index", "perpetrator_person"]
    )
    excluded_ids: list[int] = []
    if person is not None and person.pk != old_person_id:
        excluded = exclude_named_and_line_management(
            report=report, emails=[person.work_email], keep_user_ids={actor.pk}
        )
        release_excluded_roles(report=report, excluded=excluded, actor=actor)
        excluded_ids = sorted(excluded.user_ids)
    audit(
        action="incident.perpetrator_recorded",
        request=request,
        actor=actor,
        obj=report,
        summary=f"Who did it recorded on {report.reference}",
        detail={
            "patient_nhs_number": _change(old_index, report.perpetrator_nhs_number_index),
            "staff_person": person.pk if person is not None else None,
            "staff_person_change": _change(old_person_id, report.perpetrator_person_id),
            "excluded_users": excluded_ids,
        },
    )
    return report
