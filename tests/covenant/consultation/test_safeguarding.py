"""Finding 6: a safeguarding flag opens a referral to the consultation's safeguarding lead, with an owner, a
deadline, notes and a decision, audited; the response cannot be approved until the lead has decided."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cms.accounts.models import AuditEvent
from covenant.consultation import safeguarding
from covenant.consultation.models import (
    ConsultationResponse,
    ModerationState,
    ReferralStatus,
    SafeguardingReferral,
)
from demo.factories.consultation import ConsultationResponseFactory, answer

from .journey import FULL_ANSWERS, answer_everything, send

pytestmark = pytest.mark.django_db

DISCLOSURE = "After the last night shift I want to end my life, and nobody at work knows."
CONCERN = "Mentions a colleague who lives with a violent partner."


@pytest.fixture
def lead(make_user, organisation, consultation):
    user = make_user("safeguarding_lead", organisation=organisation, email="lead@example.org")
    consultation.safeguarding_lead = user
    consultation.save(update_fields=["safeguarding_lead"])
    return user


@pytest.fixture
def other_lead(make_user, organisation):
    return make_user("safeguarding_lead", organisation=organisation, email="second.lead@example.org")


def decide(
    client, referral, decision="no_action", reason="Spoke to the respondent's GP practice; no risk now."
):
    return client.post(
        reverse("consultation:safeguarding_referral", args=[referral.pk]),
        {"action": "decide", "decision": decision, "reason": reason},
    )


def approve(client, response):
    return client.post(
        reverse("consultation:moderate", args=[response.pk]), {"action": "decide", "decision": "approved"}
    )


def test_a_disclosure_goes_to_the_named_lead_and_holds_the_response_until_they_decide(
    client, consultation, lead, moderator, login, django_capture_on_commit_callbacks
):
    answers = {**FULL_ANSWERS, 5: DISCLOSURE}
    check = answer_everything(client, consultation, answers=answers)
    with django_capture_on_commit_callbacks(execute=True):
        send(client, consultation, check)
    response = ConsultationResponse.objects.get()
    referral = SafeguardingReferral.objects.get(response=response)
    assert referral.status == ReferralStatus.OPEN
    assert referral.origin == "detected"
    assert referral.lead == lead
    assert referral.due_at - referral.raised_at == datetime.timedelta(hours=24)
    # The lead is e-mailed the reference and a link, never the words.
    [email] = mail.outbox
    assert email.to == ["lead@example.org"]
    assert referral.reference in email.subject and referral.reference in email.body
    assert f"http://testserver/consultation/safeguarding/{referral.pk}/" in email.body
    assert "end my life" not in email.body and "night shift" not in email.body

    # The moderator cannot approve while it is open, and is told why.
    login(moderator)
    page = client.get(reverse("consultation:moderate", args=[response.pk])).content.decode()
    assert referral.reference in page and "Open: waiting for the safeguarding lead" in page
    refused = approve(client, response)
    assert refused.status_code == 400
    assert f"Safeguarding referral {referral.reference} is open" in refused.content.decode()
    response.refresh_from_db()
    assert response.moderation_state == ModerationState.PENDING

    # The lead reads it (audited), adds a note and decides.
    login(lead)
    queue = client.get(reverse("consultation:safeguarding_queue"))
    assert queue.status_code == 200 and referral.reference in queue.content.decode()
    detail = client.get(reverse("consultation:safeguarding_referral", args=[referral.pk]))
    assert detail.status_code == 200
    assert "end my life" in detail.content.decode()
    noted = client.post(
        reverse("consultation:safeguarding_referral", args=[referral.pk]),
        {"action": "note", "text": "Called the respondent's listed GP practice."},
    )
    assert noted.status_code == 302
    assert decide(client, referral).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NO_FURTHER_ACTION
    assert referral.decided_by == lead and referral.decided_at is not None

    login(moderator)
    # The publication gate still asks for the personal-data suggestions to be resolved.
    client.post(reverse("consultation:moderate", args=[response.pk]), {"action": "redact_all"})
    assert approve(client, response).status_code == 302
    response.refresh_from_db()
    assert response.moderation_state == ModerationState.APPROVED

    actions = set(
        AuditEvent.objects.filter(object_type="consultation.safeguardingreferral").values_list(
            "action", flat=True
        )
    )
    assert actions == {
        "consultation.safeguarding_referral_opened",
        "consultation.safeguarding_referral_viewed",
        "consultation.safeguarding_note_added",
        "consultation.safeguarding_referral_decided",
    }
    assert AuditEvent.objects.filter(action="consultation.safeguarding_queue_viewed", actor=lead).exists()
    trail = str(list(AuditEvent.objects.values("summary", "detail")))
    assert "end my life" not in trail and "GP practice" not in trail


def test_a_moderator_raises_a_concern_with_a_note_kept_encrypted(
    client, consultation, lead, moderator, login, django_capture_on_commit_callbacks
):
    response = ConsultationResponseFactory(consultation=consultation)
    answer(response, consultation.active_questions().get(sort_order=4), text="Parking is hard on nights.")
    login(moderator)
    client.get(reverse("consultation:moderate", args=[response.pk]))
    assert not SafeguardingReferral.objects.exists()  # nothing for the automatic check to find
    with django_capture_on_commit_callbacks(execute=True):
        raised = client.post(
            reverse("consultation:moderate", args=[response.pk]),
            {"action": "safeguarding", "concern": CONCERN},
        )
    assert raised.status_code == 302
    referral = SafeguardingReferral.objects.get()
    assert (referral.origin, referral.raised_by, referral.lead) == ("moderator", moderator, lead)
    assert referral.concern == CONCERN
    response.refresh_from_db()
    assert response.safeguarding_flagged
    assert len(mail.outbox) == 1 and "violent" not in mail.outbox[0].body
    with connection.cursor() as cursor:
        cursor.execute("SELECT concern FROM consultation_safeguardingreferral")
        stored = cursor.fetchone()[0]
    assert stored.startswith("enc1:") and "violent" not in stored
    # Raising again while it is open adds the concern to the same referral.
    client.post(
        reverse("consultation:moderate", args=[response.pk]),
        {"action": "safeguarding", "concern": "Also: a child."},
    )
    assert SafeguardingReferral.objects.count() == 1
    assert referral.notes.get().text == "Also: a child."
    # An empty concern is refused beside the field.
    empty = client.post(
        reverse("consultation:moderate", args=[response.pk]), {"action": "safeguarding", "concern": ""}
    )
    assert empty.status_code == 400 and "Say what the concern is" in empty.content.decode()


def test_opening_a_flagged_response_from_before_referrals_opens_one_once(
    client, consultation, other_lead, moderator, login, django_capture_on_commit_callbacks
):
    response = ConsultationResponseFactory(consultation=consultation, safeguarding_flagged=True)
    answer(
        response,
        consultation.active_questions().get(sort_order=4),
        text="My partner hits me when I get home.",
    )
    login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("consultation:moderate", args=[response.pk]))
    referral = SafeguardingReferral.objects.get()
    assert referral.lead is None  # the consultation names no lead: every lead is told
    assert mail.outbox[0].to == ["second.lead@example.org"]
    login(other_lead)
    decide(client, referral, decision="referred", reason="Referred to the local authority's MASH today.")
    login(moderator)
    client.get(reverse("consultation:moderate", args=[response.pk]))
    assert SafeguardingReferral.objects.count() == 1  # a decided referral is not reopened by looking again
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REFERRED and referral.lead == other_lead  # the decider owns it


def test_the_queue_marks_overdue_referrals_and_is_for_leads_with_a_second_factor(
    client, consultation, lead, moderator, analyst, login
):
    response = ConsultationResponseFactory(consultation=consultation)
    referral, _ = safeguarding.referral_raise(
        response=response, origin="moderator", raised_by=moderator, concern="x"
    )
    SafeguardingReferral.objects.filter(pk=referral.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    url = reverse("consultation:safeguarding_queue")
    for person in (moderator, analyst):
        login(person)
        assert client.get(url).status_code == 403
        assert (
            client.get(reverse("consultation:safeguarding_referral", args=[referral.pk])).status_code == 403
        )
    client.logout()
    assert client.get(url).status_code == 302
    login(lead, verified=False)
    assert client.get(url).status_code == 302  # a password alone is not enough
    login(lead)
    body = client.get(url).content.decode()
    assert referral.reference in body and "Overdue" in body


def test_a_decision_needs_a_reason_and_is_made_once(client, consultation, lead, moderator, login):
    response = ConsultationResponseFactory(consultation=consultation)
    referral, _ = safeguarding.referral_raise(
        response=response, origin="moderator", raised_by=moderator, concern="x"
    )
    login(lead)
    missing = decide(client, referral, reason="")
    assert missing.status_code == 400 and "Give the reason for the decision" in missing.content.decode()
    assert decide(client, referral).status_code == 302
    again = decide(client, referral, decision="referred")
    assert again.status_code == 400 and "already been decided" in again.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NO_FURTHER_ACTION
    assert safeguarding.safeguarding_blockers(response) == []


# --- review fix B1: a referral raised on a published response withdraws it from publication ---------------------


def _public_bodies(client, page) -> str:
    client.logout()
    published = client.get(page.subpage_url("published")).content.decode()
    outcome = client.get(page.subpage_url("outcome")).content.decode()
    open_data = b"".join(client.get(page.subpage_url("open_data", fmt="json")).streaming_content).decode()
    return published + outcome + open_data


@pytest.fixture
def published_response(concluded_consultation, moderator, make_user, organisation, analyst):
    from covenant.consultation import services

    lead = make_user("safeguarding_lead", organisation=organisation, email="lead@example.org")
    concluded_consultation.safeguarding_lead = lead
    concluded_consultation.save(update_fields=["safeguarding_lead"])
    response = ConsultationResponseFactory(consultation=concluded_consultation)
    question = concluded_consultation.active_questions().get(sort_order=4)
    answered = answer(response, question, text="Panic alarms for community staff on late visits.")
    theme = services.theme_create(
        consultation=concluded_consultation, name="Personal alarms", user=analyst, question=question
    )
    services.response_moderate(response=response, moderator=moderator, decision=ModerationState.APPROVED)
    services.answer_tag(answer=answered, theme=theme, user=analyst)
    return response, lead


def test_a_concern_raised_on_a_published_response_withdraws_it_until_the_lead_decides(
    client, concluded_consultation, moderator, login, published_response
):
    response, lead = published_response
    page = concluded_consultation
    assert response.public_id in _public_bodies(client, page)
    assert "Panic alarms for community staff" in _public_bodies(client, page)

    login(moderator)
    raised = client.post(
        reverse("consultation:moderate", args=[response.pk]),
        {"action": "safeguarding", "concern": CONCERN},
        follow=True,
    )
    referral = SafeguardingReferral.objects.get()
    assert "has been withdrawn from publication" in raised.content.decode()
    response.refresh_from_db()
    assert response.moderation_state == ModerationState.PENDING
    withdrawn = AuditEvent.objects.get(action="consultation.response_withdrawn")
    assert withdrawn.actor == moderator and withdrawn.detail["referral"] == referral.pk
    assert "violent" not in str(withdrawn.detail) + withdrawn.summary

    bodies = _public_bodies(client, page)
    assert response.public_id not in bodies and "Panic alarms for community staff" not in bodies

    # Approval is refused while the referral is open.
    login(moderator)
    refused = approve(client, response)
    assert refused.status_code == 400 and f"{referral.reference} is open" in refused.content.decode()
    response.refresh_from_db()
    assert response.moderation_state == ModerationState.PENDING

    # Once the lead has decided, the moderator approves it again and it is published again.
    login(lead)
    assert decide(client, referral).status_code == 302
    login(moderator)
    assert approve(client, response).status_code == 302
    response.refresh_from_db()
    assert response.moderation_state == ModerationState.APPROVED
    assert response.public_id in _public_bodies(client, page)


def test_a_disclosure_detected_on_opening_a_published_response_withdraws_it(
    client, concluded_consultation, moderator, login, published_response
):
    response, _lead = published_response
    answer(
        response,
        concluded_consultation.active_questions().get(sort_order=3),
        text="My partner hits me when I get home.",
    )
    login(moderator)
    page = client.get(reverse("consultation:moderate", args=[response.pk]))
    assert "has been withdrawn from publication" in page.content.decode()
    referral = SafeguardingReferral.objects.get()
    assert referral.origin == "detected"
    response.refresh_from_db()
    assert response.moderation_state == ModerationState.PENDING
    assert AuditEvent.objects.filter(action="consultation.response_withdrawn", actor_label="system").exists()
    assert response.public_id not in _public_bodies(client, concluded_consultation)


def test_an_approved_response_with_an_open_referral_is_never_published(
    client, concluded_consultation, moderator, published_response
):
    """The second defence: whatever set the state (a migration, a race, an admin), the one published-text
    selector leaves out a response while a referral on it is open."""
    response, _lead = published_response
    SafeguardingReferral.objects.create(
        response=response,
        origin="moderator",
        raised_by=moderator,
        raised_at=timezone.now(),
        due_at=timezone.now() + datetime.timedelta(hours=24),
        concern="x",
    )
    assert ConsultationResponse.objects.get(pk=response.pk).moderation_state == ModerationState.APPROVED
    bodies = _public_bodies(client, concluded_consultation)
    assert response.public_id not in bodies and "Panic alarms for community staff" not in bodies


# --- review fix B2: another lead may decide a named lead's referral (cover for absence), said and audited ----------


def test_another_lead_may_decide_for_the_named_lead_and_is_told_and_audited(
    client, consultation, lead, other_lead, moderator, login
):
    response = ConsultationResponseFactory(consultation=consultation)
    referral, _ = safeguarding.referral_raise(
        response=response, origin="moderator", raised_by=moderator, concern="x"
    )
    url = reverse("consultation:safeguarding_referral", args=[referral.pk])
    login(lead)
    own = client.get(url).content.decode()
    assert "Named safeguarding lead" in own and "lead@example.org" in own
    assert "You are not the named lead" not in own

    login(other_lead)
    page = client.get(url).content.decode()
    assert "You are not the named lead for this referral" in page
    assert "The named safeguarding lead is lead@example.org" in page
    assert decide(client, referral).status_code == 302
    referral.refresh_from_db()
    assert referral.decided_by == other_lead and referral.lead == lead  # the owner stays the named lead
    event = AuditEvent.objects.get(action="consultation.safeguarding_referral_decided_for_another_lead")
    assert event.actor == other_lead
    assert event.detail["named_lead"] == lead.pk and event.detail["decided_by"] == other_lead.pk
    decided = AuditEvent.objects.get(action="consultation.safeguarding_referral_decided")
    assert decided.detail["decided_by_named_lead"] is False
    after = client.get(url).content.decode()
    assert "for the named lead lead@example.org" in after


def test_the_named_lead_deciding_is_not_recorded_as_cover(client, consultation, lead, moderator, login):
    response = ConsultationResponseFactory(consultation=consultation)
    referral, _ = safeguarding.referral_raise(
        response=response, origin="moderator", raised_by=moderator, concern="x"
    )
    login(lead)
    assert decide(client, referral).status_code == 302
    assert not AuditEvent.objects.filter(
        action="consultation.safeguarding_referral_decided_for_another_lead"
    ).exists()
    assert AuditEvent.objects.get(action="consultation.safeguarding_referral_decided").detail[
        "decided_by_named_lead"
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_an_approval_and_a_referral_at_the_same_moment_leave_the_response_unpublished(
    consultation, lead, moderator
):
    """The approval holds the row lock and commits while the referral waits for it: the referral then finds the
    response approved and withdraws it, so it is never published with an open referral."""
    import threading
    import time

    from django.db import close_old_connections, transaction

    from covenant.consultation import services

    response = ConsultationResponseFactory(consultation=consultation)
    answer(response, consultation.active_questions().get(sort_order=4), text="Parking is hard on nights.")
    approved_in_transaction, raised = threading.Event(), threading.Event()
    errors = []

    def approve_slowly():
        try:
            with transaction.atomic():
                services.response_moderate(
                    response=response, moderator=moderator, decision=ModerationState.APPROVED
                )
                approved_in_transaction.set()
                time.sleep(1)  # the referral below is now waiting for the row lock
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    def raise_concern():
        try:
            approved_in_transaction.wait(10)
            safeguarding.referral_raise(
                response=response, origin="moderator", raised_by=moderator, concern="x"
            )
            raised.set()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=approve_slowly), threading.Thread(target=raise_concern)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not errors and raised.is_set()
    response.refresh_from_db()
    assert response.moderation_state == ModerationState.PENDING
    assert SafeguardingReferral.objects.get(response=response).status == ReferralStatus.OPEN
    assert AuditEvent.objects.filter(action="consultation.response_withdrawn").exists()
