"""The public API's consultation endpoints (docs/api.md): only what the published responses page shows is served,
cursors page through it, theme counts are protected, and lists cost a bounded number of queries."""

import json

import pytest
from django.utils import timezone

from covenant.consultation.models import (
    Answer,
    ModerationState,
    Origin,
    PublishConsent,
    RespondentType,
    Theme,
    ThemeTag,
)
from covenant.consultation.safeguarding import referral_raise
from covenant.consultation.vocabulary import ReferralOrigin
from demo.factories.consultation import ConsultationResponseFactory, answer, consultation_page

pytestmark = pytest.mark.django_db

REDACTED_ORIGINAL = "ring me on 07700 900123 any time"


def responses_url(page, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/api/v1/consultations/{page.pk}/responses" + (f"?{query}" if query else "")


def free_text(page):
    return [q for q in page.active_questions() if q.has_free_text][0]


def approved(page, question, text, **fields):
    fields.setdefault("moderation_state", ModerationState.APPROVED)
    response = ConsultationResponseFactory(consultation=page, **fields)
    answer(response, question, selected=[question.options[0]] if question.options else [], text=text)
    return response


@pytest.fixture
def world(closed_consultation, analyst):
    """One published response beside every kind of response that must never be served."""
    page = closed_consultation
    question = free_text(page)
    published = approved(
        page,
        question,
        "Published words",
        publish_consent=PublishConsent.NAMED,
        respondent_name="Priya Original",
        redacted_respondent_name="Priya [redacted: name of a person]",
    )
    redacted = approved(page, question, REDACTED_ORIGINAL)
    Answer.objects.filter(response=redacted).update(
        redacted_text="ring me on [redacted: phone number] any time"
    )
    never = {
        "unconsented": approved(page, question, "Unconsented words", publish_consent=PublishConsent.NONE),
        "pending": approved(page, question, "Pending words", moderation_state=ModerationState.PENDING),
        "rejected": approved(page, question, "Rejected words", moderation_state=ModerationState.REJECTED),
        "invalid": approved(page, question, "Invalid words", moderation_state=ModerationState.INVALID),
        "withdrawn": approved(page, question, "Withdrawn words"),
    }
    # A safeguarding referral withdraws the response; even put back to approved while it is open, it stays out.
    referral_raise(response=never["withdrawn"], origin=ReferralOrigin.DETECTED)
    type(never["withdrawn"]).objects.filter(pk=never["withdrawn"].pk).update(
        moderation_state=ModerationState.APPROVED
    )
    theme = Theme.objects.create(consultation=page, question=question, name="Staffing", created_by=analyst)
    for response in [published, redacted, *never.values()]:
        ThemeTag.objects.create(
            answer=response.answers.get(),
            theme=theme,
            origin=Origin.PERSON,
            created_by=analyst,
            confirmed_by=analyst,
            confirmed_at=timezone.now(),
        )
    return {"page": page, "question": question, "published": published, "redacted": redacted, "never": never}


def test_only_approved_consented_redacted_responses_are_served(world, client):
    page = world["page"]
    result = client.get(responses_url(page))
    assert result.status_code == 200
    body = result.content.decode()
    ids = [item["public_id"] for item in result.json()["items"]]
    assert ids == [world["published"].public_id, world["redacted"].public_id]
    for name, response in world["never"].items():
        assert response.public_id not in body, name
        assert f"{name.capitalize()} words" not in body, name
    assert "07700" not in body and REDACTED_ORIGINAL not in body
    assert "ring me on [redacted: phone number] any time" in body
    assert "Priya Original" not in body and "Priya [redacted: name of a person]" in body
    assert world["redacted"].reference not in body and world["published"].reference not in body


def test_filters_by_question_theme_and_type_and_refuses_foreign_ids(world, client):
    page, question = world["page"], world["question"]
    other = consultation_page(title="Other", slug="other-one", status="closed")
    theme = Theme.objects.get(name="Staffing")
    assert len(client.get(responses_url(page, question=question.pk)).json()["items"]) == 2
    assert len(client.get(responses_url(page, theme=theme.pk)).json()["items"]) == 2
    assert client.get(responses_url(page, respondent_type=RespondentType.ORGANISATION)).json()["items"] == []
    foreign = client.get(responses_url(page, question=free_text(other).pk))
    assert foreign.status_code == 400 and "no question with that id" in foreign.json()["message"]
    bad_type = client.get(responses_url(page, respondent_type="robot"))
    assert bad_type.status_code == 400 and "respondent_type" in bad_type.json()["message"]


def test_responses_of_an_open_consultation_are_not_published(consultation, client):
    question = free_text(consultation)
    approved(consultation, question, "Too early")
    result = client.get(responses_url(consultation))
    assert result.status_code == 404
    assert result.json() == {"message": "Responses and themes are published once the consultation has closed"}
    assert client.get(f"/api/v1/consultations/{consultation.pk}/themes").status_code == 404
    assert client.get(f"/api/v1/consultations/{consultation.pk}/questions").status_code == 200


def test_a_draft_consultation_is_not_served(hub, client):
    draft = consultation_page(title="Draft", slug="draft-one", status="closed")
    draft.unpublish()
    assert client.get("/api/v1/consultations/").json()["items"] == []
    assert client.get(f"/api/v1/consultations/{draft.pk}").status_code == 404


def test_cursor_round_trip_visits_every_published_response_once(closed_consultation, client):
    question = free_text(closed_consultation)
    made = [approved(closed_consultation, question, f"Answer {i}").public_id for i in range(7)]
    seen, cursor, pages = [], "", 0
    while True:
        url = responses_url(closed_consultation, limit=3) + (f"&cursor={cursor}" if cursor else "")
        data = client.get(url).json()
        seen += [item["public_id"] for item in data["items"]]
        pages += 1
        cursor = data["next_cursor"]
        if not cursor:
            break
    assert seen == made and pages == 3


@pytest.mark.parametrize("cursor", ["garbage", "eyJsIjoicmVzcG9uc2VzIiwiYSI6MH0", "a:b:c"])
def test_a_forged_cursor_is_a_400_with_a_message(closed_consultation, client, cursor):
    result = client.get(responses_url(closed_consultation, cursor=cursor))
    assert result.status_code == 400
    assert result["Content-Type"].startswith("application/json")
    assert "cursor is not valid" in result.json()["message"]


def test_a_cursor_from_another_listing_is_refused(closed_consultation, client):
    question = free_text(closed_consultation)
    for i in range(3):
        approved(closed_consultation, question, f"Answer {i}")
    consultations = consultation_page(title="Second", slug="second-one", status="closed")
    assert consultations
    cursor = client.get("/api/v1/consultations/?limit=1").json()["next_cursor"]
    result = client.get(responses_url(closed_consultation, cursor=cursor))
    assert result.status_code == 400 and "another listing" in result.json()["message"]


@pytest.mark.parametrize("limit", ["0", "101", "many"])
def test_the_page_size_is_limited(closed_consultation, client, limit):
    result = client.get(responses_url(closed_consultation, limit=limit))
    assert result.status_code == 400 and "limit" in result.json()["message"]


def test_queries_per_page_do_not_grow_with_the_page(
    closed_consultation, client, django_assert_max_num_queries
):
    question = free_text(closed_consultation)
    for i in range(30):
        approved(closed_consultation, question, f"Answer {i}")
    client.get(responses_url(closed_consultation, limit=2))  # warm the site root paths cache
    with django_assert_max_num_queries(8):
        assert len(client.get(responses_url(closed_consultation, limit=30)).json()["items"]) == 30
    with django_assert_max_num_queries(6):
        client.get("/api/v1/consultations/?limit=100")


def test_theme_counts_are_protected_as_on_the_summary_page(world, client, analyst):
    small = Theme.objects.create(
        consultation=world["page"], question=world["question"], name="Parking", created_by=analyst
    )
    for response in (world["published"], world["redacted"]):
        ThemeTag.objects.create(
            answer=response.answers.get(),
            theme=small,
            origin=Origin.PERSON,
            created_by=analyst,
            confirmed_by=analyst,
            confirmed_at=timezone.now(),
        )
    data = client.get(f"/api/v1/consultations/{world['page'].pk}/themes").json()
    themes = {item["name"]: item for item in data["items"]}
    assert themes["Staffing"]["question_id"] == world["question"].pk
    # Six counted responses carry the theme (the invalid one is not counted), as the summary page counts them.
    assert themes["Staffing"]["responses"] == {"value": 6, "display": "6", "status": "shown"}
    assert type(themes["Staffing"]["responses"]["value"]) is int  # a count stays a whole number in JSON
    # Two responses: below the consultation threshold of 3, so "[c]", and the published count with it.
    hidden = {"value": None, "display": "[c]", "status": "suppressed"}
    assert themes["Parking"]["responses"] == hidden and themes["Parking"]["published_responses"] == hidden
    assert "[c] means" in data["note"]
    summary = client.get(world["page"].subpage_url("summary")).content.decode()
    assert "Staffing" in summary and "Parking" in summary


def test_a_theme_count_does_not_give_away_its_unpublished_responses_by_subtraction(world, client, analyst):
    """Published responses are public one by one, so `responses` minus the responses anyone can list must not
    reveal a hidden number of unpublished ones (an attack review found 10 - 9 = 1 unconsented respondent)."""
    page, question = world["page"], world["question"]
    extra = [approved(page, question, f"More published words {i}") for i in range(7)]
    unconsented = approved(page, question, "Quiet words", publish_consent=PublishConsent.NONE)
    theme = Theme.objects.create(consultation=page, question=question, name="Rotas", created_by=analyst)
    for response in [world["published"], world["redacted"], *extra, unconsented]:
        ThemeTag.objects.create(
            answer=response.answers.get(),
            theme=theme,
            origin=Origin.PERSON,
            created_by=analyst,
            confirmed_by=analyst,
            confirmed_at=timezone.now(),
        )
    listed = client.get(responses_url(page) + f"?theme={theme.pk}&limit=100").json()["items"]
    assert len(listed) == 9  # anyone can count the published responses with the theme
    data = client.get(f"/api/v1/consultations/{page.pk}/themes").json()
    rotas = {item["name"]: item for item in data["items"]}["Rotas"]
    assert rotas["responses"]["status"] == "suppressed"  # 10 would give away the one unpublished response
    assert rotas["published_responses"] == {"value": 9, "display": "9", "status": "shown"}
    summary = client.get(page.subpage_url("summary")).content.decode()
    assert ">10<" not in summary


def test_questions_are_numbered_as_on_the_form(closed_consultation, client):
    data = client.get(f"/api/v1/consultations/{closed_consultation.pk}/questions").json()
    questions = list(closed_consultation.active_questions())
    assert [item["number"] for item in data["items"]] == list(range(1, len(questions) + 1))
    assert [item["text"] for item in data["items"]] == [q.text for q in questions]
    assert json.dumps(data)  # plain JSON


def test_odd_input_gets_a_message_never_a_server_error(world, client):
    page = world["page"]
    for url in (
        "/api/v1/consultations/99999999999999999999999999999",
        "/api/v1/consultations/9223372036854775808/responses",
        "/api/v1/consultations/9223372036854775808/themes",
    ):
        assert client.get(url).status_code == 404, url
    for query in ("q=%00", "question=9223372036854775808", "theme=9223372036854775808"):
        result = client.get(responses_url(page) + "?" + query)
        assert result.status_code == 400, query
        assert result.json()["message"], query
