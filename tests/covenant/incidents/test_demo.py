import io

import pytest

from covenant.incidents import selectors, services
from covenant.incidents.models import (
    IncidentReport,
    ReporterRequestDecision,
    Sanction,
    Status,
    SupportOffer,
)
from covenant.incidents.selectors.perpetrators import repeat_perpetrator_groups
from demo import incidents as demo_incidents
from demo import site as demo_site

pytestmark = pytest.mark.django_db


def _seed(sizes):
    world = demo_site.DemoWorld()
    demo_site.seed(world=world, sizes=sizes, stdout=io.StringIO())
    out = io.StringIO()
    demo_incidents.seed(world=world, sizes=sizes, stdout=out)
    return world, out.getvalue()


def test_demo_seed_covers_every_state_and_is_idempotent():
    sizes = {"people": 10, "incidents": 40, "responses": 0, "seed": 7}
    world, out = _seed(sizes)
    assert IncidentReport.objects.count() == 41
    assert set(IncidentReport.objects.values_list("status", flat=True)) == set(Status.values)
    riverside = world.organisations["Riverside Hospitals"]
    handler = world.users["handler@riverside-hospitals.example"]
    nurse = world.users["nurse@riverside-hospitals.example"]
    assert selectors.cases_for_handler(user=handler).filter(organisation=riverside).count() >= 14
    assert IncidentReport.objects.filter(reporter=nurse).exists()
    assert SupportOffer.objects.exists() and Sanction.objects.exists()
    # Closed cases were signed off by someone other than the investigator.
    for report in IncidentReport.objects.filter(status=Status.CLOSED):
        assert report.signed_off_by_id != report.investigator_id
    _assert_every_history_is_one_the_workflow_allows()
    assert ReporterRequestDecision.objects.exists()
    # The story's anonymous report can be followed up with the printed code.
    story = selectors.report_for_receipt(code=demo_incidents.DEMO_FOLLOW_UP_CODE)
    assert story.status == Status.AWAITING_INFO and story.protected_characteristic == "race"
    assert "4026 1139 5820 7714" in out

    counts = (IncidentReport.objects.count(), SupportOffer.objects.count(), Sanction.objects.count())
    _seed(sizes)
    assert (IncidentReport.objects.count(), SupportOffer.objects.count(), Sanction.objects.count()) == counts


def _assert_every_history_is_one_the_workflow_allows():
    """Replay each seeded case against services.TRANSITIONS: each step from an allowed state, by the person its
    rule allows, nobody excluded acting, and every request of the reporter answered before sign-off."""
    reports = IncidentReport.objects.prefetch_related("transitions", "exclusions")
    for report in reports:
        excluded = {e.user_id for e in report.exclusions.all()}
        requester = None
        for step in report.transitions.all():
            if step.action in ("submit", "reporter_replied"):
                continue
            transition = services.TRANSITIONS.get(step.action)
            assert step.from_status in transition.sources, (report.reference, step.action)
            assert step.to_status == transition.target
            assert step.actor_id not in excluded, (report.reference, step.action)
            if transition.actor == services.ActorRule.INVESTIGATOR:
                assert step.actor_id == report.investigator_id, (report.reference, step.action)
            if transition.actor == services.ActorRule.SIGN_OFF:
                assert step.actor_id not in (report.investigator_id, requester), report.reference
            if step.action == "request_sign_off":
                requester = step.actor_id
        if requester is not None:
            unanswered = [r.label for r in selectors.reporter_requests(report=report) if not r.answered]
            assert not unanswered, (report.reference, unanswered)


def test_the_demo_lead_sees_repeat_patients():
    world, _ = _seed({"people": 10, "incidents": 60, "responses": 0, "seed": 7})
    lead = world.users["handler@riverside-hospitals.example"]
    groups = repeat_perpetrator_groups(user=lead)
    patients = [group for group in groups if group.kind == "patient"]
    assert patients and all(len(group.cases) >= 2 for group in patients)
    riverside = world.organisations["Riverside Hospitals"]
    assert all(case.organisation_id == riverside.pk for group in patients for case in group.cases)
