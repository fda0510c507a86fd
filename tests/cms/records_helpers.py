"""Rows of every kind on the records schedule, made at a given moment, for the purge tests: each maker returns a
function that says whether the row has gone (deleted, or anonymised for the kinds kept for figures)."""

from __future__ import annotations

import datetime
import uuid

from django.apps import apps
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cms.accounts.models import AuditEvent
from covenant.consultation.models import ConsultationResponse, SavedDraft
from covenant.incidents.models import IncidentReport
from demo.factories.cms import UserFactory
from demo.factories.consultation import ConsultationResponseFactory, consultation_page
from demo.factories.incidents import IncidentReportFactory
from demo.factories.workforce import (
    AssignmentFactory,
    EmploymentFactory,
    PassportCredentialFactory,
    PersonFactory,
    PostFactory,
)
from workforce.models import Employment, PassportCredential, Person, Post, SectorMove


class Clock:
    """Freezes `timezone.now` at a moment that tests move on (monkeypatched, as tests/conftest.py does), and the
    fields whose default is `timezone.now` (bound when their model loaded, so the patch alone would miss them)."""

    def __init__(self, monkeypatch, start: datetime.datetime):
        self.now = start
        real_now = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: self.now)
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if field.default is real_now:
                    # `_get_default` caches the default callable on first use: replace both.
                    monkeypatch.setattr(field, "default", lambda: self.now)
                    monkeypatch.setattr(field, "_get_default", lambda: self.now, raising=False)

    def set(self, moment: datetime.datetime) -> None:
        self.now = moment


def _gone(model, pk):
    return lambda: not model._base_manager.filter(pk=pk).exists()


def audit_event(moment):
    event = AuditEvent.objects.create(
        at=moment, action="test.event", summary="something happened", object_type="test.thing", object_id="1"
    )
    return _gone(AuditEvent, event.pk)


def task_row(moment):
    row = DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status="SUCCESSFUL",
        args_kwargs={"args": [], "kwargs": {"email": "someone@example.org"}},
        task_path="cms.accounts.tasks.notify",
        backend_name="default",
        queue_name="default",
        run_after=moment,
        finished_at=moment,
    )
    return _gone(DBTaskResult, row.pk)


def session(moment):
    row = Session.objects.create(session_key=uuid.uuid4().hex, session_data="e30", expire_date=moment)
    return _gone(Session, row.pk)


def incident_case(moment):
    report = IncidentReportFactory(
        status="archived", closed_at=moment, reported_at=moment - datetime.timedelta(days=30)
    )
    return _gone(IncidentReport, report.pk)


def incident_not_pursued(moment):
    report = IncidentReportFactory(status="archived", reported_at=moment)
    return _gone(IncidentReport, report.pk)


def consultation_response(moment):
    page = consultation_page(status="closed")
    type(page).objects.filter(pk=page.pk).update(closes_at=moment)
    response = ConsultationResponseFactory(consultation=page, respondent_name="Ada Example")

    def anonymised():
        row = ConsultationResponse.objects.get(pk=response.pk)
        return row.respondent_name == "" and row.redacted_respondent_name == ""

    return anonymised


def consultation_draft(moment):
    page = consultation_page(status="closed")
    type(page).objects.filter(pk=page.pk).update(closes_at=moment)
    draft = SavedDraft.objects.create(consultation=page, token_hash=uuid.uuid4().hex, progress="{}")
    return _gone(SavedDraft, draft.pk)


def leaver(moment):
    employment = EmploymentFactory(
        start_date=datetime.date(2000, 1, 1), end_date=timezone.localdate(moment), person__work_email=""
    )
    person = employment.person

    def anonymised():
        row = Person.objects.get(pk=person.pk)
        return (
            row.erased_at is not None
            and row.first_name == "Erased"
            and row.work_email == ""
            and not Employment.history.filter(person_id=person.pk).exists()
            and not Employment.objects.filter(person_id=person.pk).exclude(staff_number="").exists()
        )

    return anonymised


def move(moment):
    assignment = AssignmentFactory(employment__start_date=datetime.date(2000, 1, 1))
    row = SectorMove.objects.create(
        person=assignment.person,
        move_type="permanent",
        from_organisation=assignment.post.organisation,
        from_sector="health",
        from_post=assignment.post,
        from_assignment=assignment,
        to_sector="social_care",
        staff_group="nursing",
        effective_date=timezone.localdate(moment),
        reason="Moved to be nearer family in Exampleton",
        recorded_by=UserFactory(),
    )
    return lambda: SectorMove.objects.get(pk=row.pk).reason == ""


def closed_post(moment):
    post = PostFactory(status="closed")
    return _gone(Post, post.pk)


def expired_credential(moment):
    credential = PassportCredentialFactory(
        issued_on=datetime.date(2000, 1, 1), expires_on=timezone.localdate(moment)
    )
    return _gone(PassportCredential, credential.pk)


# A maker for every kind on the schedule: test_every_kind_has_a_maker fails when a kind is added without one.
MAKERS = {
    "audit.events": audit_event,
    "tasks.results": task_row,
    "accounts.sessions": session,
    "incidents.cases": incident_case,
    "incidents.not_pursued": incident_not_pursued,
    "consultation.responses": consultation_response,
    "consultation.drafts": consultation_draft,
    "workforce.people": leaver,
    "workforce.moves": move,
    "workforce.posts": closed_post,
    "workforce.credentials": expired_credential,
}


def person_employed(**fields) -> Person:
    return EmploymentFactory(start_date=datetime.date(2020, 1, 1), **fields).person


def person_record(**fields) -> Person:
    return PersonFactory(**fields)
