"""Every question before starting: a page linked from the consultation that lists each question with its hint,
options and limits, printable and as a PDF, so that people can prepare their answers offline."""

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from demo.factories.consultation import consultation_page

pytestmark = pytest.mark.django_db


def test_the_start_page_links_to_every_question(client, consultation):
    page = client.get(consultation.url).content.decode()
    assert f'href="{consultation.subpage_url("all_questions")}"' in page


def test_every_question_with_its_hint_options_and_limits(client, consultation, django_assert_max_num_queries):
    client.get("/")  # the site's menus are built once and cached (cms.navigation)
    with django_assert_max_num_queries(20):
        response = client.get(consultation.subpage_url("all_questions"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "The NHS Covenant: the questions" in body
    for question in consultation.active_questions():
        assert f"{question.sort_order + 1}. {question.text}" in body.replace("&#x27;", "'")
        if question.help_text:
            assert question.help_text in body
        for option in question.options:
            assert f"<li>{option}</li>" in body.replace("&#x27;", "'")
        if question.why_prompt:
            assert question.why_prompt in body
    assert "Choose all that apply" in body and "up to 2000 characters" in body
    assert "Who are you responding as?" in body and "Can we publish your response?" in body  # about you
    assert 'href="' + consultation.subpage_url("all_questions_pdf") + '"' in body
    assert "css/consultation.css" in body  # its print rules


def test_the_query_count_does_not_grow_with_the_questions(hub):
    from demo.factories.consultation import COVENANT_QUESTIONS

    small = consultation_page(title="Small", slug="small", questions=COVENANT_QUESTIONS[:2])
    large = consultation_page(title="Large", slug="large", questions=COVENANT_QUESTIONS)
    client = Client()
    client.get(small.subpage_url("all_questions"))  # warm the site and page caches alike
    client.get(large.subpage_url("all_questions"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for page in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page.subpage_url("all_questions")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_questions_are_there_before_it_opens_and_after_it_closes(hub):
    client = Client()
    for status in ("forthcoming", "closed"):
        page = consultation_page(title=f"A {status} one", slug=f"a-{status}", status=status)
        body = client.get(page.subpage_url("all_questions")).content.decode()
        assert page.active_questions().first().text in body.replace("&#x27;", "'")
        assert "respond online" not in body  # only while it is open


def test_the_pdf_has_every_question(client, consultation):
    response = client.get(consultation.subpage_url("all_questions_pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="nhs-covenant-questions.pdf"'
    assert response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for question in consultation.active_questions():
        assert " ".join(question.text.split())[:40] in text
