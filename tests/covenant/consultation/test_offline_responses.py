"""Responses received by e-mail or post: a moderator transcribes them through the online form's rules."""

import datetime
import re
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cms.accounts.models import AuditEvent
from covenant.consultation import services
from covenant.consultation.models import Answer, Channel, ConsultationResponse, ModerationState

from .test_staff_access import ROLES

pytestmark = pytest.mark.django_db


def questions_of(page):
    return {q.sort_order: q for q in page.active_questions()}


def form_data(page, *, received_on: datetime.date, channel="email", **overrides):
    """What a moderator types: how it arrived, about the respondent, and the answers."""
    questions = questions_of(page)
    data = {
        "channel": channel,
        "received_on_day": str(received_on.day),
        "received_on_month": str(received_on.month),
        "received_on_year": str(received_on.year),
        "token": str(uuid.uuid4()),
        "respondent_type": "social_care_staff",
        "organisation_name": "",
        "region": "north_west",
        "publish_consent": "anonymous",
        "respondent_name": "",
        questions[0].field_name: "Strongly agree",
        f"{questions[0].field_name}-why": "Care workers are abused as often as nurses.",
        questions[1].field_name: ["Safe workplaces", "Fair treatment"],
        questions[4].field_name: "A phone number to ring, written on the back of our badges.",
    }
    data.update(overrides)
    return data


def add_url(page):
    return reverse("consultation:response_add", args=[page.pk])


def test_moderator_sees_the_form_with_offline_channels_only(consultation, moderator, login, client):
    login(moderator)
    response = client.get(add_url(consultation))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="email"' in body and 'value="post"' in body
    assert 'value="online"' not in body
    assert 'name="email"' not in body  # no receipt address: they wrote to us
    for question in consultation.active_questions():
        assert question.field_name in body


def test_moderator_enters_a_postal_response(consultation, moderator, login, client):
    login(moderator)
    received = timezone.localdate() - datetime.timedelta(days=2)
    data = form_data(consultation, received_on=received, channel="post")
    response = client.post(add_url(consultation), data)
    assert response.status_code == 302
    saved = ConsultationResponse.objects.get()
    assert response["Location"] == reverse("consultation:moderate", args=[saved.pk])
    assert saved.channel == Channel.POST
    assert saved.moderation_state == ModerationState.PENDING
    assert re.fullmatch(r"CNS-[A-Z2-9]{4}-[A-Z2-9]{4}", saved.reference)
    assert saved.public_id.startswith("R")
    assert timezone.localdate(saved.submitted_at) == received
    assert saved.respondent_type == "social_care_staff" and saved.region == "north_west"
    questions = questions_of(consultation)
    answers = {a.question_id: a for a in saved.answers.all()}
    assert set(answers) == {questions[0].pk, questions[1].pk, questions[4].pk}
    assert answers[questions[0].pk].choices == ["Strongly agree"]
    assert answers[questions[0].pk].text == "Care workers are abused as often as nurses."
    assert answers[questions[1].pk].choices == ["Safe workplaces", "Fair treatment"]
    assert answers[questions[4].pk].redacted_text == answers[questions[4].pk].text
    event = AuditEvent.objects.get(action="consultation.response_entered")
    assert event.actor == moderator and event.object_id == str(saved.pk)
    assert event.detail["channel"] == "post" and event.detail["received"] == received.isoformat()
    # It joins the moderation queue and says who typed it.
    queue = client.get(reverse("consultation:moderation_queue") + "?moderation_state=pending&channel=post")
    assert saved.reference in queue.content.decode()
    page = client.get(response["Location"]).content.decode()
    assert f"entered by {moderator.email}" in page


def test_personal_data_in_a_letter_is_flagged_for_moderation(consultation, moderator, login, client):
    login(moderator)
    questions = questions_of(consultation)
    data = form_data(
        consultation,
        received_on=timezone.localdate(),
        **{questions[4].field_name: "Ring me on 07700 900123 about this."},
    )
    assert client.post(add_url(consultation), data).status_code == 302
    assert ConsultationResponse.objects.get().personal_data_flagged


def test_sending_the_same_form_twice_saves_one_response(consultation, moderator, login, client):
    login(moderator)
    data = form_data(consultation, received_on=timezone.localdate())
    first = client.post(add_url(consultation), data)
    second = client.post(add_url(consultation), data)
    assert first["Location"] == second["Location"]
    assert ConsultationResponse.objects.count() == 1


def test_late_entry_for_a_closed_consultation(closed_consultation, moderator, login, client):
    login(moderator)
    closes_on = timezone.localdate(closed_consultation.closes_at)
    response = client.post(
        add_url(closed_consultation), form_data(closed_consultation, received_on=closes_on)
    )
    assert response.status_code == 302
    saved = ConsultationResponse.objects.get()
    assert saved.submitted_at <= closed_consultation.closes_at
    assert saved.channel == Channel.EMAIL


def test_received_after_the_close_is_refused_beside_the_date(closed_consultation, moderator, login, client):
    login(moderator)
    questions = questions_of(closed_consultation)
    late = timezone.localdate(closed_consultation.closes_at) + datetime.timedelta(days=1)
    response = client.post(add_url(closed_consultation), form_data(closed_consultation, received_on=late))
    assert response.status_code == 400
    body = response.content.decode()
    assert "must be on or before the consultation closed" in body
    assert 'id="received_on-error"' in body or "received_on" in body
    assert "A phone number to ring, written on the back of our badges." in body  # everything typed kept
    assert re.search(r'<input[^>]*value="Strongly agree"[^>]*checked', body)
    assert response.context["entry_form"].errors["received_on"]
    assert not response.context["questions_form"].errors
    assert ConsultationResponse.objects.count() == 0
    assert Answer.objects.count() == 0
    assert questions[0].answers.count() == 0


@pytest.mark.parametrize(
    ("change", "form", "field", "message"),
    [
        ({"channel": "online"}, "entry_form", "channel", "Select how the response was received"),
        ({"channel": "fax"}, "entry_form", "channel", "Select how the response was received"),
        (
            {"received_on_day": "", "received_on_month": "", "received_on_year": ""},
            "entry_form",
            "received_on",
            "Enter the date",
        ),
        (
            {"received_on_day": "31", "received_on_month": "2"},
            "entry_form",
            "received_on",
            "Enter a real date",
        ),
        ({"respondent_type": "robot"}, "about_form", "respondent_type", "Select a valid choice"),
        (
            {"respondent_type": "organisation"},
            "about_form",
            "organisation_name",
            "Enter the name of your organisation",
        ),
        ({"region": "atlantis"}, "about_form", "region", "Select a region from the list"),
        ({"publish_consent": "named"}, "about_form", "respondent_name", "Enter their name"),
        ({"organisation_name": "x" * 201}, "about_form", "organisation_name", "200 characters or fewer"),
    ],
)
def test_bad_details_are_errors_beside_the_field(
    consultation, moderator, login, client, change, form, field, message
):
    login(moderator)
    data = form_data(consultation, received_on=timezone.localdate())
    data.update(change)
    response = client.post(add_url(consultation), data)
    assert response.status_code == 400
    errors = " ".join(response.context[form].errors[field])
    assert message in errors
    assert message in response.content.decode().replace("&#x27;", "'")
    assert ConsultationResponse.objects.count() == 0


def test_bad_answers_are_errors_beside_the_question(consultation, moderator, login, client):
    login(moderator)
    questions = questions_of(consultation)
    cases = [
        ({questions[0].field_name: "Mostly agree"}, questions[0].field_name, "Choose one of the options"),
        ({questions[0].field_name: ""}, questions[0].field_name, "Answer question 1"),  # required
        (
            {questions[1].field_name: ["Safe workplaces", "Free parking"]},
            questions[1].field_name,
            "Choose one",
        ),
        ({questions[4].field_name: "x" * 2001}, questions[4].field_name, "2,000 characters or fewer"),
        (
            {f"{questions[0].field_name}-why": "y" * 2001},
            f"{questions[0].field_name}-why",
            "2,000 characters",
        ),
    ]
    for change, field, message in cases:
        data = form_data(consultation, received_on=timezone.localdate())
        data.update(change)
        response = client.post(add_url(consultation), data)
        assert response.status_code == 400, change
        assert message in " ".join(response.context["questions_form"].errors[field]), change
    assert ConsultationResponse.objects.count() == 0
    assert Answer.objects.count() == 0


def test_a_forged_question_is_refused(consultation, closed_consultation, moderator, login, client):
    login(moderator)
    other_question = closed_consultation.active_questions().first()
    for forged in (f"q-{uuid.uuid4()}", other_question.field_name):
        data = form_data(consultation, received_on=timezone.localdate(), **{forged: "Injected"})
        response = client.post(add_url(consultation), data)
        assert response.status_code == 400
        assert "not part of this consultation" in response.content.decode()
    assert ConsultationResponse.objects.count() == 0


def test_a_future_date_or_one_before_opening_is_refused(consultation, moderator, login, client):
    login(moderator)
    for day, message in (
        (timezone.localdate() + datetime.timedelta(days=1), "today or in the past"),
        (
            timezone.localdate(consultation.opens_at) - datetime.timedelta(days=1),
            "on or after the consultation opened",
        ),
    ):
        response = client.post(add_url(consultation), form_data(consultation, received_on=day))
        assert response.status_code == 400
        assert message in " ".join(response.context["entry_form"].errors["received_on"])
    assert ConsultationResponse.objects.count() == 0


def test_no_entry_once_the_outcome_is_published(concluded_consultation, moderator, login, client):
    login(moderator)
    response = client.get(add_url(concluded_consultation))
    assert response.status_code == 200
    assert "no more responses can be added" in response.content.decode()
    received = timezone.localdate(concluded_consultation.closes_at)
    response = client.post(
        add_url(concluded_consultation), form_data(concluded_consultation, received_on=received)
    )
    assert response.status_code == 409
    assert ConsultationResponse.objects.count() == 0
    with pytest.raises(ValidationError):
        services.response_enter_offline(
            consultation=concluded_consultation,
            channel="post",
            received_on=received,
            about={"respondent_type": "public", "publish_consent": "none"},
            answers={},
            idempotency_key=uuid.uuid4(),
            entered_by=moderator,
        )


def test_unknown_consultation_is_404(moderator, login, client, db):
    login(moderator)
    assert client.get(reverse("consultation:response_add", args=[987654])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_may_enter_responses(role, consultation, make_user, login, client, organisation):
    login(make_user(role, organisation=organisation))
    expected = 200 if role == "consultation_moderator" else 403
    assert client.get(add_url(consultation)).status_code == expected
    response = client.post(add_url(consultation), form_data(consultation, received_on=timezone.localdate()))
    assert response.status_code == (302 if role == "consultation_moderator" else 403)
    assert ConsultationResponse.objects.count() == (1 if role == "consultation_moderator" else 0)


def test_people_without_a_role_and_anonymous_visitors_are_kept_out(consultation, make_user, login, client):
    url = add_url(consultation)
    response = client.get(url)
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
    response = client.post(url, form_data(consultation, received_on=timezone.localdate()))
    assert response.status_code == 302
    login(make_user())
    assert client.get(url).status_code == 403
    assert ConsultationResponse.objects.count() == 0


def test_the_service_checks_the_role_and_the_channel(consultation, analyst, moderator):
    kwargs = {
        "consultation": consultation,
        "received_on": timezone.localdate(),
        "about": {"respondent_type": "public", "publish_consent": "none"},
        "answers": {},
    }
    with pytest.raises(PermissionDenied):
        services.response_enter_offline(
            channel="email", idempotency_key=uuid.uuid4(), entered_by=analyst, **kwargs
        )
    with pytest.raises(ValidationError) as excinfo:
        services.response_enter_offline(
            channel="online", idempotency_key=uuid.uuid4(), entered_by=moderator, **kwargs
        )
    assert "channel" in excinfo.value.error_dict
    with pytest.raises(ValidationError):
        services.response_enter_offline(
            channel="email",
            idempotency_key=uuid.uuid4(),
            entered_by=moderator,
            **{**kwargs, "answers": {str(uuid.uuid4()): {"text": "forged"}}},
        )
    assert ConsultationResponse.objects.count() == 0


def _channel_row(body: str, label: str) -> int:
    caption = body.index("Responses by channel")
    match = re.search(rf"{label}</th><td[^>]*>(\d+)</td>", body[caption:])
    assert match, label
    return int(match.group(1))


def test_channels_are_counted_in_the_summary_and_the_outcome(closed_consultation, moderator, client):
    page = closed_consultation
    received = timezone.localdate(page.closes_at) - datetime.timedelta(days=3)
    about = {"respondent_type": "public", "publish_consent": "anonymous"}
    required = questions_of(page)[0]
    answers = {str(required.uuid): {"selected": ["Agree"]}}
    # Enough of each that disclosure control (counts of 1 and 2 hidden in consultation summaries) shows them.
    for channel in ("email",) * 4 + ("post",) * 3:
        services.response_enter_offline(
            consultation=page,
            channel=channel,
            received_on=received,
            about=about,
            answers=answers,
            idempotency_key=uuid.uuid4(),
            entered_by=moderator,
        )
    spam = services.response_enter_offline(
        consultation=page,
        channel="post",
        received_on=received,
        about=about,
        answers=answers,
        idempotency_key=uuid.uuid4(),
        entered_by=moderator,
    )[0]
    services.response_moderate(response=spam, moderator=moderator, decision=ModerationState.INVALID)
    summary = client.get(page.subpage_url("summary")).content.decode()
    assert _channel_row(summary, "E-mail") == 4
    assert _channel_row(summary, "Post") == 3  # the invalid one is not counted
    assert _channel_row(summary, "Online form") == 0
    page.outcome_published_at = timezone.localdate()
    page.outcome_summary = "<p>We heard you.</p>"
    page.save_revision().publish()
    outcome = client.get(page.subpage_url("outcome")).content.decode()
    assert _channel_row(outcome, "E-mail") == 4 and _channel_row(outcome, "Post") == 3
    pdf = client.get(page.subpage_url("outcome_pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_staff_screens_link_to_the_entry_form(consultation, concluded_consultation, moderator, login, client):
    login(moderator)
    index = client.get(reverse("consultation:analysis")).content.decode()
    assert add_url(consultation) in index
    assert add_url(concluded_consultation) not in index  # no entry once the outcome is out
    queue = reverse("consultation:moderation_queue")
    filtered = client.get(f"{queue}?consultation={consultation.pk}&moderation_state=pending")
    assert add_url(consultation) in filtered.content.decode()
    unfiltered = client.get(f"{queue}?moderation_state=pending&consultation=not-a-number")
    assert unfiltered.status_code == 200
    assert reverse("consultation:analysis") in unfiltered.content.decode()
