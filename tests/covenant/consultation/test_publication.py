"""Publication: published responses, summaries, the outcome page and PDF, open data."""

import datetime
import io
import json

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cms.disclosure import NOT_SHOWN, Suppressed
from covenant.consultation import publication, services
from covenant.consultation.models import (
    ConsultationResponse,
    ModerationState,
    PublishConsent,
    SafeguardingReferral,
)
from covenant.consultation.models.analysis import Theme, ThemeTag
from covenant.consultation.vocabulary import Origin, ReferralOrigin
from demo.factories.consultation import ConsultationResponseFactory, answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_world(concluded_consultation, moderator, analyst):
    page = concluded_consultation
    questions = {q.sort_order: q for q in page.active_questions()}
    anonymous = ConsultationResponseFactory(consultation=page, respondent_type="public", respondent_name="")
    a1 = answer(
        anonymous, questions[0], selected=["Agree"], text="Everyone deserves safety. Ring 07700 900123."
    )
    a5 = answer(anonymous, questions[4], text="Panic alarms for community staff.")
    services.answer_redact(answer=a1, moderator=moderator, spans=[(31, 43)], reason="phone")
    services.response_moderate(response=anonymous, moderator=moderator, decision=ModerationState.APPROVED)
    named = ConsultationResponseFactory(
        consultation=page,
        respondent_type="organisation",
        organisation_name="Harbourside Care Homes Ltd",
        publish_consent=PublishConsent.NAMED,
    )
    answer(named, questions[0], selected=["Strongly agree"])
    answer(named, questions[4], text="Shared reporting across sectors.")
    services.response_moderate(response=named, moderator=moderator, decision=ModerationState.APPROVED)
    private = ConsultationResponseFactory(
        consultation=page, respondent_type="nhs_staff", publish_consent=PublishConsent.NONE
    )
    answer(private, questions[0], selected=["Disagree"], text="Secret view")
    services.response_moderate(response=private, moderator=moderator, decision=ModerationState.REJECTED)
    pending = ConsultationResponseFactory(consultation=page)
    answer(pending, questions[0], selected=["Agree"], text="Not yet moderated")
    spam = ConsultationResponseFactory(consultation=page)
    answer(spam, questions[0], selected=["Agree"], text="Buy cheap watches")
    services.response_moderate(response=spam, moderator=moderator, decision=ModerationState.INVALID)
    theme = services.theme_create(
        consultation=page, name="Personal alarms", user=analyst, question=questions[4]
    )
    services.answer_tag(answer=a5, theme=theme, user=analyst)
    return {"page": page, "anonymous": anonymous, "named": named, "private": private, "theme": theme}


def test_published_responses_are_approved_consented_and_redacted(
    client, published_world, django_assert_max_num_queries
):
    page = published_world["page"]
    for _ in range(30):
        extra = ConsultationResponseFactory(consultation=page, moderation_state=ModerationState.APPROVED)
        answer(extra, page.active_questions().first(), selected=["Agree"], text="More of the same")
    client.get("/")  # the site's menus are built once and cached (cms.navigation)
    # Wagtail routing, the breadcrumbs (the page's ancestors), then a constant number for the list.
    with django_assert_max_num_queries(24):
        response = client.get(page.subpage_url("published"))
    body = response.content.decode()
    assert response.status_code == 200
    assert published_world["anonymous"].public_id in body
    assert published_world["named"].public_id in body
    assert "Harbourside Care Homes Ltd" in body
    assert "[redacted: phone number]" in body
    assert "07700" not in body
    assert "Secret view" not in body and "Not yet moderated" not in body and "cheap watches" not in body
    assert published_world["anonymous"].reference not in body  # the private receipt number stays private


def test_published_responses_filters(client, published_world):
    page, theme = published_world["page"], published_world["theme"]
    url = page.subpage_url("published")
    body = client.get(url + f"?theme={theme.pk}").content.decode()
    assert published_world["anonymous"].public_id in body and published_world["named"].public_id not in body
    body = client.get(url + "?respondent_type=organisation").content.decode()
    assert published_world["named"].public_id in body and published_world["anonymous"].public_id not in body
    body = client.get(url + "?q=shared+reporting").content.decode()
    assert published_world["named"].public_id in body and published_world["anonymous"].public_id not in body
    assert client.get(url + "?theme=abc&question=zzz&page=999&respondent_type=x").status_code == 200


def test_summary_counts_and_percentages_by_respondent_type(client, published_world):
    page = published_world["page"]
    response = client.get(page.subpage_url("summary"))
    assert response.status_code == 200
    q1 = response.context["summaries"][0]
    rows = {row["option"]: row for row in q1["rows"]}
    # four counted responses answered question 1 (the invalid one is not counted)
    assert q1["answered"] == 4
    # Counts of 1 and 2 are suppressed in published summaries (cms/disclosure.py, audience: consultation), so
    # the one organisation's answer cannot be read off its column, nor a percentage built on a hidden count.
    assert isinstance(rows["Agree"]["count"], Suppressed) and rows["Agree"]["percent"] == NOT_SHOWN
    assert isinstance(rows["Disagree"]["count"], Suppressed)
    assert isinstance(rows["Strongly agree"]["by_type"][3], Suppressed)  # organisation column
    body = response.content.decode()
    assert "[c]" in body and "it is from 1 to 2" in body and "not shown: too few to publish safely" in body
    assert "<svg" in body and "Personal alarms" in body
    assert f"?theme={published_world['theme'].pk}" in body


def test_outcome_html_shows_the_response_under_its_theme_anonymously(client, published_world):
    page = published_world["page"]
    body = client.get(page.url).content.decode()
    assert "Outcome" in body and page.subpage_url("outcome") in body
    response = client.get(page.subpage_url("outcome"))
    assert response.status_code == 200
    body = response.content.decode()
    for heading in (
        "Introduction",
        "Who responded",
        "Summary of responses by question",
        "Campaigns and duplicates",
        "Organisations that responded",
        "Next steps",
    ):
        assert heading in body
    assert "Panic alarms for community staff." in body
    assert f"(response {published_world['anonymous'].public_id})" in body
    assert "Harbourside Care Homes Ltd" in body
    assert "Secret view" not in body


def test_outcome_pdf(client, published_world):
    page = published_world["page"]
    response = client.get(page.subpage_url("outcome_pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert "consultation-outcome.pdf" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Personal alarms" in text
    assert "Panic alarms for community staff" in text


def test_open_data_csv_and_json(client, published_world):
    page = published_world["page"]
    csv_response = client.get(page.subpage_url("open_data", fmt="csv"))
    content = b"".join(csv_response.streaming_content).decode()
    assert "public_id" in content and published_world["named"].public_id in content
    assert "Secret view" not in content and "07700" not in content
    json_response = client.get(page.subpage_url("open_data", fmt="json"))
    data = json.loads(b"".join(json_response.streaming_content))
    assert {r["public_id"] for r in data["responses"]} == {
        published_world["anonymous"].public_id,
        published_world["named"].public_id,
    }
    anonymous = next(r for r in data["responses"] if r["public_id"] == published_world["anonymous"].public_id)
    assert anonymous["respondent_name"] == "" and anonymous["organisation_name"] == ""
    assert "Personal alarms" in anonymous["answers"][4]["themes"]


def test_feedback_and_outcome_are_not_public_while_open(client, consultation):
    for name in ("published", "summary", "outcome", "outcome_pdf"):
        assert client.get(consultation.subpage_url(name)).status_code == 404, name
    assert client.get(consultation.subpage_url("open_data", fmt="csv")).status_code == 404


def test_closed_consultation_shows_feedback_but_no_outcome(client, closed_consultation):
    assert client.get(closed_consultation.subpage_url("published")).status_code == 200
    assert client.get(closed_consultation.subpage_url("outcome")).status_code == 404


def test_summary_cache_follows_changes(client, published_world, moderator):
    page = published_world["page"]
    first = client.get(page.subpage_url("summary")).context["summaries"][0]["answered"]
    services.response_moderate(response=published_world["named"], moderator=moderator, decision="invalid")
    again = client.get(page.subpage_url("summary")).context["summaries"][0]["answered"]
    assert again == first - 1


def test_theme_answered_and_duplicate_counts_go_through_disclosure_control(client, published_world, analyst):
    """Review A4: the theme counts and their chart, "N responses answered this question" and the outcome's
    duplicate-set counts are protected like the other consultation figures (counts of 1 and 2 hidden)."""
    from covenant.consultation.models import CampaignGroup, CampaignKind, CampaignReview

    page = published_world["page"]
    CampaignGroup.objects.create(
        consultation=page,
        label="Pair of near-identical responses",
        kind=CampaignKind.DUPLICATE,
        review=CampaignReview.CONFIRMED,
        size=2,
        exact_duplicates=2,
    )
    response = client.get(page.subpage_url("summary"))
    q5 = response.context["summaries"][4]
    assert isinstance(q5["answered"], Suppressed)  # two responses answered the free-text question
    (theme,) = q5["themes"]
    assert isinstance(theme.n, Suppressed) and isinstance(theme.published, Suppressed)  # one response
    assert "theme_chart" not in q5, "a chart would draw the hidden count"
    body = response.content.decode()
    assert "[c] responses answered this question" in body
    assert "2 responses answered" not in body
    outcome = client.get(page.subpage_url("outcome")).content.decode()
    row = outcome[outcome.index("Pair of near-identical responses") :].split("</tr>")[0]
    assert ">2<" not in row and row.count("[c]") == 2


def test_answer_rows_come_only_from_publishable_responses_whatever_ids_are_asked_for(published_world):
    """`publication.published_answer_rows` (the public API's answers) and the open data read the answers of the
    ids they are given only where the response itself is publishable: a rejected, unconsented, pending or invalid
    response, or one held by an open safeguarding referral, gives no rows."""
    page, anonymous, named = published_world["page"], published_world["anonymous"], published_world["named"]
    # A theme the system suggested and nobody confirmed: never shown.
    suggested = Theme.objects.create(consultation=page, name="Suggested, not confirmed")
    fifth_answer = anonymous.answers.get(question__sort_order=4)
    ThemeTag.objects.create(answer=fifth_answer, theme=suggested, origin=Origin.SYSTEM)
    every_id = list(ConsultationResponse.objects.filter(consultation=page).values_list("pk", flat=True))
    rows = publication.published_answer_rows(response_ids=every_id)
    assert set(rows) == {anonymous.pk, named.pk}
    first, fifth = rows[anonymous.pk]  # in question order
    assert first["selected"] == ["Agree"] and "07700" not in first["published_text"]
    assert fifth["themes"] == ["Personal alarms"]
    questions = page.active_questions()
    records = list(publication.open_data_records(consultation=page, questions=list(questions)))
    assert len(records) == 2 and "07700" not in json.dumps(records)
    assert suggested.name not in json.dumps(rows) and suggested.name not in json.dumps(records)

    SafeguardingReferral.objects.create(
        response=named, origin=ReferralOrigin.MODERATOR, due_at=timezone.now() + datetime.timedelta(hours=24)
    )
    assert set(publication.published_answer_rows(response_ids=every_id)) == {anonymous.pk}
    assert publication._answers_with_themes([named.pk]) == []  # the open data's reading too
