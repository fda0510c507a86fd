"""Page models: tree rules, lifecycle on one URL, the overdue notice, stable questions."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.test.utils import WagtailPageTestCase

from cms.models import HomePage, StandardPage
from covenant.consultation.models import (
    ConsultationHubPage,
    ConsultationPage,
    ConsultationResponse,
    Lifecycle,
    Question,
    QuestionDefinition,
)
from covenant.consultation.services import questions_sync
from demo.factories.consultation import ConsultationResponseFactory, answer, consultation_page, hub_page

pytestmark = pytest.mark.django_db


class TestTreeRules(WagtailPageTestCase):
    def test_hub_lives_under_the_home_page_and_holds_consultations(self):
        self.assertCanCreateAt(HomePage, ConsultationHubPage)
        self.assertCanNotCreateAt(StandardPage, ConsultationHubPage)
        self.assertAllowedSubpageTypes(ConsultationHubPage, {ConsultationPage})
        self.assertAllowedParentPageTypes(ConsultationPage, {ConsultationHubPage})
        self.assertAllowedSubpageTypes(ConsultationPage, set())


@pytest.mark.parametrize("status", ["forthcoming", "open", "closed", "concluded"])
def test_lifecycle_on_one_url(client, hub, status):
    page = consultation_page(slug=f"c-{status}", status=status)
    assert page.status == status
    body = client.get(page.url).content.decode()
    assert Lifecycle(status).label in body
    assert ("Start now" in body) is (status == "open")
    assert ("Read the full consultation outcome" in body) is (status == "concluded")
    assert ("Public feedback" in body) is (status in ("closed", "concluded"))


def test_closed_shows_when_the_outcome_is_due_then_an_overdue_notice(client, hub):
    closed = consultation_page(slug="recent", status="closed")
    body = client.get(closed.url).content.decode()
    assert "will publish our response" in body and "Our response is late" not in body
    overdue = consultation_page(slug="late", status="overdue", delay_explanation="We are still analysing.")
    assert overdue.outcome_overdue
    body = client.get(overdue.url).content.decode()
    assert "Our response is late" in body and "We are still analysing." in body


def test_hub_lists_consultations_by_status(client, hub):
    consultation_page(title="Open one", slug="o", status="open")
    consultation_page(title="Done one", slug="d", status="concluded")
    response = client.get(hub.url)
    sections = dict(response.context["sections"])
    assert [p.title for p in sections["Open consultations"]] == ["Open one"]
    assert [p.title for p in sections["Concluded consultations"]] == ["Done one"]


def test_dates_must_be_in_order(hub):
    now = timezone.now()
    page = ConsultationPage(
        title="x", slug="x", summary="s", opens_at=now, closes_at=now - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError):
        page.full_clean()


def test_removed_question_with_answers_is_retired_and_keeps_its_answers(consultation):
    question = consultation.active_questions().get(sort_order=4)
    response = ConsultationResponseFactory(consultation=consultation)
    kept = answer(response, question, text="Keep me")
    QuestionDefinition.objects.filter(page=consultation, uuid=question.uuid).delete()
    unanswered = consultation.active_questions().get(sort_order=7)
    QuestionDefinition.objects.filter(page=consultation, uuid=unanswered.uuid).delete()
    questions_sync(page=consultation)
    question.refresh_from_db()
    assert question.retired_at is not None
    assert not Question.objects.filter(pk=unanswered.pk).exists()  # never answered: simply removed
    kept.refresh_from_db()
    assert kept.question_id == question.pk
    assert consultation.active_questions().count() == 6


def test_rewording_keeps_identity_and_reordering_renumbers(consultation):
    first = consultation.active_questions().first()
    definition = QuestionDefinition.objects.get(page=consultation, uuid=first.uuid)
    definition.text = "Do you agree that all organisations should sign?"
    definition.sort_order = 100
    definition.save()
    questions_sync(page=consultation)
    first.refresh_from_db()
    assert first.text == "Do you agree that all organisations should sign?"
    assert list(consultation.active_questions())[-1].pk == first.pk


def test_publishing_a_revision_syncs_questions(hub):
    page = consultation_page(slug="pub", questions=())
    assert page.active_questions().count() == 0
    page.question_definitions.add(QuestionDefinition(text="New question", kind="free_text"))
    page.save_revision().publish()
    assert [q.text for q in ConsultationPage.objects.get(pk=page.pk).active_questions()] == ["New question"]


def test_type_of_an_answered_question_cannot_change(consultation):
    question = consultation.active_questions().get(sort_order=4)
    answer(ConsultationResponseFactory(consultation=consultation), question, text="x")
    definition = QuestionDefinition.objects.get(page=consultation, uuid=question.uuid)
    definition.kind = "single_choice"
    definition.options = "A\nB"
    with pytest.raises(ValidationError, match="cannot change"):
        definition.clean()


def test_choice_questions_need_options():
    with pytest.raises(ValidationError):
        QuestionDefinition(text="Pick", kind="single_choice", options="Only one").clean()


def test_editor_can_open_the_page_editor(client, login, make_user, consultation, organisation):
    login(make_user("editor", organisation=organisation))
    response = client.get(f"/admin/pages/{consultation.pk}/edit/")
    assert response.status_code == 200
    assert "Questions" in response.content.decode()


def test_hub_page_is_found_again_not_duplicated(db):
    assert hub_page().pk == hub_page().pk
    assert ConsultationResponse.objects.count() == 0
