"""Analysis: themes, tags (who made and who confirmed), suggested themes, campaigns, the answers table."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cms.accounts.models import AuditEvent
from covenant.consultation import services
from covenant.consultation.models import ModerationState, Origin, Theme, ThemeTag
from demo.factories.consultation import ConsultationResponseFactory, answer

pytestmark = pytest.mark.django_db

SAFETY = [
    "Staff need safer wards with more security staff at night.",
    "More security staff and safer wards at night would help staff.",
    "Security staff at night make wards safer for staff.",
]
REPORTING = [
    "Reporting forms are too long, make the reporting form shorter and online.",
    "An online reporting form that is shorter would help reporting.",
    "The reporting form should be online and much shorter.",
]
CAMPAIGN = (
    "I support the Covenant because every worker in health and social care deserves to be safe at work "
    "and treated fairly by their employer wherever they work."
)


@pytest.fixture
def free_text_question(consultation):
    return consultation.active_questions().get(sort_order=4)


def make_answers(consultation, question, texts, state=ModerationState.APPROVED):
    answers = []
    for text in texts:
        response = ConsultationResponseFactory(consultation=consultation, moderation_state=state)
        answers.append(answer(response, question, text=text))
    return answers


def test_analyst_creates_a_theme_and_tags_an_answer(consultation, free_text_question, analyst, login, client):
    (ans,) = make_answers(consultation, free_text_question, ["Please give us panic alarms."])
    login(analyst)
    response = client.post(
        reverse("consultation:themes", args=[consultation.pk]),
        {"action": "create", "name": "Personal alarms", "question": free_text_question.pk},
    )
    assert response.status_code == 302
    theme = Theme.objects.get()
    assert theme.origin == Origin.PERSON and theme.created_by == analyst
    response = client.post(
        reverse("consultation:answer", args=[ans.pk]), {"action": "tag", "theme": theme.pk}
    )
    assert response.status_code == 302
    tag = ThemeTag.objects.get()
    assert tag.origin == Origin.PERSON
    assert tag.created_by == analyst and tag.confirmed_by == analyst
    assert AuditEvent.objects.filter(action="consultation.answer_tagged").exists()
    body = client.get(reverse("consultation:answer", args=[ans.pk])).content.decode()
    assert "Personal alarms" in body and analyst.email in body


def test_theme_errors(consultation, free_text_question, analyst, login, client):
    login(analyst)
    url = reverse("consultation:themes", args=[consultation.pk])
    response = client.post(url, {"action": "create", "name": ""})
    assert response.status_code == 400
    assert "Enter a name" in response.content.decode()
    client.post(url, {"action": "create", "name": "Alarms"})
    response = client.post(url, {"action": "create", "name": "alarms"})
    assert response.status_code == 400
    assert "already a theme with that name" in response.content.decode()
    response = client.post(url, {"action": "create", "name": "Other", "question": 999999})
    assert response.status_code == 400
    assert Theme.objects.count() == 1


def test_tagging_with_a_theme_of_another_consultation_is_refused(
    consultation, closed_consultation, free_text_question, analyst, login, client
):
    (ans,) = make_answers(consultation, free_text_question, ["Alarms please."])
    foreign = Theme.objects.create(consultation=closed_consultation, name="Elsewhere")
    login(analyst)
    response = client.post(
        reverse("consultation:answer", args=[ans.pk]), {"action": "tag", "theme": foreign.pk}
    )
    assert response.status_code == 400
    assert ThemeTag.objects.count() == 0


def test_pending_answers_are_not_visible_to_analysts(
    consultation, free_text_question, analyst, login, client
):
    (ans,) = make_answers(
        consultation, free_text_question, ["Call 07700 900123"], state=ModerationState.PENDING
    )
    login(analyst)
    assert client.get(reverse("consultation:answer", args=[ans.pk])).status_code == 404
    body = client.get(reverse("consultation:answers", args=[consultation.pk])).content.decode()
    assert "07700" not in body


def test_analysts_see_redacted_text_only(consultation, free_text_question, analyst, moderator, login, client):
    (ans,) = make_answers(consultation, free_text_question, ["Call Dr Smith on 07700 900123 please."])
    services.answer_redact(answer=ans, moderator=moderator, spans=[(13, 25)], reason="phone")
    login(analyst)
    body = client.get(reverse("consultation:answer", args=[ans.pk])).content.decode()
    assert "07700 900123" not in body
    assert "[redacted: phone number]" in body
    export = client.get(reverse("consultation:answers", args=[consultation.pk]) + "?_export=csv")
    assert "07700" not in b"".join(export.streaming_content).decode()


def test_campaign_detection_groups_template_responses(
    consultation, free_text_question, analyst, login, client
):
    variants = [CAMPAIGN, CAMPAIGN, CAMPAIGN + " Thank you.", CAMPAIGN.replace("fairly", "fairly and kindly")]
    make_answers(consultation, free_text_question, variants + SAFETY)
    login(analyst)
    response = client.post(reverse("consultation:themes", args=[consultation.pk]), {"action": "campaigns"})
    assert response.status_code == 302
    body = client.get(reverse("consultation:themes", args=[consultation.pk])).content.decode()
    # Four is under the campaign minimum (CONSULTATION_CAMPAIGN_MIN_SIZE, 5): proposed as near-duplicates.
    assert "Duplicates 1" in body
    group = consultation.campaigns.get()
    assert (group.kind, group.review) == ("duplicate", "proposed")
    assert group.size == 4
    assert group.exact_duplicates == 2
    assert group.responses.count() == 4


def test_answers_table_filters(
    consultation, free_text_question, analyst, login, client, django_assert_max_num_queries
):
    choice_question = consultation.active_questions().get(sort_order=3)
    make_answers(consultation, free_text_question, SAFETY)
    staff = ConsultationResponseFactory(
        consultation=consultation,
        respondent_type="social_care_staff",
        moderation_state=ModerationState.APPROVED,
    )
    answer(staff, choice_question, selected=["Yes"])
    login(analyst)
    url = reverse("consultation:answers", args=[consultation.pk])
    with django_assert_max_num_queries(25):  # constant: does not grow with the rows
        response = client.get(url)
    assert response.context["result_count"] == 4
    assert client.get(url + f"?question={choice_question.pk}").context["result_count"] == 1
    assert client.get(url + "?answer=Yes").context["result_count"] == 1
    assert client.get(url + "?answer=No").context["result_count"] == 0
    assert client.get(url + "?respondent_type=social_care_staff").context["result_count"] == 1
    assert client.get(url + "?q=security").context["result_count"] == 3
    assert client.get(url + "?moderation_state=rejected").context["result_count"] == 0
    theme = services.theme_create(consultation=consultation, name="Safety", user=analyst)
    services.answer_tag(answer=free_text_question.answers.first(), theme=theme, user=analyst)
    assert client.get(url + f"?theme={theme.pk}").context["result_count"] == 1
    response = client.get(url + "?question=not-a-number")
    assert response.status_code == 200  # a bad filter value is an error beside the filter, never a 500


def test_answers_export_is_streamed_and_formula_safe(
    consultation, free_text_question, analyst, login, client
):
    make_answers(consultation, free_text_question, ["=1+1", "@SUM(A1)"])
    login(analyst)
    response = client.get(reverse("consultation:answers", args=[consultation.pk]) + "?_export=csv")
    assert response.streaming
    content = b"".join(response.streaming_content).decode()
    assert "'=1+1" in content and "'@SUM(A1)" in content
    xlsx = client.get(reverse("consultation:answers", args=[consultation.pk]) + "?_export=xlsx")
    assert xlsx.status_code == 200
    assert AuditEvent.objects.filter(action="consultation.answers_exported").count() == 2


def test_only_free_text_can_be_tagged(consultation, analyst):
    choice_question = consultation.active_questions().get(sort_order=3)
    response = ConsultationResponseFactory(
        consultation=consultation, moderation_state=ModerationState.APPROVED
    )
    ans = answer(response, choice_question, selected=["Yes"])
    theme = services.theme_create(consultation=consultation, name="Anything", user=analyst)
    with pytest.raises(ValidationError):
        services.answer_tag(answer=ans, theme=theme, user=analyst)


def test_answers_export_keeps_the_filters(consultation, free_text_question, analyst, login, client):
    make_answers(consultation, free_text_question, SAFETY + REPORTING)
    login(analyst)
    url = reverse("consultation:answers", args=[consultation.pk]) + "?q=security&_export=csv"
    lines = b"".join(client.get(url).streaming_content).decode().strip().splitlines()
    assert len(lines) == 1 + 3
    assert all("ecurity" in line for line in lines[1:])


def test_forged_tag_id_is_404(consultation, free_text_question, analyst, login, client):
    (ans,) = make_answers(consultation, free_text_question, ["Alarms please."])
    login(analyst)
    url = reverse("consultation:answer", args=[ans.pk])
    assert client.post(url, {"action": "confirm", "tag_id": "x"}).status_code == 404
    assert client.post(url, {"action": "tag", "theme": "x"}).status_code == 400


def test_export_lists_each_answers_themes_and_no_other_consultations(
    consultation, free_text_question, analyst, login, client
):
    import csv
    import io

    from demo.factories.consultation import consultation_page

    other = consultation_page(slug="another-consultation")
    other_question = other.active_questions().get(sort_order=4)
    (first,) = make_answers(consultation, free_text_question, ["Alarms for lone workers."])
    (between,) = make_answers(other, other_question, ["Something else entirely."])
    (last,) = make_answers(consultation, free_text_question, ["Nothing about alarms here."])
    assert first.pk < between.pk < last.pk  # the other consultation's answer sits inside the range
    alarms = services.theme_create(consultation=consultation, name="Alarms", user=analyst)
    elsewhere = services.theme_create(consultation=other, name="Elsewhere", user=analyst)
    services.answer_tag(answer=first, theme=alarms, user=analyst)
    services.answer_tag(answer=between, theme=elsewhere, user=analyst)
    login(analyst)
    response = client.get(reverse("consultation:answers", args=[consultation.pk]) + "?_export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    themes = {row[4]: row[5] for row in rows[1:] if row[4]}
    assert themes == {"Alarms for lone workers.": "Alarms", "Nothing about alarms here.": ""}
    assert "Elsewhere" not in "".join(",".join(row) for row in rows)
