import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from covenant.incidents import services
from demo.factories.incidents import IncidentReportFactory
from demo.factories.workforce import MembershipFactory

PAYLOAD = re.compile(r'name="journey" value="([^"]+)"')
STEP = re.compile(r'data-step="([a-z_]+)"')
CODE = re.compile(r"\b(\d{4} \d{4} \d{4} \d{4})\b")
NARRATIVE = "A patient's visitor made racist remarks to me at the triage desk."

# What a person answers on each page of the report (views/report_journey.py), by step.
CORE_ANSWERS = {
    "what": {"category": "discriminatory", "narrative": NARRATIVE},
    "when": {"day": "yesterday", "occurred_time": "14:30"},
    "where": {"setting": "emergency_department", "site": "Emergency department"},
    "who": {"relationship": "targeted"},
    "hurt": {"injury": "none"},
}


def payload_of(response) -> str:
    return PAYLOAD.search(response.content.decode()).group(1)


def step_of(response) -> str:
    found = STEP.search(response.content.decode())
    return found.group(1) if found else ""


def answer(client, response, url: str | None = None, **data):
    """Post the page's form (its sealed progress plus `data`) as the browser would."""
    return client.post(url or response.request["PATH_INFO"], {"journey": payload_of(response), **data})


def report_pages(client, organisation=None, /, *, mode="anonymous", answers=None, send=True):
    """Walk the report through its pages: GET the first, answer each page shown with `answers[step]` (defaults:
    CORE_ANSWERS, the organisation where asked), then send from "Check your answers". Returns the last response
    (the confirmation once sent); stops early on a page that comes back with an error."""
    url = reverse("incidents:report_form", args=[mode])
    given = {**CORE_ANSWERS, **(answers or {})}
    if organisation is not None:
        given.setdefault("organisation", {"organisation": str(organisation.pk)})
    page = client.get(url)
    for _ in range(12):
        step = step_of(page)
        if page.status_code != 200 or step in ("", "check"):
            break
        page = answer(client, page, url, **given.get(step, {}))
    if send and step_of(page) == "check":
        page = answer(client, page, url, action="send")
    return page


def code_of(response) -> str:
    return CODE.search(response.content.decode()).group(1)


def tell_more(client, sent, /, *, mode="anonymous", answers=None):
    """From the confirmation, answer "tell us more" (each page: `answers[step]`, else skipped) and add it."""
    url = reverse("incidents:report_more", args=[mode])
    page = answer(client, sent, url)
    for _ in range(20):
        step = step_of(page)
        if page.status_code != 200 or step in ("", "check"):
            break
        page = answer(client, page, url, **(answers or {}).get(step, {}))
    if step_of(page) == "check":
        page = answer(client, page, url, action="send")
    return page


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

    def _submit(*, reporter=None, mode="anonymous", subject_emails=(), submission_key="", **fields):
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
        return services.report_submit(
            reporter=reporter,
            mode=mode,
            data=data,
            subject_emails=subject_emails,
            submission_key=submission_key,
        )

    return _submit


def grant(user, organisation, role):
    MembershipFactory(user=user, organisation=organisation, role=role)
