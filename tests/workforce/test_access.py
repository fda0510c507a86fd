"""Every role on every workforce view and export: allowed, denied, and anonymous."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cms.accounts.models import AuditEvent
from cms.audit import REFUSED, audit_refusals_flush
from demo.factories.workforce import OrganisationFactory
from workforce import selectors, services
from workforce.vocabulary import MoveType

from .test_services import arrangement_data, partners_60_40

pytestmark = pytest.mark.django_db

OTHER_ROLES = (
    "incident_reporter",
    "incident_handler",
    "identity_custodian",
    "consultation_moderator",
    "editor",
    "auditor",
    # Who administers organisations and accounts sees no workforce record for that alone.
    "org_admin",
    "platform_admin",
)


@pytest.fixture
def world(trust, council, care_worker, hr_trust, hr_care, joint_post, trust_post):
    arrangement = services.joint_arrangement_create(
        actor=hr_trust,
        data=arrangement_data(trust, council, joint_post),
        partners=partners_60_40(trust, council),
    )
    move = services.sector_move_record(
        actor=hr_care,
        person=care_worker,
        move_type=MoveType.PERMANENT,
        from_post=care_worker.assignments.get().post,
        to_organisation=trust,
        to_post=trust_post,
        effective_date=datetime.date(2026, 6, 1),
        reason="Career move",
    )
    team = services.integrated_team_create(
        actor=hr_trust, arrangement=arrangement, name="Discharge to assess"
    )
    return {"arrangement": arrangement, "move": move, "person": care_worker, "post": trust_post, "team": team}


RECORD_PAGES = {
    "person_list": lambda w: reverse("workforce:person_list"),
    "person_list_csv": lambda w: reverse("workforce:person_list") + "?_export=csv",
    "person_list_xlsx": lambda w: reverse("workforce:person_list") + "?_export=xlsx",
    "post_list": lambda w: reverse("workforce:post_list"),
    "post_list_csv": lambda w: reverse("workforce:post_list") + "?_export=csv",
    "post_list_xlsx": lambda w: reverse("workforce:post_list") + "?_export=xlsx",
    "arrangement_list": lambda w: reverse("workforce:arrangement_list"),
    "arrangement_list_csv": lambda w: reverse("workforce:arrangement_list") + "?_export=csv",
    "arrangement_list_xlsx": lambda w: reverse("workforce:arrangement_list") + "?_export=xlsx",
    "move_list": lambda w: reverse("workforce:move_list"),
    "move_list_csv": lambda w: reverse("workforce:move_list") + "?_export=csv",
    "move_list_xlsx": lambda w: reverse("workforce:move_list") + "?_export=xlsx",
    "arrangement_create": lambda w: reverse("workforce:arrangement_create"),
    "import": lambda w: reverse("workforce:import"),
    "person_add": lambda w: reverse("workforce:person_add"),
    "import_template_csv": lambda w: reverse("workforce:import_template", args=["csv"]),
    "import_template_xlsx": lambda w: reverse("workforce:import_template", args=["xlsx"]),
    "post_create": lambda w: reverse("workforce:post_create"),
    "acceptance_rules": lambda w: reverse("workforce:acceptance_rules"),
}
OBJECT_PAGES = {
    "person_detail": lambda w: reverse("workforce:person_detail", args=[w["person"].pk]),
    "move_record": lambda w: reverse("workforce:move_record", args=[w["person"].pk]),
    "post_detail": lambda w: reverse("workforce:post_detail", args=[w["post"].pk]),
    "post_edit": lambda w: reverse("workforce:post_edit", args=[w["post"].pk]),
    "person_edit": lambda w: reverse("workforce:person_edit", args=[w["person"].pk]),
    "arrival_record": lambda w: reverse("workforce:arrival_record", args=[w["person"].pk]),
    "employment_add": lambda w: reverse("workforce:employment_add", args=[w["person"].pk]),
    "employment_edit": lambda w: reverse(
        "workforce:employment_edit", args=[w["person"].employments.get().pk]
    ),
    "arrangement_detail": lambda w: reverse("workforce:arrangement_detail", args=[w["arrangement"].pk]),
    "arrangement_edit": lambda w: reverse("workforce:arrangement_edit", args=[w["arrangement"].pk]),
    "arrangement_agreement": lambda w: reverse("workforce:arrangement_agreement", args=[w["arrangement"].pk]),
    "arrangement_agreement_pdf": lambda w: (
        reverse("workforce:arrangement_agreement", args=[w["arrangement"].pk]) + "?format=pdf"
    ),
    "move_detail": lambda w: reverse("workforce:move_detail", args=[w["move"].pk]),
    "team_detail": lambda w: reverse("workforce:team_detail", args=[w["team"].pk]),
    "team_create": lambda w: reverse("workforce:team_create", args=[w["arrangement"].pk]),
}
REPORT_PAGES = {
    "sector_flow": lambda w: reverse("workforce:sector_flow_report"),
    "sector_flow_pdf": lambda w: reverse("workforce:sector_flow_report") + "?format=pdf",
    "headcount": lambda w: reverse("workforce:headcount_report"),
    "headcount_pdf": lambda w: reverse("workforce:headcount_report") + "?format=pdf",
}
ALL_PAGES = {**RECORD_PAGES, **OBJECT_PAGES, **REPORT_PAGES, "home": lambda w: reverse("workforce:home")}


@pytest.mark.parametrize("page", sorted(ALL_PAGES))
def test_anonymous_is_sent_to_sign_in(client, world, page):
    response = client.get(ALL_PAGES[page](world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize("page", sorted(ALL_PAGES))
def test_other_roles_are_refused(client, make_user, login, world, trust, role, page):
    login(make_user(role, organisation=trust))
    assert client.get(ALL_PAGES[page](world)).status_code == 403


@pytest.mark.parametrize("page", sorted({**RECORD_PAGES, **OBJECT_PAGES}))
def test_analyst_sees_no_records(client, analyst, login, world, page):
    login(analyst)
    assert client.get(ALL_PAGES[page](world)).status_code == 403


def test_analyst_landing_page_offers_reports_only(client, analyst, login):
    login(analyst)
    html = client.get(reverse("workforce:home")).content.decode()
    assert reverse("workforce:sector_flow_report") in html
    assert reverse("workforce:person_list") not in html and reverse("workforce:move_list") not in html


@pytest.mark.parametrize("page", sorted(REPORT_PAGES))
def test_analyst_sees_reports(client, analyst, login, world, page):
    login(analyst)
    assert client.get(REPORT_PAGES[page](world)).status_code == 200


# The care worker is still employed by the care provider (the move waits for the trust to confirm it).
CARE_PROVIDER_PAGES = {
    "person_detail",
    "move_record",
    "arrival_record",
    "person_edit",
    "employment_add",
    "employment_edit",
}


@pytest.mark.parametrize("page", sorted(ALL_PAGES))
def test_hr_admin_of_own_organisation(client, hr_trust, hr_care, login, world, page):
    login(hr_care if page in CARE_PROVIDER_PAGES else hr_trust)
    assert client.get(ALL_PAGES[page](world)).status_code == 200


@pytest.mark.parametrize("page", sorted(OBJECT_PAGES))
def test_hr_admin_of_another_organisation_cannot_see_records(client, make_user, login, world, page):
    outsider = make_user("hr_admin", organisation=OrganisationFactory(name="Wolds Community"))
    login(outsider)
    assert client.get(OBJECT_PAGES[page](world)).status_code == 404
    # The refusal is in the audit trail (issue 12, finding 8).
    refused = AuditEvent.objects.get(action=REFUSED, actor=outsider)
    assert refused.object_type.startswith("workforce.") and refused.detail["reason"] == "not_visible"


def test_a_non_hr_user_asking_the_selector_for_a_person_is_refused_and_audited(make_user, world, trust):
    # The HR pages turn such users away before asking; the selector refuses on its own all the same.
    handler = make_user("incident_handler", organisation=trust)
    with pytest.raises(PermissionDenied):
        selectors.person_get_for_user(user=handler, pk=world["person"].pk)
    refused = AuditEvent.objects.get(action=REFUSED, actor=handler)
    assert (refused.object_type, refused.detail["reason"]) == ("workforce.person", "not_hr")


def test_probing_person_pages_is_audited_with_a_count(client, make_user, login, world):
    outsider = make_user("hr_admin", organisation=OrganisationFactory(name="Wolds Community"))
    login(outsider)
    url = reverse("workforce:person_detail", args=[world["person"].pk])
    for _ in range(30):
        assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    audit_refusals_flush()
    rows = AuditEvent.objects.filter(action=REFUSED, actor=outsider)
    assert {row.object_type for row in rows} == {"workforce.person"}
    assert rows.count() < 31 and sum(row.detail["count"] for row in rows) == 31


@pytest.mark.parametrize("page", sorted(RECORD_PAGES))
def test_hr_admin_of_another_organisation_sees_empty_lists(client, make_user, login, world, page):
    outsider = make_user("hr_admin", organisation=OrganisationFactory(name="Wolds Community"))
    login(outsider)
    response = client.get(RECORD_PAGES[page](world))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"Pennant" not in body and b"Integrated discharge lead" not in body


def test_partner_sees_arrangement_but_cannot_change_it(client, hr_council, login, world):
    login(hr_council)
    arrangement = world["arrangement"]
    page = client.get(reverse("workforce:arrangement_detail", args=[arrangement.pk]))
    assert page.status_code == 200 and b"Change this arrangement" not in page.content
    assert client.get(reverse("workforce:arrangement_edit", args=[arrangement.pk])).status_code == 403
    # The council is not the person's employer, so it cannot see the moving care worker.
    assert client.get(reverse("workforce:person_detail", args=[world["person"].pk])).status_code == 404


def test_sending_side_cannot_confirm(client, hr_care, login, world):
    login(hr_care)
    move = world["move"]
    assert client.get(reverse("workforce:move_detail", args=[move.pk])).status_code == 200
    assert client.post(reverse("workforce:move_confirm", args=[move.pk])).status_code == 403


@pytest.mark.parametrize("role", ("analyst", *OTHER_ROLES))
def test_posts_refused_for_non_hr(client, make_user, login, world, trust, role):
    login(make_user(role, organisation=trust))
    move, arrangement = world["move"], world["arrangement"]
    assert client.post(reverse("workforce:move_confirm", args=[move.pk])).status_code == 403
    assert client.post(reverse("workforce:arrangement_create"), {}).status_code == 403
    assert client.post(reverse("workforce:import"), {}).status_code == 403
    assert client.post(reverse("workforce:arrangement_detail", args=[arrangement.pk]), {}).status_code == 403


def test_hr_reports_are_scoped_to_own_organisations(client, make_user, login, world, hr_trust):
    services.sector_move_confirm(move=world["move"], actor=hr_trust)
    outsider = make_user("hr_admin", organisation=OrganisationFactory(name="Wolds Community"))
    login(outsider)
    response = client.get(reverse("workforce:sector_flow_report") + "?quarter=2026-Q1")
    assert response.status_code == 200 and b"Harbourside" not in response.content
