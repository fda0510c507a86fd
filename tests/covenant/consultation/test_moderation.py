"""Moderation: approve, reject, redact with a reason (the original only for moderators), automatic flags."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cms.accounts.models import AuditEvent
from covenant.consultation import services
from covenant.consultation.models import ModerationState, PublishConsent, Redaction
from demo.factories.consultation import ConsultationResponseFactory, answer

pytestmark = pytest.mark.django_db

PHONE_TEXT = "The ward was unsafe. Ring Mrs Jones on 07700 900123 or e-mail jo@example.org, she knows."


@pytest.fixture
def flagged(consultation):
    response = ConsultationResponseFactory(consultation=consultation, personal_data_flagged=True)
    question = consultation.active_questions().get(sort_order=4)
    return response, answer(response, question, text=PHONE_TEXT)


def test_queue_lists_pending_first_and_shows_flags(
    flagged, moderator, login, client, django_assert_max_num_queries
):
    login(moderator)
    ConsultationResponseFactory.create_batch(60, consultation=flagged[0].consultation)
    with django_assert_max_num_queries(25):  # constant: does not grow with the rows
        response = client.get(reverse("consultation:moderation_queue") + "?moderation_state=pending")
    assert response.status_code == 200
    body = response.content.decode()
    assert flagged[0].reference in body
    assert "Personal data" in body


def test_queue_without_filters_opens_on_pending(moderator, login, client, db):
    login(moderator)
    response = client.get(reverse("consultation:moderation_queue"))
    assert response.status_code == 302
    assert "moderation_state=pending" in response["Location"]


def test_queue_filter_by_text_and_flag(flagged, moderator, login, client):
    login(moderator)
    other = ConsultationResponseFactory(consultation=flagged[0].consultation)
    body = client.get(reverse("consultation:moderation_queue") + "?q=unsafe").content.decode()
    assert flagged[0].reference in body and other.reference not in body
    body = client.get(reverse("consultation:moderation_queue") + "?flag=personal").content.decode()
    assert flagged[0].reference in body and other.reference not in body


def test_detail_pre_suggests_redactions(flagged, moderator, login, client):
    login(moderator)
    response = client.get(reverse("consultation:moderate", args=[flagged[0].pk]))
    body = response.content.decode()
    assert "Phone number: 07700 900123" in body
    assert "E-mail address: jo@example.org" in body
    assert "Name of a person: Jones" in body
    assert AuditEvent.objects.filter(action="consultation.response_viewed").exists()


def test_redact_a_suggested_phone_number_then_approve(flagged, moderator, login, client):
    response, ans = flagged
    login(moderator)
    start = PHONE_TEXT.index("07700")
    suggestion = f"{start}:{start + len('07700 900123')}:phone"
    result = client.post(
        reverse("consultation:moderate", args=[response.pk]),
        {
            "action": "redact",
            "answer_id": ans.pk,
            f"a{ans.pk}-answer": ans.pk,
            f"a{ans.pk}-suggestions": [suggestion],
            f"a{ans.pk}-reason": "phone",
        },
    )
    assert result.status_code == 302
    ans.refresh_from_db()
    assert "07700" not in ans.redacted_text
    assert "[redacted: phone number]" in ans.redacted_text
    assert ans.text == PHONE_TEXT  # the original is kept
    redaction = Redaction.objects.get()
    assert redaction.original == "07700 900123"
    assert redaction.redacted_by == moderator
    event = AuditEvent.objects.get(action="consultation.answer_redacted")
    assert "07700" not in str(event.detail)  # the redacted words never reach the audit trail
    result = client.post(
        reverse("consultation:moderate", args=[response.pk]), {"action": "decide", "decision": "approved"}
    )
    assert result.status_code == 400  # the e-mail address and the name are still to be resolved
    client.post(reverse("consultation:moderate", args=[response.pk]), {"action": "redact_all"})
    result = client.post(
        reverse("consultation:moderate", args=[response.pk]), {"action": "decide", "decision": "approved"}
    )
    assert result.status_code == 302
    response.refresh_from_db()
    assert response.moderation_state == ModerationState.APPROVED
    assert response.moderated_by == moderator
    assert AuditEvent.objects.filter(action="consultation.response_approved").exists()


def test_redact_a_typed_phrase_everywhere_and_undo(flagged, moderator, login, client):
    response, ans = flagged
    login(moderator)
    client.post(
        reverse("consultation:moderate", args=[response.pk]),
        {
            "action": "redact",
            "answer_id": ans.pk,
            f"a{ans.pk}-answer": ans.pk,
            f"a{ans.pk}-phrase": "the ward",
            f"a{ans.pk}-reason": "other",
        },
    )
    ans.refresh_from_db()
    assert ans.redacted_text.startswith("[redacted: other identifying detail] was unsafe")
    redaction = Redaction.objects.get()
    client.post(
        reverse("consultation:moderate", args=[response.pk]),
        {"action": "unredact", "redaction_id": redaction.pk},
    )
    ans.refresh_from_db()
    assert ans.redacted_text == PHONE_TEXT


def test_redaction_errors_show_beside_the_field(flagged, moderator, login, client):
    response, ans = flagged
    login(moderator)
    result = client.post(
        reverse("consultation:moderate", args=[response.pk]),
        {
            "action": "redact",
            "answer_id": ans.pk,
            f"a{ans.pk}-answer": ans.pk,
            f"a{ans.pk}-phrase": "not there",
            f"a{ans.pk}-reason": "other",
        },
    )
    assert result.status_code == 400
    assert "That text is not in this answer" in result.content.decode()
    result = client.post(
        reverse("consultation:moderate", args=[response.pk]),
        {"action": "redact", "answer_id": ans.pk, f"a{ans.pk}-answer": ans.pk, f"a{ans.pk}-phrase": "ward"},
    )
    assert result.status_code == 400
    assert "Choose a reason for the redaction" in result.content.decode()
    assert Redaction.objects.count() == 0


def test_redacting_another_responses_answer_is_404(flagged, moderator, login, client, consultation):
    login(moderator)
    other = ConsultationResponseFactory(consultation=consultation)
    result = client.post(
        reverse("consultation:moderate", args=[other.pk]),
        {"action": "redact", "answer_id": flagged[1].pk, "reason": "other"},
    )
    assert result.status_code == 404


def test_unknown_action_and_missing_decision(flagged, moderator, login, client):
    login(moderator)
    url = reverse("consultation:moderate", args=[flagged[0].pk])
    assert client.post(url, {"action": "explode"}).status_code == 400
    result = client.post(url, {"action": "decide"})
    assert result.status_code == 400
    assert "Choose a decision" in result.content.decode()


def test_a_response_without_consent_cannot_be_approved(consultation, moderator, login, client):
    response = ConsultationResponseFactory(consultation=consultation, publish_consent=PublishConsent.NONE)
    login(moderator)
    result = client.post(
        reverse("consultation:moderate", args=[response.pk]), {"action": "decide", "decision": "approved"}
    )
    assert result.status_code == 400
    assert "asked us not to publish" in result.content.decode()
    response.refresh_from_db()
    assert response.moderation_state == ModerationState.PENDING


def test_services_refuse_people_without_the_role(flagged, analyst):
    response, ans = flagged
    with pytest.raises(PermissionDenied):
        services.response_moderate(response=response, moderator=analyst, decision="approved")
    with pytest.raises(PermissionDenied):
        services.answer_redact(answer=ans, moderator=analyst, spans=[(0, 3)], reason="other")


def test_span_outside_the_text_is_refused(flagged, moderator):
    with pytest.raises(ValidationError):
        services.answer_redact(answer=flagged[1], moderator=moderator, spans=[(0, 10_000)], reason="other")


def test_safeguarding_flag_shows_a_warning(consultation, moderator, login, client):
    response = ConsultationResponseFactory(consultation=consultation, safeguarding_flagged=True)
    answer(
        response,
        consultation.active_questions().get(sort_order=4),
        text="My partner hits me and I am not safe at home.",
    )
    login(moderator)
    body = client.get(reverse("consultation:moderate", args=[response.pk])).content.decode()
    assert "Possible safeguarding disclosure" in body


def test_moderation_export_is_formula_safe(consultation, moderator, login, client):
    ConsultationResponseFactory(consultation=consultation, reference="=1+1")
    login(moderator)
    response = client.get(reverse("consultation:moderation_queue") + "?_export=csv")
    content = b"".join(response.streaming_content).decode()
    assert "'=1+1" in content
    assert AuditEvent.objects.filter(action="consultation.moderation_exported").exists()


def test_forged_ids_are_404_not_500(flagged, moderator, analyst, login, client):
    login(moderator)
    url = reverse("consultation:moderate", args=[flagged[0].pk])
    assert client.post(url, {"action": "redact", "answer_id": "abc"}).status_code == 404
    assert client.post(url, {"action": "unredact", "redaction_id": "1 OR 1=1"}).status_code == 404
    assert client.post(url, {"action": "unredact"}).status_code == 404
