"""A small two-organisation world for the fuzz tests, and helpers to sign in any number of clients.

Organisation A is "ours": every role is held there and its records are the ones the fuzzed pages show.
Organisation B is "theirs": its records' ids are the forged ids the fuzzer posts, which must never be accepted.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client

from cms.accounts.roles import ROLES
from demo.factories.cms import UserFactory
from demo.factories.consultation import (
    ConsultationResponseFactory,
    answer,
    consultation_page,
    hub_page,
)
from demo.factories.incidents import IncidentReportFactory
from demo.factories.signatories import CovenantSignatureFactory, SignaturePledgeFactory
from demo.factories.workforce import (
    AssignmentFactory,
    EmploymentFactory,
    MembershipFactory,
    OrganisationFactory,
    PostFactory,
)

# The apps whose tables hold what people submit: a refused request must leave every one of them unchanged.
GUARDED_APPS = ("workforce", "incidents", "consultation", "signatories")
ANONYMOUS = "anonymous"
NO_ROLE = "no_role"
PRINCIPALS = (ANONYMOUS, NO_ROLE, *(role.key for role in ROLES))


def guarded_models():
    return [model for label in GUARDED_APPS for model in apps.get_app_config(label).get_models()]


def row_counts() -> dict[str, int]:
    """Rows in every guarded table, in one query (it runs before and after every fuzzed request)."""
    models = guarded_models()
    with connection.cursor() as cursor:
        # Table names come from the models, never from input.
        quoted = [connection.ops.quote_name(model._meta.db_table) for model in models]
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {table})" for table in quoted))  # noqa: S608
        counts = cursor.fetchone()
    return {model._meta.label: count for model, count in zip(models, counts, strict=True)}


def changed_tables(before: dict[str, int]) -> dict[str, tuple[int, int]]:
    after = row_counts()
    return {label: (before[label], after[label]) for label in before if before[label] != after[label]}


def signed_in_client(user, **client_kwargs) -> Client:
    """A client signed in as the user, two-factor verified like the `login` fixture does."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(**client_kwargs)
    if user is None:
        return client
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@dataclass
class World:
    ours: object
    theirs: object
    users: dict[str, object] = field(default_factory=dict)
    # URL keyword arguments of records at organisation A, by URL name.
    kwargs: dict[str, dict] = field(default_factory=dict)
    # Primary keys of organisation B's records (and the other consultation's): the forged ids.
    foreign_ids: list[int] = field(default_factory=list)

    def client_for(self, principal: str, **client_kwargs) -> Client:
        return signed_in_client(self.users.get(principal), **client_kwargs)


def _workforce_records(org, partner, hr_user):
    from workforce import services
    from workforce.vocabulary import JobRole, LegalModel, PartnerRole

    assignment = AssignmentFactory(
        employment=EmploymentFactory(employer=org, start_date=datetime.date(2021, 4, 1))
    )
    joint_post = PostFactory(organisation=org, job_role=JobRole.INTEGRATED_CARE_MANAGER, pay_band="8a")
    arrangement = services.joint_arrangement_create(
        actor=hr_user,
        data={
            "title": f"Joint discharge lead {org.pk}",
            "post": joint_post,
            "legal_model": LegalModel.JOINT_EMPLOYMENT,
            "status": "active",
            "employer": org,
            "place_of_work": partner,
            "funder": org,
            "line_manager": "A. Manager",
            "line_manager_organisation": org,
            "professional_supervisor": "B. Supervisor",
            "professional_supervisor_organisation": partner,
            "purpose": "Faster discharge",
            "s75_reference": "",
            "start_date": datetime.date(2026, 4, 1),
            "end_date": None,
            "review_date": datetime.date(2027, 4, 1),
        },
        partners=[
            {
                "organisation": org,
                "roles": [PartnerRole.EMPLOYER, PartnerRole.FUNDER, PartnerRole.LINE_MANAGEMENT],
                "funding_share": Decimal("60"),
                "time_share": Decimal("50"),
            },
            {
                "organisation": partner,
                "roles": [PartnerRole.HOST, PartnerRole.FUNDER, PartnerRole.PROFESSIONAL_SUPERVISION],
                "funding_share": Decimal("40"),
                "time_share": Decimal("50"),
            },
        ],
    )
    mover = AssignmentFactory(
        employment=EmploymentFactory(employer=org, start_date=datetime.date(2021, 4, 1))
    )
    move = services.sector_move_record(
        actor=hr_user,
        person=mover.person,
        move_type="permanent",
        from_post=mover.post,
        to_organisation=partner,
        to_post=PostFactory(organisation=partner),
        effective_date=datetime.date(2026, 6, 1),
        reason="Moving to the partner",
    )
    return assignment, arrangement, move


FUZZ_SETTINGS = {
    "CONSULTATION_MIN_SECONDS": 0,
    "CONSULTATION_SUBMIT_RATE": "100000/h",
    "INCIDENT_FOLLOW_UP_ADDRESS_FAILURES": 100000,
    "INCIDENT_FOLLOW_UP_SITE_FAILURES": 100000,
}


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    """The world is built once per module inside a transaction that is rolled back at the end; each test runs
    in a savepoint within it (pytest-django's own per-test transaction), so tests still cannot see each other."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(_module_world, db, settings):
    for name, value in FUZZ_SETTINGS.items():
        setattr(settings, name, value)
    return _module_world


def build_world() -> World:
    ours = OrganisationFactory(name="Fuzz Ours NHS Trust", ods_code="FZ1")
    theirs = OrganisationFactory(name="Fuzz Theirs Council", organisation_type="local_authority")
    world = World(ours=ours, theirs=theirs)
    world.users[NO_ROLE] = UserFactory(email="no.role@fuzz.example")
    for role in ROLES:
        user = UserFactory(email=f"{role.key.replace('_', '.')}@fuzz.example")
        MembershipFactory(user=user, organisation=ours, role=role.key)
        world.users[role.key] = user
    hr_theirs = UserFactory(email="hr.theirs@fuzz.example")
    MembershipFactory(user=hr_theirs, organisation=theirs, role="hr_admin")

    assignment, arrangement, move = _workforce_records(ours, theirs, world.users["hr_admin"])
    their_assignment, their_arrangement, their_move = _workforce_records(theirs, ours, hr_theirs)

    report = IncidentReportFactory(organisation=ours, reporter=world.users["incident_reporter"])
    their_report = IncidentReportFactory(organisation=theirs)

    hub_page()
    consultation = consultation_page(slug="fuzz-covenant")
    other_consultation = consultation_page(title="Another consultation", slug="fuzz-other")
    response = ConsultationResponseFactory(consultation=consultation)
    first_question = consultation.questions.order_by("sort_order").first()
    an_answer = answer(response, first_question, selected=["Agree"], text="Staff deserve it.")
    their_response = ConsultationResponseFactory(consultation=other_consultation)
    their_answer = answer(
        their_response, other_consultation.questions.order_by("sort_order").first(), selected=["Agree"]
    )

    signed = CovenantSignatureFactory(organisation=ours)
    pledge = SignaturePledgeFactory(signature=signed)
    # One signature per organisation: the one waiting for review belongs to a third organisation.
    requested = CovenantSignatureFactory(
        organisation=OrganisationFactory(name="Fuzz Waiting Care Ltd", organisation_type="care_provider"),
        status="requested",
    )
    their_signed = CovenantSignatureFactory(organisation=theirs)
    their_pledge = SignaturePledgeFactory(signature=their_signed)

    person, post = assignment.person, assignment.post
    world.kwargs = {
        "workforce:person_detail": {"pk": person.pk},
        "workforce:move_record": {"person_pk": person.pk},
        "workforce:person_reporting": {"pk": person.pk},
        "workforce:post_detail": {"pk": post.pk},
        "workforce:arrangement_detail": {"pk": arrangement.pk},
        "workforce:arrangement_edit": {"pk": arrangement.pk},
        "workforce:arrangement_agreement": {"pk": arrangement.pk},
        "workforce:move_detail": {"pk": move.pk},
        "workforce:move_confirm": {"pk": move.pk},
        "incidents:my_report": {"pk": report.pk},
        "consultation:moderate": {"pk": response.pk},
        "consultation:answers": {"pk": consultation.pk},
        "consultation:themes": {"pk": consultation.pk},
        "consultation:answer": {"pk": an_answer.pk},
        "signatories:detail": {"pk": signed.pk},
        "signatories:pledge_progress": {"pk": pledge.pk},
        "signatories:review_detail": {"pk": requested.pk},
    }
    for name in (
        "case_detail",
        "case_message",
        "case_exclusion_add",
        "case_legal_hold",
        "case_identity_request",
        "support_add",
        "riddor_edit",
        "police_edit",
        "sanction_add",
        "action_add",
    ):
        world.kwargs[f"incidents:{name}"] = {"pk": report.pk}
    world.kwargs["incidents:case_transition"] = {"pk": report.pk, "action": "acknowledge"}
    world.foreign_ids = sorted(
        {
            their_assignment.person.pk,
            their_assignment.post.pk,
            their_arrangement.pk,
            their_move.pk,
            their_report.pk,
            their_response.pk,
            their_answer.pk,
            other_consultation.pk,
            theirs.pk,
            hr_theirs.pk,
            their_signed.pk,
            their_pledge.pk,
        }
    )
    world.consultation = consultation
    return world
