"""Issue 4: when the source is a colleague or manager, the people named and their line management (from the
workforce records) are excluded from the case automatically."""

import datetime
import html

import pytest
from django.urls import reverse

from cms.accounts.models import AuditEvent
from covenant.incidents import selectors, services
from covenant.incidents.models import CaseExclusion, IncidentReport
from demo.factories.incidents import IncidentReportFactory
from demo.factories.workforce import EmploymentFactory, PersonFactory

from .conftest import report_pages

pytestmark = pytest.mark.django_db

NAMED, LINE = CaseExclusion.Reason.NAMED_SUBJECT, CaseExclusion.Reason.LINE_MANAGEMENT


def _record(organisation, *, email="", manager=None, end_date=None):
    """A workforce record with a work e-mail, employed at the organisation, reporting to `manager`."""
    person = PersonFactory(work_email=email)
    EmploymentFactory(person=person, employer=organisation, line_manager=manager, end_date=end_date)
    return person


@pytest.fixture
def team(make_user, organisation):
    """Sid (named) reports to Mo (a handler), who reports to Di (a handler). Everyone has an account."""
    users = {
        "sid": make_user("incident_reporter", organisation=organisation, email="sid@example.org"),
        "mo": make_user("incident_handler", organisation=organisation, email="mo@example.org"),
        "di": make_user("incident_handler", organisation=organisation, email="di@example.org"),
    }
    di = _record(organisation, email="di@example.org")
    mo = _record(organisation, email="mo@example.org", manager=di)
    sid = _record(organisation, email="sid@example.org", manager=mo)
    return {"users": users, "people": {"sid": sid, "mo": mo, "di": di}}


def _reasons(report) -> dict:
    return {e.user.email: e.reason for e in report.exclusions.select_related("user")}


def _report_colleague(client, organisation, mode="confidential", **emails):
    return report_pages(
        client,
        organisation,
        mode=mode,
        answers={
            "what": {"category": "bullying", "narrative": "Belittled in every team meeting."},
            "colleague": {"source": "colleague", **emails},
        },
    )


def test_line_management_is_excluded_and_cannot_see_be_told_or_be_assigned(
    client, login, reporter, handler, organisation, team, mailoutbox, django_capture_on_commit_callbacks
):
    login(reporter)
    with django_capture_on_commit_callbacks(execute=True):
        response = _report_colleague(client, organisation, subject_email="SID@example.org")
    assert response.status_code == 200 and "Report sent" in response.content.decode()
    report = IncidentReport.objects.get()
    # Two levels up, each with the reason the handlers see on the case.
    assert _reasons(report) == {"sid@example.org": NAMED, "mo@example.org": LINE, "di@example.org": LINE}

    # Not e-mailed about the new report: only the handler outside the chain is.
    assert [m.to for m in mailoutbox] == [[handler.email]]

    # Not assignable.
    assignable = set(selectors.handlers_for_case(report=report))
    assert handler in assignable and not assignable & {team["users"]["mo"], team["users"]["di"]}
    login(handler)
    client.post(reverse("incidents:case_transition", args=[report.pk, "acknowledge"]))
    response = client.post(
        reverse("incidents:case_transition", args=[report.pk, "assign"]),
        {"investigator": team["users"]["mo"].pk},
    )
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.investigator is None

    # Cannot see it: 404 on the case page, and not in their case list.
    for who in ("mo", "di"):
        login(team["users"][who])
        assert client.get(reverse("incidents:case_detail", args=[report.pk])).status_code == 404
        assert report.reference not in client.get(reverse("incidents:case_list")).content.decode()
    login(handler)
    assert client.get(reverse("incidents:case_detail", args=[report.pk])).status_code == 200

    # The submission's audit record counts the exclusions; it names no one.
    event = AuditEvent.objects.get(action="incident.submitted")
    assert event.detail["excluded_named"] == 1 and event.detail["excluded_line_management"] == 2
    assert "example.org" not in str(event.detail) + event.summary


def test_named_person_without_a_workforce_record_is_still_excluded_by_email(
    client, login, reporter, organisation, make_user
):
    subject = make_user("incident_handler", organisation=organisation, email="nobody.recorded@example.org")
    manager = make_user("incident_handler", organisation=organisation, email="their.boss@example.org")
    login(reporter)
    _report_colleague(
        client, organisation, subject_email=subject.email, subject_manager_email="Their.Boss@example.org"
    )
    report = IncidentReport.objects.get()
    assert _reasons(report) == {subject.email: NAMED, manager.email: NAMED}


def test_a_loop_in_the_data_does_not_loop_the_walk(
    submit, make_user, organisation, django_assert_max_num_queries
):
    a_user = make_user("incident_handler", organisation=organisation, email="a@example.org")
    b_user = make_user("incident_handler", organisation=organisation, email="b@example.org")
    a = _record(organisation, email="a@example.org")
    b = _record(organisation, email="b@example.org", manager=a)
    # Written straight to the table, past the services' loop check: A reports to B and to herself.
    a.employments.update(line_manager=b)
    EmploymentFactory(person=a, employer=organisation, line_manager=a)
    with django_assert_max_num_queries(selectors.LINE_MANAGEMENT_DEPTH + 3):
        found = selectors.named_people_with_line_management(emails=["a@example.org"])
    assert found.named_user_ids == {a_user.pk} and found.line_management_user_ids == {b_user.pk}
    report, _code = submit(source="colleague", subject_emails=("a@example.org",))
    assert _reasons(report) == {"a@example.org": NAMED, "b@example.org": LINE}


def test_the_walk_stops_five_levels_up(submit, make_user, organisation, django_assert_max_num_queries):
    above = None
    chain = []
    for level in range(7, 0, -1):  # level 7 at the top, level 1 the named person's manager
        email = f"level{level}@example.org"
        make_user("incident_handler", organisation=organisation, email=email)
        above = _record(organisation, email=email, manager=above)
        chain.append(email)
    _record(organisation, email="named@example.org", manager=above)
    with django_assert_max_num_queries(selectors.LINE_MANAGEMENT_DEPTH + 3):
        selectors.named_people_with_line_management(emails=["named@example.org"])
    report, _code = submit(source="manager", subject_emails=("named@example.org",))
    excluded = set(_reasons(report))
    assert excluded == {f"level{n}@example.org" for n in range(1, 6)}  # no account for the named person


def test_managers_without_accounts_are_walked_through(submit, make_user, organisation):
    top = make_user("incident_handler", organisation=organisation, email="top@example.org")
    top_record = _record(organisation, email="top@example.org")
    middle = _record(organisation, manager=top_record)  # no work e-mail, so no account to exclude
    _record(organisation, email="named@example.org", manager=middle)
    report, _code = submit(source="colleague", subject_emails=("named@example.org",))
    assert _reasons(report) == {top.email: LINE}


def test_ended_employments_do_not_count(submit, make_user, organisation):
    former = make_user("incident_handler", organisation=organisation, email="former@example.org")
    former_record = _record(organisation, email="former@example.org")
    named = PersonFactory(work_email="named@example.org")
    EmploymentFactory(
        person=named,
        employer=organisation,
        line_manager=former_record,
        start_date=datetime.date(2018, 1, 1),
        end_date=datetime.date(2020, 1, 1),
    )
    report, _code = submit(source="colleague", subject_emails=("named@example.org",))
    assert former.email not in _reasons(report)


def test_the_reporter_is_never_excluded_from_their_own_report(client, login, organisation, team):
    # Mo reports bullying by Sid, who reports to Mo: Di, above Mo, is excluded; Mo is not.
    mo = team["users"]["mo"]
    login(mo)
    _report_colleague(client, organisation, mode="named", subject_email="sid@example.org")
    report = IncidentReport.objects.get()
    assert _reasons(report) == {"sid@example.org": NAMED, "di@example.org": LINE}
    assert client.get(reverse("incidents:my_report", args=[report.pk])).status_code == 200


def test_anonymous_reports_exclude_line_management_too(client, organisation, team):
    _report_colleague(client, organisation, mode="anonymous", subject_email="sid@example.org")
    assert set(_reasons(IncidentReport.objects.get())) == {
        "sid@example.org",
        "mo@example.org",
        "di@example.org",
    }


def test_other_sources_exclude_no_one(submit, team):
    report, _code = submit(source="patient", subject_emails=("sid@example.org",))
    assert not report.exclusions.exists()


# --- a handler names the source later -------------------------------------------------------------------------


@pytest.fixture
def colleague_case(reporter, organisation):
    return IncidentReportFactory(
        reporter=reporter, organisation=organisation, mode="named", source="colleague"
    )


def _exclude(client, report, email, reason="named_subject"):
    return client.post(
        reverse("incidents:case_exclusion_add", args=[report.pk]), {"email": email, "reason": reason}
    )


def test_handler_naming_the_source_excludes_their_line_management(
    client, login, handler, team, colleague_case
):
    mo = team["users"]["mo"]
    colleague_case.investigator = mo
    colleague_case.lead_handler = team["users"]["di"]
    colleague_case.save()
    login(handler)
    assert _exclude(client, colleague_case, "Sid@example.org").status_code == 302
    assert _reasons(colleague_case) == {
        "sid@example.org": NAMED,
        "mo@example.org": LINE,
        "di@example.org": LINE,
    }
    colleague_case.refresh_from_db()
    # Both owners excluded: the lead stays on the record, so the case needs a new owner; never the excluder's.
    assert colleague_case.investigator is None and colleague_case.lead_handler == team["users"]["di"]
    event = AuditEvent.objects.get(action="incident.exclusion_added")
    assert sorted(event.detail["line_management_users"]) == sorted([mo.pk, team["users"]["di"].pk])
    login(mo)
    assert client.get(reverse("incidents:case_detail", args=[colleague_case.pk])).status_code == 404


def test_handler_can_name_a_source_who_has_no_account(
    client, login, handler, organisation, team, colleague_case
):
    _record(organisation, email="agency.worker@example.org", manager=team["people"]["mo"])
    login(handler)
    assert _exclude(client, colleague_case, "agency.worker@example.org").status_code == 302
    assert _reasons(colleague_case) == {"mo@example.org": LINE, "di@example.org": LINE}
    response = _exclude(client, colleague_case, "stranger@example.org")
    assert response.status_code == 400
    assert "No account has that e-mail address" in response.content.decode()


def test_other_reasons_exclude_only_the_person(client, login, handler, team, colleague_case):
    login(handler)
    assert _exclude(client, colleague_case, "sid@example.org", reason="conflict").status_code == 302
    assert _reasons(colleague_case) == {"sid@example.org": CaseExclusion.Reason.CONFLICT}


def test_a_handler_in_the_line_management_must_ask_another_handler(client, login, team, colleague_case):
    login(team["users"]["di"])
    response = _exclude(client, colleague_case, "sid@example.org")
    assert response.status_code == 400
    assert "You are in this person's line management" in html.unescape(response.content.decode())
    assert not colleague_case.exclusions.exists()


def test_exclusion_service_returns_what_it_excluded(handler, team, colleague_case):
    excluded = services.exclusion_add(
        report=colleague_case, actor=handler, email="sid@example.org", reason=NAMED
    )
    assert excluded.named == {team["users"]["sid"].pk}
    assert excluded.line_management == {team["users"]["mo"].pk, team["users"]["di"].pk}
    again = services.exclusion_add(
        report=colleague_case, actor=handler, email="sid@example.org", reason=NAMED
    )
    assert not again.user_ids and colleague_case.exclusions.count() == 3


def test_accounts_whose_email_has_capitals_are_still_excluded(submit, make_user, organisation):
    """Accounts made in the admin keep the capitals they were typed with; matching ignores case."""
    from django.contrib.auth import get_user_model

    boss = make_user("incident_handler", organisation=organisation, email="boss@example.org")
    named = make_user("incident_reporter", organisation=organisation, email="sid2@example.org")
    get_user_model().objects.filter(pk=boss.pk).update(email="Boss@Example.org")
    get_user_model().objects.filter(pk=named.pk).update(email="Sid2@Example.org")
    boss_record = _record(organisation, email="boss@example.org")
    _record(organisation, email="sid2@example.org", manager=boss_record)
    report, _code = submit(source="colleague", subject_emails=("SID2@example.org",))
    assert _reasons(report) == {"Sid2@Example.org": NAMED, "Boss@Example.org": LINE}
