"""Case governance (issue 12, findings 4 and 5): who may take each step of the workflow, and closing only once
every request the reporter made has an answer. Through the pages a handler uses, as far as possible."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cms.accounts.models import AuditEvent
from covenant.incidents import services
from covenant.incidents.models import (
    CaseExclusion,
    CaseTransition,
    IncidentReport,
    PoliceOutcome,
    ReporterRequestDecision,
    Status,
)
from demo.factories.incidents import IncidentReportFactory

from .conftest import report_pages, tell_more

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
# A case that ended without sign-off was put there by one handler (the lead in `_case_in`); someone else archives it.
ENDED_WITHOUT_SIGN_OFF = (Status.NOT_AN_INCIDENT, Status.REDIRECTED, Status.MERGED)
WHO_MAY_FROM = {("archive", status): HANDLERS - {"lead"} for status in ENDED_WITHOUT_SIGN_OFF}


def _who_may(action: str, status: str) -> set[str]:
    return WHO_MAY_FROM.get((action, status), WHO_MAY[action])


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
    if status in ENDED_WITHOUT_SIGN_OFF:
        CaseTransition.objects.create(
            report=report,
            action={Status.NOT_AN_INCIDENT: "not_an_incident", Status.REDIRECTED: "redirect"}.get(
                status, "merge"
            ),
            from_status=Status.TRIAGE,
            to_status=status,
            actor=cast["lead"],
            actor_label=cast["lead"].email,
        )
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
    assert set(WHO_MAY) == {t.name for t in services.TRANSITIONS}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(WHO_MAY))
def test_who_may_take_each_step(action, actor, client, login, cast, organisation):
    transition = services.TRANSITIONS.get(action)
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
    [(t.name, s) for t in services.TRANSITIONS for s in t.sources[1:]],
)
def test_each_step_from_each_of_its_states(action, source, client, login, cast, organisation):
    allowed = sorted(_who_may(action, source))[0]
    report = _case_in(source, cast, organisation)
    login(cast[allowed])
    assert _do(client, report, action, **_form_for(action, report, cast)).status_code == 302
    assert _status(report) == services.TRANSITIONS.get(action).target


@pytest.mark.parametrize("actor", sorted(HANDLERS))
def test_the_case_page_offers_exactly_the_allowed_steps(actor, client, login, cast, organisation):
    login(cast[actor])
    for status in Status.values:
        report = _case_in(status, cast, organisation)
        page = client.get(reverse("incidents:case_detail", args=[report.pk])).content.decode()
        offered = set(re.findall(rf"/incidents/cases/{report.pk}/do/([a-z_]+)/", page))
        expected = {
            transition.name
            for transition in services.TRANSITIONS
            if status in transition.sources and actor in _who_may(transition.name, status)
        }
        assert offered == expected, status


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("source", ENDED_WITHOUT_SIGN_OFF)
def test_who_may_archive_a_case_that_ended_without_sign_off(source, actor, client, login, cast, organisation):
    report = _case_in(source, cast, organisation)
    before = report.transitions.count()
    login(cast[actor])
    response = _do(client, report, "archive")
    if actor in _who_may("archive", source):
        assert response.status_code == 302, response.content.decode()[:2000]
        assert _status(report) == Status.ARCHIVED
    else:
        assert response.status_code == OUTSIDERS.get(actor, 403)
        assert _status(report) == source and report.transitions.count() == before


@pytest.mark.parametrize("target_status", [Status.ARCHIVED, Status.CLOSED, *ENDED_WITHOUT_SIGN_OFF])
def test_a_case_is_merged_only_into_a_live_case(target_status, client, login, cast, organisation):
    report = _case_in(Status.TRIAGE, cast, organisation)
    target = _case_in(target_status, cast, organisation)
    login(cast["other_handler"])
    response = _do(client, report, "merge", merge_into=target.reference)
    assert response.status_code == 400 and "That case" in response.content.decode()
    assert _status(report) == Status.TRIAGE
    live = _case_in(Status.UNDER_REVIEW, cast, organisation)
    assert _do(client, report, "merge", merge_into=live.reference).status_code == 302
    report.refresh_from_db()
    assert report.status == Status.MERGED and report.merged_into == live


def test_one_handler_cannot_end_a_case_alone_by_merging_and_archiving_it(
    client, login, handler, second_handler, organisation
):
    """The reproduction: one handler acknowledged a report that asked for support and police action, merged it
    into an archived case, and archived it, so no one ever answered the reporter. Likewise "not an incident" or
    "redirect", then archive."""
    report = IncidentReportFactory(
        organisation=organisation, wants_support=True, wants_police_action="yes", wants_feedback=True
    )
    archived = IncidentReportFactory(organisation=organisation, status=Status.ARCHIVED)
    login(handler)
    assert _do(client, report, "acknowledge").status_code == 302
    assert _do(client, report, "merge", merge_into=archived.reference).status_code == 400
    assert _status(report) == Status.TRIAGE

    live = IncidentReportFactory(organisation=organisation, status=Status.UNDER_REVIEW)
    assert _do(client, report, "merge", merge_into=live.reference).status_code == 302
    assert _do(client, report, "archive").status_code == 403
    assert _status(report) == Status.MERGED
    page = client.get(reverse("incidents:case_detail", args=[report.pk])).content.decode()
    assert "another handler must archive" in page
    login(second_handler)
    assert _do(client, report, "archive").status_code == 302
    assert _status(report) == Status.ARCHIVED

    for action in ("not_an_incident", "redirect"):
        other = IncidentReportFactory(organisation=organisation, status=Status.TRIAGE)
        login(handler)
        assert _do(client, other, action, reason_for_reporter="This goes to HR.").status_code == 302
        assert _do(client, other, "archive").status_code == 403
        login(second_handler)
        assert _do(client, other, "archive").status_code == 302


def test_a_step_from_the_wrong_state_is_refused(client, login, cast, organisation):
    report = _case_in(Status.ASSIGNED, cast, organisation)
    login(cast["investigator"])
    assert _do(client, report, "close").status_code == 403
    assert _do(client, report, "acknowledge").status_code == 403
    assert _status(report) == Status.ASSIGNED


# --- finding 5: cases close without answering the reporter -----------------------------------------------------
@pytest.fixture
def asking_report(client, login, reporter, organisation):
    """A named report through its pages, then "tell us more": the reporter asks for support, for police action and for feedback."""
    login(reporter)
    sent = report_pages(client, mode="named")
    tell_more(
        client,
        sent,
        mode="named",
        answers={
            "support": {"wants_support": "yes"},
            "police_wish": {"wants_police_action": "yes"},
            "feedback": {"wants_feedback": "yes"},
        },
    )
    report = IncidentReport.objects.get()
    assert report.wants_support and report.wants_police_action == "yes" and report.wants_feedback
    return report


def test_finding_5_a_case_is_not_sent_for_sign_off_or_closed_until_each_request_is_answered(
    client, login, handler, investigator, reporter, asking_report
):
    report = asking_report
    login(handler)
    _do(client, report, "acknowledge")
    _do(client, report, "assign", investigator=investigator.pk)
    login(investigator)
    _do(client, report, "start_review")
    outcome = {
        "outcome_for_reporter": "The visitor was warned in writing.",
        "closure_rationale": "INTERNAL: CCTV reviewed.",
    }

    response = _do(client, report, "request_sign_off", **outcome)
    assert response.status_code == 400
    assert (
        "Record a decision on the reporter&#x27;s request for contact about support and for police action "
        "before sending the case for sign-off" in response.content.decode()
    )
    assert _status(report) == Status.UNDER_REVIEW
    page = client.get(reverse("incidents:case_transition", args=[report.pk, "request_sign_off"]))
    assert "before sending the case for sign-off" in page.content.decode()

    client.post(
        reverse("incidents:support_add", args=[report.pk]),
        {"staff_member": "Reporter", "route": "eap", "notes": "INTERNAL: seen by OH before"},
    )
    response = _do(client, report, "request_sign_off", **outcome)
    assert response.status_code == 400
    assert "request for police action before" in response.content.decode()

    decision_url = reverse("incidents:request_decision", args=[report.pk, "police"])
    response = client.post(decision_url, {"reason": "INTERNAL: the visitor has dementia"})
    assert response.status_code == 400
    assert "Enter what the reporter will be told" in response.content.decode()
    client.post(
        decision_url,
        {
            "reason": "INTERNAL: the visitor has dementia",
            "answer_for_reporter": "We did not report it to the police because the visitor lacked capacity. "
            "You can still report it yourself on 101.",
        },
    )
    assert _do(client, report, "request_sign_off", **outcome).status_code == 302

    login(handler)
    assert _do(client, report, "close").status_code == 302
    assert _status(report) == Status.CLOSED

    login(reporter)
    page = client.get(reverse("incidents:my_report", args=[report.pk])).content.decode()
    assert "You asked us to contact you about support" in page
    assert "Support was offered: Employee assistance programme." in page
    assert "You asked for police action" in page
    assert "You can still report it yourself on 101." in page
    assert "The visitor was warned in writing." in page
    assert "INTERNAL" not in page


def test_finding_5_a_case_sent_for_sign_off_before_the_rule_cannot_close_unanswered(
    client, login, handler, investigator, second_handler, organisation
):
    report = _awaiting_sign_off(
        organisation=organisation,
        investigator=investigator,
        requester=investigator,
        wants_support=False,
        wants_police_action="yes",
        crime_reference="",
    )
    login(handler)
    response = _do(client, report, "close")
    assert response.status_code == 400
    assert "request for police action before closing" in response.content.decode()
    assert _status(report) == Status.AWAITING_SIGN_OFF
    page = client.get(reverse("incidents:case_detail", args=[report.pk])).content.decode()
    assert reverse("incidents:case_transition", args=[report.pk, "close"]) not in page
    assert "police action before closing." in page

    # "Not reported to the police" is no answer to a request for police action; a report to them is.
    client.post(reverse("incidents:police_edit", args=[report.pk]), {"state": "not_reported"})
    assert _do(client, report, "close").status_code == 400
    client.post(
        reverse("incidents:police_edit", args=[report.pk]),
        {"state": "reported", "crime_reference": "CR/1/26"},
    )
    assert _do(client, report, "close").status_code == 302


def test_requests_not_made_need_no_answer(client, login, handler, investigator, organisation):
    report = _awaiting_sign_off(
        organisation=organisation,
        investigator=investigator,
        requester=investigator,
        wants_support=False,
        wants_police_action="undecided",  # "not sure yet" is not a request
        wants_feedback=False,
    )
    login(handler)
    assert _do(client, report, "close").status_code == 302


def test_decision_form_only_for_requests_the_reporter_made(client, login, handler, organisation):
    report = IncidentReportFactory(organisation=organisation, wants_support=True, wants_police_action="no")
    login(handler)
    assert client.get(reverse("incidents:request_decision", args=[report.pk, "police"])).status_code == 404
    assert client.get(reverse("incidents:request_decision", args=[report.pk, "nonsense"])).status_code == 404
    url = reverse("incidents:request_decision", args=[report.pk, "support"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "", "answer_for_reporter": "x"})
    assert response.status_code == 400 and "Enter the reason for the decision" in response.content.decode()

    client.post(url, {"reason": "Already with OH", "answer_for_reporter": "You are already supported by OH."})
    client.post(url, {"reason": "Already with OH (checked)", "answer_for_reporter": "You already have OH."})
    decision = ReporterRequestDecision.objects.get()
    assert decision.reason == "Already with OH (checked)" and decision.decided_by == handler
    events = AuditEvent.objects.filter(action="incident.request_decided")
    assert events.count() == 2 and events.latest("at").detail == {"topic": "support", "replaced": True}
    assert "OH" not in str(events.latest("at").detail) + events.latest("at").summary


def test_decision_pages_are_for_the_cases_handlers_only(
    client, login, organisation, reporter, other_org_handler, make_user
):
    report = IncidentReportFactory(organisation=organisation, wants_support=True, reporter=reporter)
    excluded = make_user("incident_handler", organisation=organisation, email="ex@example.org")
    CaseExclusion.objects.create(report=report, user=excluded, reason="conflict")
    url = reverse("incidents:request_decision", args=[report.pk, "support"])
    data = {"reason": "x", "answer_for_reporter": "y"}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    for user, status in ((reporter, 403), (other_org_handler, 404), (excluded, 404)):
        login(user)
        assert client.post(url, data).status_code == status
    assert not ReporterRequestDecision.objects.exists()


# --- what the reporter reads -----------------------------------------------------------------------------------
def _decided(report, handler, topic, **fields):
    return ReporterRequestDecision.objects.create(
        report=report,
        topic=topic,
        reason="INTERNAL: reason",
        answer_for_reporter=fields.pop("answer", "We decided not to, because of X."),
        decided_by=handler,
    )


def test_reporter_reads_the_answers_but_nothing_internal(client, login, reporter, handler, organisation):
    report = IncidentReportFactory(
        organisation=organisation,
        reporter=reporter,
        wants_support=True,
        wants_police_action="yes",
        wants_feedback=True,
        crime_reference="CR/INTERNAL/1",
    )
    report.support_offers.create(
        staff_member="INTERNAL person", route="occupational_health", notes="INTERNAL", offered_by=handler
    )
    login(reporter)
    page = client.get(reverse("incidents:my_report", args=[report.pk])).content.decode()
    assert "Support was offered: Occupational health." in page
    assert "You asked for police action" in page and "We have not answered this yet." in page

    PoliceOutcome.objects.create(report=report, state="charged", crime_reference="CR/INTERNAL/1")
    page = client.get(reverse("incidents:my_report", args=[report.pk])).content.decode()
    assert "Police: Charged." in page

    _decided(report, handler, "police", answer="The police will contact you.")
    page = client.get(reverse("incidents:my_report", args=[report.pk])).content.decode()
    assert "The police will contact you." in page
    assert "INTERNAL" not in page and handler.email not in page


def test_anonymous_reporter_reads_the_answers_with_the_code(client, organisation, handler, submit):
    report, code = submit(wants_support=True, wants_feedback=True)
    _decided(report, handler, "support", answer="Call the staff support line on 0100 000 000.")
    client.post(reverse("incidents:follow_up"), {"code": code})
    page = client.get(reverse("incidents:follow_up_case")).content.decode()
    assert "Call the staff support line on 0100 000 000." in page
    assert "INTERNAL" not in page


def test_no_answers_shown_when_the_reporter_did_not_ask_for_feedback(
    client, login, reporter, handler, organisation
):
    report = IncidentReportFactory(
        organisation=organisation, reporter=reporter, wants_support=True, wants_feedback=False
    )
    _decided(report, handler, "support", answer="Shown only with feedback")
    login(reporter)
    page = client.get(reverse("incidents:my_report", args=[report.pk])).content.decode()
    assert "What you asked for" not in page and "Shown only with feedback" not in page


def test_handler_sees_requests_decisions_and_their_audiences(client, login, handler, organisation):
    report = IncidentReportFactory(organisation=organisation, wants_support=True, wants_police_action="yes")
    _decided(report, handler, "support")
    login(handler)
    page = client.get(reverse("incidents:case_detail", args=[report.pk])).content.decode()
    assert "What the reporter asked for" in page
    assert "INTERNAL: reason" in page and "We decided not to, because of X." in page
    assert "Not answered yet: record the police outcome or a decision" in page
