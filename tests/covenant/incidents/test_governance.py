"""Case governance (issue 12, finding 4): who may take each step of the workflow. Through the pages a handler
uses, as far as possible."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from covenant.incidents import services
from covenant.incidents.models import (
    CaseExclusion,
    CaseTransition,
    IncidentReport,
    Status,
)

from .factories import IncidentReportFactory

pytestmark = pytest.mark.django_db


def _do(client, report, action, **data):
    return client.post(reverse("incidents:case_transition", args=[report.pk, action]), data)


def _status(report) -> str:
    return IncidentReport.objects.values_list("status", flat=True).get(pk=report.pk)


@pytest.fixture
def investigator(make_user, organisation):
    return make_user(
        "incident_handler",
        organisation=organisation,
        email="sam.example@example.org",
        first_name="Sam",
        last_name="Example",
    )


@pytest.fixture
def third_handler(make_user, organisation):
    return make_user("incident_handler", organisation=organisation, email="third.handler@example.org")


def _awaiting_sign_off(*, organisation, investigator, requester, **fields):
    """A case sent for sign-off by `requester`. Before the governance rules anyone could send a case for
    sign-off, so cases like this (requester not the investigator) exist in live data."""
    report = IncidentReportFactory(
        organisation=organisation,
        status=Status.AWAITING_SIGN_OFF,
        investigator=investigator,
        lead_handler=requester,
        outcome_for_reporter="We reviewed what happened.",
        closure_rationale="Internal rationale.",
        **fields,
    )
    CaseTransition.objects.create(
        report=report,
        action="request_sign_off",
        from_status=Status.UNDER_REVIEW,
        to_status=Status.AWAITING_SIGN_OFF,
        actor=requester,
        actor_label=requester.email,
    )
    return report


# --- finding 4: one handler closes a case alone ----------------------------------------------------------------
def test_finding_4_only_the_named_investigator_investigates_and_someone_else_signs_off(
    client, login, handler, investigator, named_report
):
    """The reproduction: on a case in "assigned", the handler who named a colleague as investigator started the
    review, sent the case for sign-off and closed it. Now every investigation step is the investigator's."""
    report = named_report
    login(handler)
    _do(client, report, "acknowledge")
    assert _do(client, report, "assign", investigator=investigator.pk).status_code == 302
    assert _status(report) == Status.ASSIGNED

    response = _do(client, report, "start_review")
    assert response.status_code == 403
    assert _do(client, report, "request_info", message_for_reporter="Which bay?").status_code == 403
    assert _status(report) == Status.ASSIGNED

    login(investigator)
    assert _do(client, report, "start_review").status_code == 302
    login(handler)
    assert _do(client, report, "actions_pending").status_code == 403
    outcome = {"outcome_for_reporter": "We spoke to the patient.", "closure_rationale": "Reviewed."}
    assert _do(client, report, "request_sign_off", **outcome).status_code == 403
    assert _status(report) == Status.UNDER_REVIEW

    login(investigator)
    assert _do(client, report, "request_sign_off", **outcome).status_code == 302
    assert _do(client, report, "close").status_code == 403  # not their own sign-off
    assert _status(report) == Status.AWAITING_SIGN_OFF

    login(handler)
    assert _do(client, report, "close").status_code == 302
    report.refresh_from_db()
    assert report.status == Status.CLOSED and report.signed_off_by == handler
    actors = {t.action: t.actor for t in report.transitions.exclude(action="submit")}
    assert actors["start_review"] == actors["request_sign_off"] == investigator
    assert actors["close"] == handler


def test_finding_4_whoever_sent_the_case_for_sign_off_cannot_sign_it_off(
    client, login, handler, investigator, second_handler, organisation
):
    report = _awaiting_sign_off(organisation=organisation, investigator=investigator, requester=handler)
    login(handler)
    response = _do(client, report, "close")
    assert response.status_code == 403
    assert _do(client, report, "reject_sign_off", note="More to do").status_code == 403
    assert _status(report) == Status.AWAITING_SIGN_OFF

    login(second_handler)
    assert _do(client, report, "close").status_code == 302
    report.refresh_from_db()
    assert report.status == Status.CLOSED and report.signed_off_by == second_handler


def test_the_service_enforces_the_table_too(handler, investigator, organisation):
    report = IncidentReportFactory(
        organisation=organisation, status=Status.ASSIGNED, investigator=investigator
    )
    with pytest.raises(PermissionDenied, match="Only the investigator, Sam Example, can start the review"):
        services.case_transition(report=report, action="start_review", actor=handler)
    assert _status(report) == Status.ASSIGNED


def test_case_page_shows_only_the_steps_the_user_may_take_and_why_not_the_others(
    client, login, handler, investigator, organisation
):
    report = IncidentReportFactory(
        organisation=organisation, status=Status.ASSIGNED, investigator=investigator
    )
    url = reverse("incidents:case_detail", args=[report.pk])
    start = reverse("incidents:case_transition", args=[report.pk, "start_review"])

    login(handler)
    page = client.get(url).content.decode()
    assert start not in page
    assert "Only the investigator, Sam Example, can start the review." in page
    assert reverse("incidents:case_transition", args=[report.pk, "assign"]) in page

    login(investigator)
    page = client.get(url).content.decode()
    assert start in page
    assert "Only the investigator" not in page


def test_an_excluded_investigator_is_replaced_and_the_new_one_starts_again(
    client, login, handler, investigator, second_handler, organisation
):
    report = IncidentReportFactory(
        organisation=organisation, status=Status.UNDER_REVIEW, investigator=investigator, lead_handler=handler
    )
    login(handler)
    client.post(
        reverse("incidents:case_exclusion_add", args=[report.pk]),
        {"email": investigator.email, "reason": "conflict"},
    )
    report.refresh_from_db()
    assert report.investigator is None
    page = client.get(reverse("incidents:case_detail", args=[report.pk])).content.decode()
    assert "Assign an investigator first: only the investigator can send the case for sign-off." in page

    assert _do(client, report, "assign", investigator=second_handler.pk).status_code == 302
    assert _status(report) == Status.ASSIGNED
    login(second_handler)
    assert _do(client, report, "start_review").status_code == 302


# --- the table, transition by transition and actor by actor ----------------------------------------------------
HANDLERS = {"lead", "investigator", "other_handler", "sign_off_requester"}
ACTORS = (*sorted(HANDLERS), "excluded_handler", "other_org_handler", "reporter")
# Written out rather than read from services.TRANSITIONS, so that a change to the table has to change this too.
WHO_MAY = {
    "acknowledge": HANDLERS,
    "not_an_incident": HANDLERS,
    "redirect": HANDLERS,
    "merge": HANDLERS,
    "assign": HANDLERS,
    "start_review": {"investigator"},
    "request_info": {"investigator"},
    "actions_pending": {"investigator"},
    "request_sign_off": {"investigator"},
    "reject_sign_off": {"lead", "other_handler"},
    "close": {"lead", "other_handler"},
    "reopen": HANDLERS,
    "archive": HANDLERS,
}
# Those who may not see the case at all are turned away before any rule: 404 (excluded, elsewhere) or 403.
OUTSIDERS = {"excluded_handler": 404, "other_org_handler": 404, "reporter": 403}


@pytest.fixture
def cast(make_user, organisation, handler, investigator, other_org_handler, reporter):
    return {
        "lead": handler,
        "investigator": investigator,
        "other_handler": make_user("incident_handler", organisation=organisation, email="other@example.org"),
        "sign_off_requester": make_user(
            "incident_handler", organisation=organisation, email="requester@example.org"
        ),
        "excluded_handler": make_user(
            "incident_handler", organisation=organisation, email="excluded@example.org"
        ),
        "other_org_handler": other_org_handler,
        "reporter": reporter,
    }


def _case_in(status: str, cast, organisation) -> IncidentReport:
    started = status not in (Status.SUBMITTED,)
    investigated = status not in (
        Status.SUBMITTED,
        Status.TRIAGE,
        Status.NOT_AN_INCIDENT,
        Status.REDIRECTED,
        Status.MERGED,
    )
    report = IncidentReportFactory(
        organisation=organisation,
        reporter=cast["reporter"],
        status=status,
        lead_handler=cast["lead"] if started else None,
        investigator=cast["investigator"] if investigated else None,
        wants_support=False,
        wants_police_action="no",
        wants_feedback=True,
        outcome_for_reporter="We reviewed what happened." if investigated else "",
        closed_at=timezone.now() if status == Status.CLOSED else None,
    )
    CaseExclusion.objects.create(report=report, user=cast["excluded_handler"], reason="conflict")
    if status == Status.AWAITING_SIGN_OFF:
        CaseTransition.objects.create(
            report=report,
            action="request_sign_off",
            from_status=Status.UNDER_REVIEW,
            to_status=status,
            actor=cast["sign_off_requester"],
            actor_label="requester@example.org",
        )
    return report


def _form_for(action: str, report, cast) -> dict:
    if action in ("not_an_incident", "redirect"):
        return {"reason_for_reporter": "This goes to HR."}
    if action == "merge":
        return {"merge_into": IncidentReportFactory(organisation=report.organisation).reference}
    if action == "assign":
        return {"investigator": cast["investigator"].pk}
    if action == "request_info":
        return {"message_for_reporter": "Which bay were you in?"}
    if action == "request_sign_off":
        return {"outcome_for_reporter": "Written warning.", "closure_rationale": "CCTV reviewed."}
    if action in ("reject_sign_off", "reopen"):
        return {"note": "Reason"}
    return {}


def test_the_table_test_covers_every_transition():
    assert set(WHO_MAY) == set(services.TRANSITIONS)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(WHO_MAY))
def test_who_may_take_each_step(action, actor, client, login, cast, organisation):
    transition = services.TRANSITIONS[action]
    report = _case_in(transition.sources[0], cast, organisation)
    before = report.transitions.count()
    login(cast[actor])
    response = _do(client, report, action, **_form_for(action, report, cast))
    if actor in WHO_MAY[action]:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert _status(report) == transition.target
        assert report.transitions.latest("pk").actor == cast[actor]
    else:
        assert response.status_code == OUTSIDERS.get(actor, 403)
        assert _status(report) == transition.sources[0]
        assert report.transitions.count() == before


@pytest.mark.parametrize(
    ("action", "source"),
    [(a, s) for a, t in services.TRANSITIONS.items() for s in t.sources[1:]],
)
def test_each_step_from_each_of_its_states(action, source, client, login, cast, organisation):
    allowed = sorted(WHO_MAY[action])[0]
    report = _case_in(source, cast, organisation)
    login(cast[allowed])
    assert _do(client, report, action, **_form_for(action, report, cast)).status_code == 302
    assert _status(report) == services.TRANSITIONS[action].target


@pytest.mark.parametrize("actor", sorted(HANDLERS))
def test_the_case_page_offers_exactly_the_allowed_steps(actor, client, login, cast, organisation):
    login(cast[actor])
    for status in Status.values:
        report = _case_in(status, cast, organisation)
        page = client.get(reverse("incidents:case_detail", args=[report.pk])).content.decode()
        offered = set(re.findall(rf"/incidents/cases/{report.pk}/do/([a-z_]+)/", page))
        expected = {
            action
            for action, transition in services.TRANSITIONS.items()
            if status in transition.sources and actor in WHO_MAY[action]
        }
        assert offered == expected, status


def test_a_step_from_the_wrong_state_is_refused(client, login, cast, organisation):
    report = _case_in(Status.ASSIGNED, cast, organisation)
    login(cast["investigator"])
    assert _do(client, report, "close").status_code == 403
    assert _do(client, report, "acknowledge").status_code == 403
    assert _status(report) == Status.ASSIGNED
