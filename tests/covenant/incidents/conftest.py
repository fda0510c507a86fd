import datetime

import pytest
from django.utils import timezone

from covenant.incidents import services
from demo.factories.incidents import IncidentReportFactory
from demo.factories.workforce import MembershipFactory


def report_post_data(organisation, /, **overrides):
    """What a person would post on the report form."""
    when = timezone.localdate() - datetime.timedelta(days=1)
    data = {
        "relationship": "targeted",
        "staff_group": "nursing",
        "occurred_on_day": str(when.day),
        "occurred_on_month": str(when.month),
        "occurred_on_year": str(when.year),
        "occurred_time": "14:30",
        "organisation": str(organisation.pk),
        "site": "Emergency department",
        "setting": "emergency_department",
        "category": "discriminatory",
        "sub_types": ["discriminatory_remark", "shouting_swearing"],
        "protected_characteristic": "race",
        "source": "patient",
        "medical_factors": "none",
        "injury": "none",
        "treatment": "none",
        "days_off": "0",
        "police_contacted": "no",
        "crime_reference": "",
        "cctv_available": "yes",
        "narrative": "A patient's visitor made racist remarks to me at the triage desk.",
        "wants_police_action": "undecided",
        "wants_support": "yes",
        "wants_feedback": "yes",
        "may_tell_line_manager": "yes",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def reporter(make_user, organisation):
    return make_user("incident_reporter", organisation=organisation, email="reporter@example.org")


@pytest.fixture
def other_reporter(make_user, organisation):
    return make_user("incident_reporter", organisation=organisation, email="other.reporter@example.org")


@pytest.fixture
def handler(make_user, organisation):
    return make_user("incident_handler", organisation=organisation, email="handler@example.org")


@pytest.fixture
def second_handler(make_user, organisation):
    return make_user("incident_handler", organisation=organisation, email="second.handler@example.org")


@pytest.fixture
def other_org_handler(make_user, other_organisation):
    return make_user("incident_handler", organisation=other_organisation, email="handler@other.example.org")


@pytest.fixture
def custodian(make_user, organisation):
    return make_user("identity_custodian", organisation=organisation, email="custodian@example.org")


@pytest.fixture
def analyst(make_user):
    return make_user("analyst", email="analyst@example.org")


@pytest.fixture
def auditor(make_user):
    return make_user("auditor", email="auditor@example.org")


@pytest.fixture
def hr_admin(make_user, organisation):
    return make_user("hr_admin", organisation=organisation, email="hr@example.org")


@pytest.fixture
def editor(make_user):
    return make_user("editor", email="editor@example.org")


@pytest.fixture
def named_report(reporter, organisation):
    return IncidentReportFactory(reporter=reporter, organisation=organisation, mode="named")


@pytest.fixture
def submit(organisation):
    """submit(reporter=None, mode="anonymous", **fields) -> (report, code) through the service."""

    def _submit(*, reporter=None, mode="anonymous", subject_emails=(), **fields):
        data = {
            "relationship": "targeted",
            "occurred_at": timezone.now() - datetime.timedelta(hours=2),
            "occurred_approximate": False,
            "organisation": organisation,
            "site": "",
            "setting": "emergency_department",
            "category": "verbal_abuse",
            "sub_types": [],
            "protected_characteristic": "",
            "source": "patient",
            "medical_factors": "none",
            "narrative": "Shouted at and threatened.",
            "injury": "none",
            "treatment": "none",
            "days_off": None,
            "police_contacted": "no",
            "crime_reference": "",
            "cctv_available": "unknown",
            "wants_police_action": "no",
            "wants_support": True,
            "wants_feedback": True,
            "may_tell_line_manager": False,
        }
        data.update(fields)
        return services.report_submit(reporter=reporter, mode=mode, data=data, subject_emails=subject_emails)

    return _submit


def grant(user, organisation, role):
    MembershipFactory(user=user, organisation=organisation, role=role)
