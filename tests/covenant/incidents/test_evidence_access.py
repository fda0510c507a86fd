"""Every role against every screen issue 17 adds for evidence, witness statements, notes and moving cases: allowed,
refused (403 for the wrong role, 404 for a case that is not theirs, with an `access.refused` audit line) or sent to
sign in."""

import pytest
from django.urls import reverse

from cms.accounts.models import AuditEvent
from covenant.incidents.models import CaseExclusion, Evidence, Message, WitnessStatement
from covenant.incidents.services.evidence import evidence_add

from .test_evidence import PDF, TEXT, upload

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "reporter",
    "other_reporter",
    "handler",
    "other_org_handler",
    "excluded_handler",
    "custodian",
    "analyst",
    "auditor",
    "hr_admin",
    "editor",
)
SIGN_IN = 302
CASE_PAGE = {
    "anonymous": SIGN_IN,
    "reporter": 403,
    "other_reporter": 403,
    "handler": 200,
    "other_org_handler": 404,
    "excluded_handler": 404,
    "custodian": 403,
    "analyst": 403,
    "auditor": 403,
    "hr_admin": 403,
    "editor": 403,
}
# Lists of a lead's own organisations: any handler may open them (they list only what that handler may see).
LEAD_PAGE = {**CASE_PAGE, "other_org_handler": 200, "excluded_handler": 200}
# The reporter's own report: only its reporter; anyone else signed in is told there is no such report.
REPORTER_PAGE = dict.fromkeys(ROLES, 404) | {"anonymous": SIGN_IN, "reporter": 200}


@pytest.fixture
def world(named_report, handler, reporter, make_user, organisation):
    excluded = make_user("incident_handler", organisation=organisation, email="excluded@example.org")
    CaseExclusion.objects.create(report=named_report, user=excluded, reason="named_subject")
    handlers_file = evidence_add(
        report=named_report, name="cctv-still.pdf", data=PDF, uploaded_by=handler, from_reporter=False
    )
    reporters_file = evidence_add(
        report=named_report, name="my-notes.txt", data=TEXT, uploaded_by=reporter, from_reporter=True
    )
    return {
        "report": named_report,
        "excluded": excluded,
        "handlers": handlers_file,
        "reporters": reporters_file,
    }


@pytest.fixture
def as_role(request, client, login, world):
    def _as(role):
        if role == "anonymous":
            return client
        user = world["excluded"] if role == "excluded_handler" else request.getfixturevalue(role)
        login(user)
        return client

    return _as


def _case_screens(world):
    pk = world["report"].pk
    return [
        reverse("incidents:evidence_upload", args=[pk]),
        reverse("incidents:evidence_download", args=[pk, world["handlers"].pk]),
        reverse("incidents:evidence_download", args=[pk, world["reporters"].pk]),
        reverse("incidents:witness_statement_add", args=[pk]),
        reverse("incidents:case_note_add", args=[pk]),
        reverse("incidents:case_reassign", args=[pk]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_case_screens(role, as_role, world):
    client = as_role(role)
    for url in _case_screens(world):
        response = client.get(url)
        assert response.status_code == CASE_PAGE[role], (role, url)
        if role == "anonymous":
            assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_lead_screens(role, as_role):
    client = as_role(role)
    for url in (reverse("incidents:cases_needing_owner"), reverse("incidents:cases_reassign")):
        response = client.get(url)
        assert response.status_code == LEAD_PAGE[role], (role, url)


@pytest.mark.parametrize("role", ROLES)
def test_reporter_screens(role, as_role, world):
    client = as_role(role)
    pk = world["report"].pk
    for url in (
        reverse("incidents:my_report_evidence_upload", args=[pk]),
        reverse("incidents:my_report_evidence", args=[pk, world["reporters"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == REPORTER_PAGE[role], (role, url)


@pytest.mark.parametrize("role", ROLES)
def test_follow_up_screens_need_a_code(role, as_role, world):
    client = as_role(role)
    for url in (
        reverse("incidents:follow_up_evidence_upload"),
        reverse("incidents:follow_up_evidence") + f"?file={world['reporters'].pk}",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("incidents:follow_up"), (
            role,
            url,
        )


@pytest.mark.parametrize("role", [r for r in ROLES if r != "handler"])
def test_posts_by_anyone_but_a_handler_of_the_case_change_nothing(role, as_role, world, handler):
    client = as_role(role)
    pk = world["report"].pk
    before = Evidence.objects.count()
    posts = [
        (reverse("incidents:evidence_upload", args=[pk]), {"file": upload("x.pdf", PDF, "application/pdf")}),
        (
            reverse("incidents:witness_statement_add", args=[pk]),
            {
                "witness_name": "A Witness",
                "relationship": "staff",
                "taken_on_day": "1",
                "taken_on_month": "3",
                "taken_on_year": "2026",
                "statement": "I saw it.",
            },
        ),
        (reverse("incidents:case_note_add", args=[pk]), {"body": "Internal note"}),
        (reverse("incidents:case_reassign", args=[pk]), {"from_user": handler.pk, "to_user": handler.pk}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in (302, 403, 404), (role, url)
        if response.status_code == 302:
            assert reverse("accounts:login") in response["Location"]
    assert Evidence.objects.count() == before
    assert not WitnessStatement.objects.exists() and not Message.objects.exists()


def test_another_organisations_handler_is_refused_a_file_and_the_refusal_is_audited(
    client, login, other_org_handler, world
):
    login(other_org_handler)
    url = reverse("incidents:evidence_download", args=[world["report"].pk, world["handlers"].pk])
    response = client.get(url)
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="incident.evidence_opened").exists()
    refusal = AuditEvent.objects.get(action="access.refused", actor=other_org_handler)
    assert refusal.object_type == "incidents.incidentreport" and refusal.object_id == str(world["report"].pk)


def test_a_file_asked_for_under_another_case_is_refused_and_audited(
    client, login, handler, world, organisation
):
    from demo.factories.incidents import IncidentReportFactory

    other_case = IncidentReportFactory(organisation=organisation)
    login(handler)
    response = client.get(reverse("incidents:evidence_download", args=[other_case.pk, world["handlers"].pk]))
    assert response.status_code == 404
    refusal = AuditEvent.objects.get(action="access.refused", actor=handler)
    assert refusal.object_type == "incidents.evidence" and refusal.detail["reason"] == "not_on_this_case"
