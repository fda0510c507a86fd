"""The issue's "done when": a member of the public responds, a moderator redacts a phone number and approves,
an analyst tags it to a theme, the consultation concludes, and the outcome page and PDF show the response under
that theme, anonymously."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from covenant.consultation.models import ConsultationPage, ConsultationResponse, Redaction, ThemeTag

from .journey import ABOUT, FULL_ANSWERS, answer_everything, send

pytestmark = pytest.mark.django_db


def test_public_response_to_published_outcome(client, consultation, make_user, login, organisation):
    answers = {**FULL_ANSWERS, 5: "Panic alarms for lone workers. Call me on 07700 900123."}
    check = answer_everything(
        client, consultation, about={**ABOUT, "respondent_type": "public"}, answers=answers
    )
    send(client, consultation, check)
    response = ConsultationResponse.objects.get()
    assert response.personal_data_flagged

    login(make_user("consultation_moderator", organisation=organisation))
    free_text = response.answers.get(question__sort_order=4)
    start = free_text.text.index("07700")
    suggestion = f"{start}:{start + 12}:phone"
    moderate_url = reverse("consultation:moderate", args=[response.pk])
    assert suggestion in client.get(moderate_url).content.decode()
    client.post(
        moderate_url,
        {
            "action": "redact",
            "answer_id": free_text.pk,
            f"a{free_text.pk}-answer": free_text.pk,
            f"a{free_text.pk}-suggestions": [suggestion],
            f"a{free_text.pk}-reason": "phone",
        },
    )
    # The answer to question 1 carries the same phone number: the gate holds the response until it is resolved.
    refused = client.post(moderate_url, {"action": "decide", "decision": "approved"})
    assert refused.status_code == 400
    assert "Question 1: a suggested phone number is not yet redacted or dismissed" in refused.content.decode()
    client.post(moderate_url, {"action": "redact_all"})
    client.post(moderate_url, {"action": "decide", "decision": "approved"})
    assert Redaction.objects.count() == 2
    response.refresh_from_db()
    assert response.moderation_state == "approved"

    login(make_user("analyst", organisation=organisation))
    client.post(
        reverse("consultation:themes", args=[consultation.pk]),
        {"action": "create", "name": "Personal alarms", "question": free_text.question_id},
    )
    theme = consultation.themes.get()
    client.post(reverse("consultation:answer", args=[free_text.pk]), {"action": "tag", "theme": theme.pk})
    assert ThemeTag.objects.filter(theme=theme, confirmed_by__isnull=False).count() == 1

    # The editor concludes the consultation by publishing its outcome.
    page = ConsultationPage.objects.get(pk=consultation.pk)
    page.outcome_published_at = timezone.localdate()
    page.outcome_summary = "<p>We heard that lone workers need alarms.</p>"
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.status == "concluded"

    client.logout()
    outcome = client.get(page.subpage_url("outcome")).content.decode()
    assert "Personal alarms" in outcome
    assert "[redacted: phone number]" in outcome and "07700" not in outcome
    assert f"Member of the public (response {response.public_id})" in outcome  # no name: anonymous
    pdf = client.get(page.subpage_url("outcome_pdf"))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Personal alarms" in text and "Panic alarms for lone workers" in text and "07700" not in text
