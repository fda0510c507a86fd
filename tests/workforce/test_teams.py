"""Integrated multi-disciplinary teams: set up inside a joint arrangement by its employer, members added by each
partner, a lead from any partner; headcount and moves in the sector flow report and the annual report."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cms.accounts.models import AuditEvent
from cms.disclosure import Suppressed
from covenant.signatories.annual import scope_figures
from covenant.signatories.models import FinancialYear
from demo.factories.workforce import (
    AssignmentFactory,
    EmploymentFactory,
    OrganisationFactory,
    PersonFactory,
    PostFactory,
)
from workforce import services
from workforce.models import IntegratedTeam, IntegratedTeamMember
from workforce.reports import team_rows
from workforce.selectors.reports import Quarter

from .test_services import arrangement_data, partners_60_40

pytestmark = pytest.mark.django_db

D = datetime.date
OTHER_ROLES = (
    "incident_reporter",
    "incident_handler",
    "editor",
    "auditor",
    "consultation_moderator",
    "analyst",
)


@pytest.fixture
def arrangement(hr_trust, trust, council, joint_post):
    return services.joint_arrangement_create(
        actor=hr_trust,
        data=arrangement_data(trust, council, joint_post),
        partners=partners_60_40(trust, council),
    )


TODAY = timezone.localdate()
STAFF_START = TODAY - datetime.timedelta(days=400)
JOINING = TODAY - datetime.timedelta(days=30)
LEFT = TODAY - datetime.timedelta(days=5)


def staff(organisation, staff_number, last_name, start=STAFF_START):
    person = PersonFactory(last_name=last_name)
    employment = EmploymentFactory(
        person=person, employer=organisation, staff_number=staff_number, start_date=start
    )
    AssignmentFactory(employment=employment, post=PostFactory(organisation=organisation), start_date=start)
    return person


@pytest.fixture
def nurse(trust):
    return staff(trust, "T-100", "Okonjo")


@pytest.fixture
def social_worker(council):
    return staff(council, "C-200", "Varga")


def member_post(organisation, staff_number, day=JOINING):
    return {
        "action": "add",
        "member-employer": organisation.pk,
        "member-staff_number": staff_number,
        "member-start_date_day": day.day,
        "member-start_date_month": day.month,
        "member-start_date_year": day.year,
    }


def test_a_team_with_members_of_two_partners_and_a_lead(
    client, login, hr_trust, hr_council, trust, council, arrangement, nurse, social_worker
):
    login(hr_trust)
    arrangement_page = client.get(
        reverse("workforce:arrangement_detail", args=[arrangement.pk])
    ).content.decode()
    create_url = reverse("workforce:team_create", args=[arrangement.pk])
    assert create_url in arrangement_page
    response = client.post(
        create_url, {"name": "Discharge to assess team", "purpose": "Home within 48 hours"}
    )
    team = IntegratedTeam.objects.get()
    url = reverse("workforce:team_detail", args=[team.pk])
    assert response.status_code == 302 and response["Location"] == url
    assert client.post(url, member_post(trust, "t-100")).status_code == 302
    # The council's HR administrator adds the council's social worker: each partner adds its own staff.
    login(hr_council)
    assert client.post(url, member_post(council, "C-200")).status_code == 302
    assert client.post(url, {"action": "lead", "lead-lead": social_worker.pk}).status_code == 403
    login(hr_trust)
    assert client.post(url, {"action": "lead", "lead-lead": social_worker.pk}).status_code == 302
    team.refresh_from_db()
    assert team.lead == social_worker
    employers = set(
        IntegratedTeamMember.objects.values_list("assignment__employment__employer__name", flat=True)
    )
    assert employers == {trust.name, council.name}
    page = client.get(url).content.decode()
    assert "Varga" in page and "(lead)" in page and council.name in page
    actions = list(
        AuditEvent.objects.filter(action__startswith="workforce.team.").values_list("action", "actor")
    )
    assert ("workforce.team.created", hr_trust.pk) in actions
    assert ("workforce.team.member_added", hr_council.pk) in actions and (
        "workforce.team.lead_set",
        hr_trust.pk,
    ) in actions
    # The lead leaves: the membership ends, and the team has no lead.
    end = {
        "action": "end",
        "end-member": team.members.get(person=social_worker).pk,
        "end-end_date_day": LEFT.day,
        "end-end_date_month": LEFT.month,
        "end-end_date_year": LEFT.year,
    }
    assert client.post(url, end).status_code == 302
    team.refresh_from_db()
    assert team.lead is None and team.members.get(person=social_worker).end_date == LEFT


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (lambda t, c: member_post(t, "NOPE"), "member-staff_number", "No one with staff number NOPE"),
        (
            lambda t, c: member_post(t, "T-100", D(2024, 1, 1)),
            "member-staff_number",
            "No one with staff number",
        ),
        (lambda t, c: member_post(c, "C-200"), "member-employer", "Select a valid choice"),
        (
            lambda t, c: {**member_post(t, "T-100"), "member-start_date_month": "13"},
            "member-start_date",
            "real date",
        ),
    ],
)
def test_bad_member_input_is_refused_beside_the_field(
    client, login, hr_trust, trust, council, arrangement, nurse, social_worker, data, field, message
):
    team = services.integrated_team_create(actor=hr_trust, arrangement=arrangement, name="Reablement")
    login(hr_trust)
    response = client.post(reverse("workforce:team_detail", args=[team.pk]), data(trust, council))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert f'href="#id_{field}' in response.content.decode()
    assert not IntegratedTeamMember.objects.exists()
    assert not AuditEvent.objects.filter(action="workforce.team.member_added").exists()


def test_rules_of_the_services(hr_trust, hr_council, trust, council, arrangement, nurse, social_worker):
    with pytest.raises(PermissionDenied):
        services.integrated_team_create(actor=hr_council, arrangement=arrangement, name="Council's own")
    team = services.integrated_team_create(actor=hr_trust, arrangement=arrangement, name="Reablement")
    with pytest.raises(ValidationError, match="already has a team"):
        services.integrated_team_create(actor=hr_trust, arrangement=arrangement, name="reablement")
    nurse_assignment = nurse.assignments.get()
    with pytest.raises(ValidationError, match="not an HR administrator"):
        services.integrated_team_member_add(
            actor=hr_council, team=team, assignment=nurse_assignment, start_date=JOINING
        )
    outsider = staff(OrganisationFactory(name="Harbour GP"), "G-1", "Lowe")
    with pytest.raises(ValidationError, match="not a partner"):
        services.integrated_team_member_add(
            actor=hr_trust, team=team, assignment=outsider.assignments.get(), start_date=JOINING
        )
    member = services.integrated_team_member_add(
        actor=hr_trust, team=team, assignment=nurse_assignment, start_date=JOINING
    )
    with pytest.raises(ValidationError, match="already in the team"):
        services.integrated_team_member_add(
            actor=hr_trust,
            team=team,
            assignment=nurse_assignment,
            start_date=JOINING + datetime.timedelta(days=1),
        )
    with pytest.raises(ValidationError, match="not a member"):
        services.integrated_team_lead_set(actor=hr_trust, team=team, lead=social_worker)
    with pytest.raises(ValidationError, match="on or after they joined"):
        services.integrated_team_member_end(
            actor=hr_trust, member=member, end_date=JOINING - datetime.timedelta(days=1)
        )
    with pytest.raises(PermissionDenied):
        services.integrated_team_member_end(actor=hr_council, member=member, end_date=LEFT)


@pytest.fixture
def team(hr_trust, hr_council, arrangement, nurse, social_worker):
    team = services.integrated_team_create(
        actor=hr_trust, arrangement=arrangement, name="Discharge to assess"
    )
    for actor, person in ((hr_trust, nurse), (hr_council, social_worker)):
        services.integrated_team_member_add(
            actor=actor, team=team, assignment=person.assignments.get(), start_date=JOINING
        )
    return team


@pytest.mark.parametrize("page", ["team_detail", "team_create"])
def test_anonymous_is_sent_to_sign_in(client, team, page):
    url = reverse(f"workforce:{page}", args=[team.pk if page == "team_detail" else team.arrangement_id])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize("page", ["team_detail", "team_create"])
def test_other_roles_are_refused(client, make_user, login, trust, team, role, page):
    login(make_user(role, organisation=trust))
    url = reverse(f"workforce:{page}", args=[team.pk if page == "team_detail" else team.arrangement_id])
    assert client.get(url).status_code == 403
    assert client.post(url, member_post(trust, "T-100")).status_code == 403


def test_partners_see_the_team_outsiders_do_not(client, make_user, login, hr_council, team):
    login(hr_council)
    assert client.get(reverse("workforce:team_detail", args=[team.pk])).status_code == 200
    # A partner that is not the employer cannot set teams up.
    assert client.get(reverse("workforce:team_create", args=[team.arrangement_id])).status_code == 403
    login(make_user("hr_admin", organisation=OrganisationFactory(name="Wolds Community")))
    assert client.get(reverse("workforce:team_detail", args=[team.pk])).status_code == 404
    assert (
        client.post(reverse("workforce:team_detail", args=[team.pk]), {"action": "lead"}).status_code == 404
    )
    assert client.get(reverse("workforce:team_create", args=[team.arrangement_id])).status_code == 404


def test_team_figures_in_the_sector_flow_report_and_the_annual_report(
    client, login, analyst, hr_trust, trust, team
):
    quarter = Quarter.containing(TODAY)
    start, end = quarter.start, TODAY
    own = team_rows(start=start, end=end, organisation_ids=[trust.pk])
    assert [(r["team"], r["headcount"]) for r in own["rows"]] == [("Discharge to assess", 2)]
    # System-wide (analysts), small counts are protected by cms.disclosure.
    system = team_rows(start=start, end=end, organisation_ids=None)
    assert isinstance(system["rows"][0]["headcount"], Suppressed)
    login(hr_trust)
    page = client.get(reverse("workforce:sector_flow_report") + f"?quarter={quarter.key}").content.decode()
    assert "Integrated teams" in page and "Discharge to assess" in page
    figures = scope_figures(year=FinancialYear.containing(TODAY), organisation_ids=[trust.pk])
    assert figures.integrated_team_staff == 2


def test_leaving_without_choosing_who_is_an_error_beside_the_choice(client, login, hr_trust, team):
    login(hr_trust)
    response = client.post(
        reverse("workforce:team_detail", args=[team.pk]),
        {
            "action": "end",
            "end-end_date_day": LEFT.day,
            "end-end_date_month": LEFT.month,
            "end-end_date_year": LEFT.year,
        },
    )
    assert response.status_code == 400 and "Select who has left the team" in response.content.decode()
    assert not team.members.filter(end_date__isnull=False).exists()
