"""services/sending.py: whatever reaches it (marked answers from the journey included), the service stores only
answers that keep its rules, and refuses the rest before writing anything."""

import pytest
from django.core.exceptions import ValidationError

from covenant.consultation.models import Answer, ConsultationResponse
from covenant.consultation.selectors.live import consultation_live
from covenant.consultation.services.sending import response_send
from covenant.consultation.vocabulary import QuestionKind
from demo.factories.consultation import consultation_page, hub_page

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


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_receipt_row_goes_in_with_the_response(consultation, settings):
    """With the database queue the receipt's task row is written with the response (in the same statement on
    PostgreSQL), with the reference to the held address and never the address itself."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    from covenant.consultation import receipts

    settings.TASKS = DATABASE_TASKS
    page = consultation_live(pk=consultation.pk)
    held = receipts.hold("sam.respondent@example.org", copy=False)
    with CaptureQueriesContext(connection) as captured:
        sent = response_send(
            consultation=page, about=ABOUT, answers=_valid(page), idempotency_key=KEY, receipt_ref=held
        )
    receipt = DBTaskResult.objects.get(task_path__endswith="send_response_receipt")
    assert receipt.args_kwargs == {"args": [], "kwargs": {"response_id": sent.pk, "receipt_ref": held}}
    assert receipt.status == "READY" and receipt.task.func.__name__ == "send_response_receipt"
    assert DBTaskResult.objects.filter(task_path__endswith="response_check").count() == 1
    writes = [query["sql"] for query in captured.captured_queries if "INSERT" in query["sql"]]
    assert len(writes) == (1 if connection.vendor == "postgresql" else 4)
    # The address is in no task row and in no statement sent (the reference to it, held sealed, is).
    assert not DBTaskResult.objects.filter(args_kwargs__icontains="example.org").exists()
    assert not any("example.org" in query["sql"] for query in captured.captured_queries)


def test_the_statement_is_prepared_once_per_connection_whatever_the_number_of_answers(consultation, settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    settings.TASKS = DATABASE_TASKS
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    connection.connection.prepare_threshold = (
        1  # as DATABASE_PREPARED_STATEMENTS on: prepared from its second run
    )
    page = consultation_live(pk=consultation.pk)
    everything = _valid(page)
    required = {str(question.uuid) for question in page.questions if question.required}
    fewer = {uid: answer for uid, answer in everything.items() if uid in required} or everything
    keys = [f"4c1e9b8c-1234-4cde-9abc-0123456789a{index}" for index in range(3)]
    try:
        for key, answers in zip(keys, [everything, fewer, everything], strict=True):
            response_send(consultation=page, about=ABOUT, answers=answers, idempotency_key=key)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT statement FROM pg_prepared_statements WHERE statement LIKE 'WITH r AS (INSERT%%'"
            )
            prepared = cursor.fetchall()
    finally:
        connection.connection.prepare_threshold = threshold
    assert len(prepared) == 1 and "unnest" in prepared[0][0]
    assert ConsultationResponse.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_taken_reference_outside_any_transaction_leaves_nothing_behind(monkeypatch, settings):
    """Sent as its own transaction (no caller's transaction, nothing else to write), a statement that fails on a
    taken reference writes nothing of itself; the next attempt stores the response once, with one check row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    from covenant.consultation.services import sending

    settings.TASKS = DATABASE_TASKS
    hub_page()
    page = consultation_live(pk=consultation_page(slug="nhs-covenant").pk)
    first = response_send(consultation=page, about=ABOUT, answers=_valid(page), idempotency_key=KEY)
    taken = first.reference.removeprefix("CNS-").split("-")
    drawn = iter([*taken, "PUBLIC1", "BBBB", "CCCC", "PUBLIC2"])  # two references and public ids
    monkeypatch.setattr(sending, "_code", lambda length: next(drawn))
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as captured:
        sent = response_send(
            consultation=page,
            about=ABOUT,
            answers=_valid(page),
            idempotency_key="5c1e9b8c-1234-4cde-9abc-0123456789ab",
        )
    assert sent.created and sent.reference == "CNS-BBBB-CCCC"
    sql = [query["sql"] for query in captured.captured_queries]
    if (
        connection.vendor == "postgresql"
    ):  # each attempt one statement, its own transaction: no BEGIN, no COMMIT
        assert len(sql) == 2 and all(text.startswith("WITH r AS (INSERT") for text in sql)
    assert ConsultationResponse.objects.count() == 2
    assert Answer.objects.count() == 2 * len(page.questions)
    assert DBTaskResult.objects.filter(task_path__endswith="response_check").count() == 2


def test_every_column_of_an_answer_is_written_at_send():
    """The send names the answer's columns itself (no default of Django's reaches that INSERT): a new column must
    be added there too."""
    from covenant.consultation.services.sending import ANSWER_COLUMNS

    columns = {field.name for field in Answer._meta.concrete_fields if not field.primary_key}
    assert columns == set(ANSWER_COLUMNS)


@pytest.mark.django_db(transaction=True)
def test_a_failure_that_is_not_a_taken_reference_is_not_retried():
    """Only a clash on the reference or the public id draws again; anything else (here a question deleted since
    the journey read the consultation: its foreign key) is raised at once and writes nothing."""
    from django.db import IntegrityError, connection
    from django.test.utils import CaptureQueriesContext

    from covenant.consultation.models import Question

    hub_page()
    page = consultation_live(pk=consultation_page(slug="nhs-covenant").pk)
    answers = _valid(page)
    Question.objects.filter(pk=page.questions[0].pk).delete()
    with CaptureQueriesContext(connection) as captured, pytest.raises(IntegrityError):
        response_send(consultation=page, about=ABOUT, answers=answers, idempotency_key=KEY)
    attempts = [query for query in captured.captured_queries if query["sql"].startswith(("INSERT", "WITH"))]
    assert len(attempts) == (1 if connection.vendor == "postgresql" else 2)
    assert not ConsultationResponse.objects.exists() and not Answer.objects.exists()


def test_references_are_drawn_from_the_whole_alphabet_and_nothing_else():
    """`_code` maps random bytes to the 32 characters people cannot misread: every one of them comes up, and no
    other character does."""
    from covenant.consultation.services.submission import REFERENCE_ALPHABET, _code

    drawn = "".join(_code(8) for _ in range(400))
    assert len(REFERENCE_ALPHABET) == len(set(REFERENCE_ALPHABET)) == 32
    assert len(drawn) == 3200
    assert set(drawn) == set(REFERENCE_ALPHABET)
    assert len({_code(8) for _ in range(400)}) == 400
