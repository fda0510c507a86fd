"""services/sending.py: whatever reaches it (marked answers from the journey included), the service stores only
answers that keep its rules, and refuses the rest before writing anything."""

import pytest
from django.core.exceptions import ValidationError

from covenant.consultation.models import Answer, ConsultationResponse
from covenant.consultation.selectors.live import consultation_live
from covenant.consultation.services.sending import response_send
from covenant.consultation.vocabulary import QuestionKind
from demo.factories.consultation import consultation_page

pytestmark = pytest.mark.django_db

ABOUT = {
    "respondent_type": "nhs_staff",
    "publish_consent": "anonymous",
    "region": "",
    "organisation_name": "",
}
KEY = "3c1e9b8c-1234-4cde-9abc-0123456789ab"


def _valid(page) -> dict:
    answers = {}
    for question in page.questions:
        if question.kind == QuestionKind.FREE_TEXT:
            answers[str(question.uuid)] = {"selected": [], "text": "An answer."}
        else:
            answers[str(question.uuid)] = {"selected": [question.options[0]], "text": ""}
    return answers


def _first(page, kind):
    return next(question for question in page.questions if question.kind == kind)


def _refused(page, answers, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        response_send(consultation=page, about=ABOUT, answers=answers, idempotency_key=KEY)
    assert message in " ".join(refused.value.messages)
    assert not ConsultationResponse.objects.exists() and not Answer.objects.exists()


def test_valid_answers_are_stored(consultation):
    page = consultation_live(pk=consultation.pk)
    sent = response_send(consultation=page, about=ABOUT, answers=_valid(page), idempotency_key=KEY)
    assert sent.created and Answer.objects.filter(response_id=sent.pk).count() == len(page.questions)


def test_an_option_not_on_the_form_is_refused(consultation):
    page = consultation_live(pk=consultation.pk)
    question = _first(page, QuestionKind.SINGLE_CHOICE)
    _refused(page, {**_valid(page), str(question.uuid): {"selected": ["Not an option"]}}, "not on the form")


def test_two_options_where_one_is_allowed_are_refused(consultation):
    page = consultation_live(pk=consultation.pk)
    question = _first(page, QuestionKind.SINGLE_CHOICE)
    _refused(
        page, {**_valid(page), str(question.uuid): {"selected": question.options[:2]}}, "Choose only one"
    )


def test_text_over_the_limit_is_refused(consultation):
    page = consultation_live(pk=consultation.pk)
    question = _first(page, QuestionKind.FREE_TEXT)
    too_long = {"selected": [], "text": "x" * (question.max_length + 1)}
    _refused(page, {**_valid(page), str(question.uuid): too_long}, "characters or fewer")


def test_a_required_question_left_out_is_refused(hub):
    page = consultation_live(pk=consultation_page(slug="all-required").pk)
    required = next((question for question in page.questions if question.required), None)
    if required is None:
        pytest.skip("the demo consultation has no required question")
    answers = _valid(page)
    answers.pop(str(required.uuid))
    _refused(page, answers, f"Answer question {required.number}")


def test_a_question_of_another_consultation_is_refused(consultation, hub):
    page = consultation_live(pk=consultation.pk)
    other = consultation_live(pk=consultation_page(slug="another-one").pk)
    answers = {**_valid(page), str(other.questions[0].uuid): {"selected": [], "text": "Elsewhere."}}
    _refused(page, answers, "not part of this consultation")
