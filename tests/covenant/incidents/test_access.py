"""Every role against every incident URL and export."""

import pytest
from django.urls import reverse

from covenant.incidents.models import CaseExclusion, IdentityDisclosureRequest, Sanction, SupportOffer
from demo.factories.incidents import IncidentReportFactory

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


@pytest.fixture
def world(named_report, handler, make_user, organisation, reporter, custodian):
    excluded = make_user("incident_handler", organisation=organisation, email="excluded@example.org")
    CaseExclusion.objects.create(report=named_report, user=excluded, reason="named_subject")
    offer = SupportOffer.objects.create(
        report=named_report, staff_member="Reporter", route="eap", offered_by=handler
    )
    sanction = Sanction.objects.create(
        report=named_report, subject_description="Patient A", kind="written_warning", proposed_by=handler
    )
    named_report.mode = "confidential"
    named_report.save()
    disclosure = IdentityDisclosureRequest.objects.create(
        report=named_report, requested_by=handler, reason="Risk"
    )
    return {
        "report": named_report,
        "excluded": excluded,
        "offer": offer,
        "sanction": sanction,
        "disclosure": disclosure,
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


HANDLER_ONLY = {
    "anonymous": 302,
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


def _case_urls(world):
    pk = world["report"].pk
    return [
        reverse("incidents:case_detail", args=[pk]),
        reverse("incidents:case_transition", args=[pk, "acknowledge"]),
        reverse("incidents:case_exclusion_add", args=[pk]),
        reverse("incidents:case_legal_hold", args=[pk]),
        reverse("incidents:case_perpetrator", args=[pk]),
        reverse("incidents:case_identity_request", args=[pk]),
        reverse("incidents:support_add", args=[pk]),
        reverse("incidents:support_update", args=[pk, world["offer"].pk]),
        reverse("incidents:riddor_edit", args=[pk]),
        reverse("incidents:police_edit", args=[pk]),
        reverse("incidents:sanction_add", args=[pk]),
        reverse("incidents:sanction_move", args=[pk, world["sanction"].pk, "clinical_review"]),
        reverse("incidents:action_add", args=[pk]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_case_pages(role, as_role, world):
    client = as_role(role)
    for url in _case_urls(world):
        response = client.get(url)
        assert response.status_code == HANDLER_ONLY[role], (role, url)
        if role == "anonymous":
            assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_case_posts_are_refused_and_change_nothing(role, as_role, world):
    if role == "handler":
        return
    client = as_role(role)
    pk = world["report"].pk
    response = client.post(
        reverse("incidents:case_message", args=[pk]), {"audience": "internal", "body": "x"}
    )
    assert response.status_code in (302, 403, 404)
    response = client.post(reverse("incidents:case_transition", args=[pk, "acknowledge"]), {"note": ""})
    assert response.status_code in (302, 403, 404)
    world["report"].refresh_from_db()
    assert world["report"].status == "submitted"
    assert not world["report"].messages.exists()


LIST_EXPECTED = {**HANDLER_ONLY, "other_org_handler": 200, "excluded_handler": 200}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("suffix", ["", "?_export=csv", "?_export=xlsx"])
def test_case_list_and_exports(role, suffix, as_role, world):
    client = as_role(role)
    response = client.get(reverse("incidents:case_list") + suffix)
    assert response.status_code == LIST_EXPECTED[role]
    if response.status_code == 200 and suffix != "?_export=xlsx":
        content = b"".join(response.streaming_content) if response.streaming else response.content
        visible = world["report"].reference.encode() in content
        assert visible == (role == "handler"), role


@pytest.mark.parametrize("role", ROLES)
def test_handler_dashboard(role, as_role):
    expected = {**HANDLER_ONLY, "other_org_handler": 200, "excluded_handler": 200}
    assert as_role(role).get(reverse("incidents:dashboard")).status_code == expected[role]


STATISTICS_EXPECTED = {
    **HANDLER_ONLY,
    "other_org_handler": 200,
    "excluded_handler": 200,
    "analyst": 200,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", ["incidents:statistics", "incidents:board_report"])
def test_statistics_and_board_report(role, url_name, as_role):
    assert as_role(role).get(reverse(url_name)).status_code == STATISTICS_EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
def test_identity_requests(role, as_role, world):
    expected = dict.fromkeys(ROLES, 403) | {"anonymous": 302, "custodian": 200}
    client = as_role(role)
    assert client.get(reverse("incidents:disclosure_list")).status_code == expected[role]
    response = client.get(reverse("incidents:disclosure_decide", args=[world["disclosure"].pk]))
    assert response.status_code == expected[role]


@pytest.mark.parametrize("role", ROLES)
def test_reporters_own_report(role, as_role, world):
    expected = dict.fromkeys(ROLES, 404) | {"anonymous": 302, "reporter": 200}
    assert (
        as_role(role).get(reverse("incidents:my_report", args=[world["report"].pk])).status_code
        == expected[role]
    )


@pytest.mark.parametrize("role", ROLES)
def test_public_pages_open_to_every_role(role, as_role):
    client = as_role(role)
    assert client.get(reverse("incidents:report_start")).status_code == 200
    assert client.get(reverse("incidents:report_form", args=["anonymous"])).status_code == 200
    assert client.get(reverse("incidents:follow_up")).status_code == 200


def test_custodian_of_another_organisation_sees_no_requests(
    client, login, make_user, other_organisation, world
):
    outsider = make_user("identity_custodian", organisation=other_organisation)
    login(outsider)
    assert world["report"].reference not in client.get(reverse("incidents:disclosure_list")).content.decode()
    assert (
        client.get(reverse("incidents:disclosure_decide", args=[world["disclosure"].pk])).status_code == 404
    )


def test_handler_in_two_roles_sees_only_handler_organisation_cases(
    client, login, make_user, other_organisation
):
    """A handler who is only a reporter at another organisation does not see that organisation's cases."""
    from .conftest import grant

    user = make_user("incident_handler", email="dual@example.org")
    grant(user, other_organisation, "incident_reporter")
    other_case = IncidentReportFactory(organisation=other_organisation)
    login(user)
    assert client.get(reverse("incidents:case_detail", args=[other_case.pk])).status_code == 404
