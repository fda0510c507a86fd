import datetime

import factory
from django.utils import timezone

from covenant.incidents.models import (
    Category,
    IncidentReport,
    Injury,
    ReporterRelationship,
    ReportingMode,
    Setting,
    Source,
    acknowledge_deadline,
)
from demo.factories.workforce import OrganisationFactory


class IncidentReportFactory(factory.django.DjangoModelFactory):
    """A submitted report. Use services.report_submit when the follow-up code or exclusions matter."""

    class Meta:
        model = IncidentReport

    mode = ReportingMode.NAMED
    relationship = ReporterRelationship.TARGETED
    reporter = None
    organisation = factory.SubFactory(OrganisationFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=3))
    setting = Setting.EMERGENCY_DEPARTMENT
    category = Category.VERBAL_ABUSE
    source = Source.PATIENT
    narrative = "The patient shouted at me and threatened to hit me."
    injury = Injury.NONE
    reported_at = factory.LazyFunction(timezone.now)
    acknowledge_by = factory.LazyAttribute(lambda o: acknowledge_deadline(o.reported_at))
