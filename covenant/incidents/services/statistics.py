"""Figures entered beside the reports: an organisation's Staff Survey prevalence."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cms.audit import audit

from ..models import SurveyPrevalence
from ..selectors.cases import handler_organisations


@transaction.atomic
def survey_prevalence_record(
    *,
    organisation,
    actor,
    survey_year: int,
    headcount: int,
    physical_violence_percent,
    harassment_percent,
    request=None,
):
    if not handler_organisations(user=actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    record, _ = SurveyPrevalence.objects.update_or_create(
        organisation=organisation,
        survey_year=survey_year,
        defaults={
            "headcount": headcount,
            "physical_violence_percent": physical_violence_percent,
            "harassment_percent": harassment_percent,
            "entered_by": actor,
            "entered_at": timezone.now(),
        },
    )
    record.full_clean()
    audit(
        action="incident.survey_prevalence_recorded",
        request=request,
        actor=actor,
        obj=record,
        summary=f"Staff Survey {survey_year} figures for {organisation.name}",
    )
    return record
