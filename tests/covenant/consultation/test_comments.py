"""Issue 18: the comments database, one search over the published comments of every consultation.

Only what `publication` publishes can appear (approved, consented, redacted, no open safeguarding referral, of a
live consultation whose responses are published); search ranks and highlights on PostgreSQL and needs every
word on SQLite; highlighting never lets a comment's HTML through; downloads carry the search and filters."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import PageViewRestriction

from covenant.consultation import comment_search, publication, services
from covenant.consultation.models import (
    ModerationState,
    PublishConsent,
    ReferralOrigin,
    ReferralStatus,
    RespondentType,
    SafeguardingReferral,
)
from demo.factories.consultation import ConsultationResponseFactory, answer

pytestmark = pytest.mark.django_db

URL = reverse("consultation:comments")
POSTGRES = connection.vendor == "postgresql"
only_postgres = pytest.mark.skipif(not POSTGRES, reason="full-text ranking and headlines need PostgreSQL")
only_sqlite = pytest.mark.skipif(POSTGRES, reason="the every-word fallback runs where PostgreSQL is not")


def free_text(page, index=0):
    return [q for q in page.active_questions() if q.has_free_text][index]


def published(page, text, *, moderator, question=None, days_ago=1, **fields):
    """An approved, consented response to `page` with one comment."""
    fields.setdefault("submitted_at", timezone.now() - datetime.timedelta(days=days_ago))
    response = ConsultationResponseFactory(consultation=page, **fields)
    comment = answer(response, question or free_text(page), selected=["Agree"], text=text)
    services.response_moderate(response=response, moderator=moderator, decision=ModerationState.APPROVED)
    return response, comment


@pytest.fixture
def world(closed_consultation, concluded_consultation, consultation, moderator, analyst):
    """Two consultations with published comments, one still open, and every kind of comment that must not show."""
    closed, concluded = closed_consultation, concluded_consultation
    alarm, alarm_answer = published(
        closed,
        "Personal alarms for community nurses at night.",
        moderator=moderator,
        days_ago=3,
        respondent_type=RespondentType.NHS_STAFF,
        region="london",
    )
    named, _ = published(
        concluded,
        "Alarms that work in lifts and basements; security staff at night.",
        moderator=moderator,
        days_ago=2,
        respondent_type=RespondentType.ORGANISATION,
        organisation_name="Harbourside Care Homes",
        publish_consent=PublishConsent.NAMED,
        region="north_west",
    )
    phone_response = ConsultationResponseFactory(consultation=closed, respondent_type=RespondentType.PUBLIC)
    text = "Ring me on 07700 900123 about the night alarms."
    phone_answer = answer(phone_response, free_text(closed), selected=["Agree"], text=text)
    start = text.index("07700")
    services.answer_redact(
        answer=phone_answer, moderator=moderator, spans=[(start, start + 12)], reason="phone"
    )
    services.response_moderate(
        response=phone_response, moderator=moderator, decision=ModerationState.APPROVED
    )
    hidden = {}
    response = ConsultationResponseFactory(consultation=closed, publish_consent=PublishConsent.NONE)
    answer(response, free_text(closed), text="Unconsented alarms opinion")
    services.response_moderate(response=response, moderator=moderator, decision=ModerationState.REJECTED)
    hidden["unconsented"] = "Unconsented alarms opinion"
    answer(ConsultationResponseFactory(consultation=closed), free_text(closed), text="Pending alarms opinion")
    hidden["pending"] = "Pending alarms opinion"
    response = ConsultationResponseFactory(consultation=closed)
    answer(response, free_text(closed), text="Rejected alarms opinion")
    services.response_moderate(response=response, moderator=moderator, decision=ModerationState.REJECTED)
    hidden["rejected"] = "Rejected alarms opinion"
    withdrawn, _ = published(closed, "Withdrawn alarms opinion", moderator=moderator)
    SafeguardingReferral.objects.create(
        response=withdrawn,
        origin=ReferralOrigin.MODERATOR,
        status=ReferralStatus.OPEN,
        due_at=timezone.now() + datetime.timedelta(days=1),
    )
    hidden["withdrawn"] = "Withdrawn alarms opinion"
    published(consultation, "Open consultation alarms opinion", moderator=moderator)  # not closed yet
    hidden["open"] = "Open consultation alarms opinion"
    theme = services.theme_create(consultation=closed, name="Personal alarms", user=analyst)
    services.answer_tag(answer=alarm_answer, theme=theme, user=analyst)
    unconfirmed = services.theme_create(consultation=concluded, name="Unconfirmed theme", user=analyst)
    return {
        "closed": closed,
        "concluded": concluded,
        "open": consultation,
        "alarm": alarm,
        "named": named,
        "phone": phone_response,
        "hidden": hidden,
        "theme": theme,
        "unconfirmed": unconfirmed,
    }


def body(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def download(client, query):
    response = client.get(URL + query)
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


# --- the selector ---------------------------------------------------------------------------------------------


def test_only_published_redacted_text_across_consultations(world):
    texts = list(publication.published_comments().values_list("published_text", flat=True))
    assert len(texts) == 3
    assert "Personal alarms for community nurses at night." in texts
    assert "Alarms that work in lifts and basements; security staff at night." in texts
    assert "Ring me on [redacted: phone number] about the night alarms." in texts
    for text in world["hidden"].values():
        assert text not in texts
    consultations = set(publication.published_comments().values_list("response__consultation", flat=True))
    assert consultations == {world["closed"].pk, world["concluded"].pk}


def test_published_consultations_match_the_page_rule(world):
    for page in (world["closed"], world["concluded"], world["open"]):
        listed = type(page).objects.filter(publication.consultations_published(), pk=page.pk).exists()
        assert listed == page.feedback_published


def test_a_draft_or_restricted_consultation_publishes_nothing(world):
    world["concluded"].unpublish()
    PageViewRestriction.objects.create(page=world["closed"].get_parent(), restriction_type="login")
    assert not publication.published_comments().exists()


def test_withdrawing_approval_or_a_referral_removes_a_comment(world, moderator):
    services.response_moderate(
        response=world["alarm"], moderator=moderator, decision=ModerationState.REJECTED
    )
    texts = list(publication.published_comments().values_list("published_text", flat=True))
    assert "Personal alarms for community nurses at night." not in texts


def test_search_finds_every_word_across_consultations(world):
    found = publication.comments_matching(publication.published_comments(), "night alarms")
    assert found.count() == 3
    assert publication.comments_matching(publication.published_comments(), "lifts basements").count() == 1
    assert not publication.comments_matching(publication.published_comments(), "unconsented").exists()
    assert not publication.comments_matching(publication.published_comments(), "07700").exists()


@only_postgres
def test_postgresql_ranks_stems_and_highlights(world, moderator):
    published(world["closed"], "Alarm alarm alarms: alarms everywhere, alarms for all.", moderator=moderator)
    found = list(publication.comments_matching(publication.published_comments(), "alarm"))
    assert found[0].published_text.startswith("Alarm alarm alarms")  # most matches ranks first
    assert [c.search_rank for c in found] == sorted((c.search_rank for c in found), reverse=True)
    headlines = publication.comment_headlines(ids=[c.pk for c in found], query="alarm")
    pieces = comment_search.pieces_from_headline(headlines[found[0].pk])
    assert [piece for marked, piece in pieces if marked][:3] == ["Alarm", "alarm", "alarms"]
    assert "".join(piece for _, piece in pieces) == found[0].published_text  # the whole text, nothing lost
    phrase = publication.comments_matching(publication.published_comments(), '"security staff" -lifts')
    assert not phrase.exists()


@only_postgres
def test_headlines_only_for_published_comments(world):
    pending = publication.Answer.objects.exclude(pk__in=publication.published_comments().values("pk"))
    assert publication.comment_headlines(ids=list(pending.values_list("pk", flat=True)), query="alarms") == {}


@only_postgres
def test_postgresql_search_uses_the_stored_vector_and_its_index(world, moderator):
    """The search reads the stored tsvector, which follows every change of the redacted text, and has a GIN
    index (which the planner uses once there are enough rows: the benchmark checks it at scale)."""
    found = publication.comments_matching(publication.published_comments(), "basements")
    assert found.count() == 1
    response = ConsultationResponseFactory(consultation=world["closed"])
    comment = answer(response, free_text(world["closed"]), text="Nurse Basements saw it")
    services.answer_redact(answer=comment, moderator=moderator, spans=[(6, 15)], reason="name")
    services.response_moderate(response=response, moderator=moderator, decision=ModerationState.APPROVED)
    search = publication.comments_matching(publication.published_comments(), "basements")
    assert list(search.values_list("pk", flat=True)) == [world["named"].answers.get().pk]  # redacted away
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'answer_published_text_search'")
        (definition,) = cursor.fetchone()
    assert definition.endswith("USING gin (published_search)")


@only_sqlite
def test_sqlite_needs_every_word_and_marks_them(world):
    found = publication.comments_matching(publication.published_comments(), "NIGHT nurses")
    assert [c.published_text for c in found] == ["Personal alarms for community nurses at night."]
    pieces = comment_search.pieces_from_words(found[0].published_text, "NIGHT nurses")
    assert [piece for marked, piece in pieces if marked] == ["nurses", "night"]


def test_highlighting_escapes_what_respondents_wrote(world, moderator, client):
    text = '<script>alert("alarms")</script> <b>alarms</b> & more'
    published(world["closed"], text, moderator=moderator)
    page = body(client, "?q=alarms")
    assert "<script>alert" not in page and "<b>alarms</b>" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;" in page
    assert '<mark class="app-match">' in page


def test_headline_pieces_trust_only_the_secret_markers():
    forged = "hlfakestart<script>hlfakestop"
    assert comment_search.pieces_from_headline(forged) == [(False, forged)]
    headline = f"a {comment_search.START}<b>{comment_search.STOP} c"
    assert comment_search.pieces_from_headline(headline) == [(False, "a "), (True, "<b>"), (False, " c")]


# --- the page -------------------------------------------------------------------------------------------------


def test_anonymous_visitors_search_and_see_the_redacted_comments(world, client):
    page = body(client)
    assert "3 comments, newest first" in page
    assert "[redacted: phone number]" in page and "07700" not in page
    assert "Harbourside Care Homes" in page  # named by consent
    assert world["alarm"].reference not in page  # the private receipt number stays private
    for text in world["hidden"].values():
        assert text not in page
    assert page.index("Ring me on") < page.index("Alarms that work") < page.index("Personal alarms for")
    assert world["closed"].url + "responses/" in page
    searched = body(client, "?q=nurses")
    assert "1 comment matching “nurses”" in searched


def test_filters(world, client):
    closed, concluded, theme = world["closed"], world["concluded"], world["theme"]
    page = body(client, f"?consultation={concluded.pk}")
    assert "1 comment" in page and "Alarms that work" in page and "Personal alarms for" not in page
    page = body(client, f"?theme={theme.pk}")
    assert "1 comment" in page and "Personal alarms for" in page
    assert "Unconfirmed theme" not in body(client)  # no confirmed tag: not offered
    page = body(client, "?respondent_type=organisation")
    assert "1 comment" in page and "Alarms that work" in page
    page = body(client, "?region=london")
    assert "1 comment" in page and "Personal alarms for" in page
    question = free_text(closed)
    page = body(client, f"?question={question.pk}&q=night")
    assert "2 comments" in page and "Alarms that work" not in page
    page = body(client, f"?consultation={concluded.pk}&question={question.pk}")
    assert "Choose one of the questions listed" in page and "Alarms that work" not in page
    assert f">{world['open'].title}</option>" not in body(client)  # an open consultation is not offered
    assert f">{closed.title}</option>" in body(client)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?q=%21%21%21", "Enter a word to search for"),
        ("?q=" + "a" * 201, "Ensure this value has at most 200 characters"),
        ("?consultation=nonsense", "Choose one of the consultations listed"),
        ("?region=atlantis", "Select a valid choice"),
        ("?page=99999", "3 comments"),
    ],
)
def test_bad_input_gets_a_clear_message_not_an_error(world, client, query, message):
    page = body(client, query)
    assert message in page


@only_postgres
def test_a_search_of_only_common_words_says_so(world, client):
    assert "only very common words" in body(client, "?q=the+and+of")


def test_nonsense_searches_never_fail(world, client):
    for query in ('"', "-", "or", "a & b | !c", "'; drop table", "<>", '"""unbalanced', "alarms:*"):
        assert client.get(URL, {"q": query}).status_code == 200


def test_pagination_and_bounded_queries(world, client, moderator, django_assert_max_num_queries):
    for index in range(45):
        published(world["closed"], f"More alarms, comment {index}.", moderator=moderator, days_ago=10)
    body(client)  # the first request of a site creates its footer and navigation settings
    # count, page, tags, site (2), footer, navigation, and the consultation, question and theme choices
    with django_assert_max_num_queries(10):
        first = body(client)
    assert "48 comments" in first and "Search published comments (page 1 of 3)" in first
    with django_assert_max_num_queries(
        11
    ):  # and, on PostgreSQL, whether the search has any words to look for
        last = body(client, "?q=alarms&page=3")
    assert "page 3 of 3" in last


def test_linked_from_the_hub_and_each_published_responses_page(world, client):
    assert URL in client.get(world["closed"].get_parent().url).content.decode()
    assert (
        f"{URL}?consultation={world['closed'].pk}"
        in client.get(world["closed"].subpage_url("published")).content.decode()
    )


# --- downloads ------------------------------------------------------------------------------------------------


def test_csv_download_carries_the_search_and_filters(world, client, moderator):
    published(world["closed"], '=HYPERLINK("http://evil") alarms', moderator=moderator)
    response, content = download(client, f"?q=alarms&consultation={world['closed'].pk}&_export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="published-comments-' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert list(rows[0]) == [
        "consultation",
        "public_id",
        "submitted_date",
        "respondent_type",
        "respondent_name",
        "organisation_name",
        "region",
        "question",
        "question_id",
        "question_text",
        "selected",
        "text",
        "themes",
    ]
    texts = {row["text"] for row in rows}
    assert texts == {
        "Personal alarms for community nurses at night.",
        "Ring me on [redacted: phone number] about the night alarms.",
        '\'=HYPERLINK("http://evil") alarms',  # a formula is neutralised
    }
    alarm = next(row for row in rows if row["public_id"] == world["alarm"].public_id)
    assert alarm["themes"] == "Personal alarms" and alarm["selected"] == "Agree"
    assert alarm["region"] == "london" and alarm["respondent_type"] == "nhs_staff"
    assert alarm["consultation"] == world["closed"].title and alarm["respondent_name"] == ""
    assert b"07700" not in content and b"Unconsented" not in content and b"Withdrawn" not in content


def test_xlsx_download_has_the_same_columns(world, client):
    response, content = download(client, "?respondent_type=organisation&_export=xlsx")
    assert "spreadsheetml" in response["Content-Type"]
    rows = list(load_workbook(io.BytesIO(content), read_only=True).active.values)
    assert rows[0][:2] == ("consultation", "public_id") and len(rows) == 2
    assert rows[1][5] == "Harbourside Care Homes" and "Alarms that work" in rows[1][11]


def test_downloads_are_limited_per_address(world, client, settings):
    settings.CONSULTATION_COMMENTS_EXPORT_RATE = "2/h"
    for _ in range(2):
        assert client.get(URL + "?_export=csv").status_code == 200
    assert client.get(URL + "?_export=csv").status_code == 429
    assert client.get(URL + "?_export=pdf").status_code == 400


def test_an_id_longer_than_any_the_database_holds_is_an_error_beside_the_filter(client):
    result = client.get(reverse("consultation:comments"), {"consultation": "9" * 30, "question": "9" * 30})
    assert result.status_code == 200
    assert "Choose one of the consultations listed" in result.content.decode()
