"""Issue 13, the publication gate: nothing is published while a personal-data suggestion on a response is
unresolved, in any answer or published "about you" field; every public or analyst-facing screen reads the
redacted text through `covenant.consultation.publication`; campaigns are confirmed by analysts."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from cms.accounts.models import AuditEvent
from covenant.consultation import services
from covenant.consultation.models import (
    CampaignGroup,
    CampaignKind,
    CampaignReview,
    ModerationState,
    PublishConsent,
    Redaction,
    RedactionDecision,
    RespondentType,
)
from covenant.consultation.selectors.moderation import publication_blockers
from demo.factories.consultation import ConsultationResponseFactory, answer

pytestmark = pytest.mark.django_db

NHS_NUMBER = "999 000 0018"  # valid mod-11 check digit, from the test range
FLAGGED = f"My NHS number is {NHS_NUMBER}, write to jo.bloggs@example.org or ring 07700 900123."


def moderate_url(response):
    return reverse("consultation:moderate", args=[response.pk])


def approve(client, response):
    return client.post(moderate_url(response), {"action": "decide", "decision": "approved"})


def free_text_questions(page):
    return [q for q in page.active_questions() if q.has_free_text]


@pytest.fixture
def flagged(closed_consultation):
    """A response to a closed consultation (so its published page is live) with personal data in an answer."""
    response = ConsultationResponseFactory(consultation=closed_consultation, personal_data_flagged=True)
    ans = answer(response, free_text_questions(closed_consultation)[0], selected=["Agree"], text=FLAGGED)
    return response, ans


# --- finding 1: flagged personal data is approved and published ------------------------------------------------


def test_finding_1_approval_is_refused_while_suggestions_are_unresolved(flagged, moderator, login, client):
    response, _ = flagged
    login(moderator)
    result = approve(client, response)
    assert result.status_code == 400
    body = result.content.decode()
    assert "a suggested nhs number is not yet redacted or dismissed" in body
    assert "a suggested e-mail address is not yet redacted or dismissed" in body
    assert "a suggested phone number is not yet redacted or dismissed" in body
    response.refresh_from_db()
    assert response.moderation_state == ModerationState.PENDING
    assert not AuditEvent.objects.filter(action="consultation.response_approved").exists()
    published = client.get(response.consultation.subpage_url("published")).content.decode()
    assert NHS_NUMBER not in published and response.public_id not in published


def test_finding_1_the_gate_names_every_reason_and_other_checks_can_join(flagged, moderator):
    response, _ = flagged
    reasons = publication_blockers(response)
    assert len(reasons) == 3
    assert all(NHS_NUMBER not in reason and "07700" not in reason for reason in reasons)  # no personal data
    with pytest.raises(ValidationError) as exc:
        services.response_moderate(response=response, moderator=moderator, decision=ModerationState.APPROVED)
    assert exc.value.messages == reasons


def test_finding_1_after_redact_all_it_is_approved_and_published_redacted(flagged, moderator, login, client):
    response, ans = flagged
    login(moderator)
    page = client.get(moderate_url(response)).content.decode()
    assert "Redact all suggestions" in page and "Before this response can be approved" in page
    assert client.post(moderate_url(response), {"action": "redact_all"}).status_code == 302
    assert approve(client, response).status_code == 302
    published = client.get(response.consultation.subpage_url("published")).content.decode()
    assert response.public_id in published
    assert NHS_NUMBER not in published and "jo.bloggs" not in published and "07700" not in published
    assert "[redacted: nhs number]" in published
    csv = b"".join(client.get(response.consultation.subpage_url("open_data", fmt="csv")).streaming_content)
    assert NHS_NUMBER.encode() not in csv and b"[redacted: nhs number]" in csv


def test_finding_1_a_redaction_cannot_be_undone_on_an_approved_response(flagged, moderator, login, client):
    response, _ = flagged
    login(moderator)
    client.post(moderate_url(response), {"action": "redact_all"})
    approve(client, response)
    redaction = Redaction.objects.filter(response=response).first()
    result = client.post(moderate_url(response), {"action": "unredact", "redaction_id": redaction.pk})
    assert result.status_code == 400
    assert "Mark it not for publication before you undo a redaction" in result.content.decode()
    assert Redaction.objects.filter(pk=redaction.pk).exists()


# --- finding 2: the respondent's name field cannot be redacted -------------------------------------------------


@pytest.fixture
def named(closed_consultation):
    response = ConsultationResponseFactory(
        consultation=closed_consultation,
        publish_consent=PublishConsent.NAMED,
        respondent_name="Priya Tester 07700 900123",
    )
    answer(response, free_text_questions(closed_consultation)[0], selected=["Agree"], text="Alarms for all.")
    return response


def test_finding_2_a_phone_number_in_the_name_holds_approval_and_is_redacted(named, moderator, login, client):
    login(moderator)
    result = approve(client, named)
    assert result.status_code == 400
    assert "Name: a suggested phone number is not yet redacted or dismissed" in result.content.decode()
    start = named.respondent_name.index("07700")
    suggestion = f"{start}:{start + len('07700 900123')}:phone"
    page = client.get(moderate_url(named)).content.decode()
    assert "Phone number: 07700 900123" in page  # the name's suggestion, with its own redaction form
    result = client.post(
        moderate_url(named),
        {"action": "redact", "field": "respondent_name", "respondent_name-suggestions": [suggestion]},
    )
    assert result.status_code == 302
    assert approve(client, named).status_code == 302
    named.refresh_from_db()
    assert named.respondent_name == "Priya Tester 07700 900123"  # the original is kept for moderators
    published = client.get(named.consultation.subpage_url("published")).content.decode()
    assert "Priya Tester [redacted: phone number]" in published and "07700" not in published
    records = json.loads(
        b"".join(client.get(named.consultation.subpage_url("open_data", fmt="json")).streaming_content)
    )["responses"]
    assert [r["respondent_name"] for r in records] == ["Priya Tester [redacted: phone number]"]


def test_finding_2_any_text_of_the_name_or_organisation_can_be_redacted(
    closed_consultation, moderator, login, client
):
    organisation = ConsultationResponseFactory(
        consultation=closed_consultation,
        publish_consent=PublishConsent.NAMED,
        respondent_type=RespondentType.ORGANISATION,
        organisation_name="Care Home run by Sam Smith",
    )
    login(moderator)
    result = client.post(
        moderate_url(organisation),
        {
            "action": "redact",
            "field": "organisation_name",
            "organisation_name-phrase": "Sam Smith",
            "organisation_name-reason": "name",
        },
    )
    assert result.status_code == 302
    assert approve(client, organisation).status_code == 302
    published = client.get(closed_consultation.subpage_url("published")).content.decode()
    assert "Care Home run by [redacted: name of a person]" in published and "Sam Smith" not in published


def test_finding_2_a_field_that_is_not_published_cannot_be_targeted(flagged, moderator, login, client):
    response, _ = flagged  # anonymous: no name is published
    login(moderator)
    result = client.post(
        moderate_url(response),
        {"action": "redact", "field": "respondent_name", "respondent_name-phrase": "x"},
    )
    assert result.status_code == 404


# --- finding 3: redacting a suggestion is broken --------------------------------------------------------------


def test_finding_3_the_first_click_on_redact_labels_each_suggestion_as_found(
    flagged, moderator, login, client
):
    response, ans = flagged
    login(moderator)
    email_start = FLAGGED.index("jo.bloggs")
    phone_start = FLAGGED.index("07700")
    result = client.post(
        moderate_url(response),
        {
            "action": "redact",
            "answer_id": ans.pk,
            f"a{ans.pk}-suggestions": [
                f"{email_start}:{email_start + len('jo.bloggs@example.org')}:email",
                f"{phone_start}:{phone_start + len('07700 900123')}:phone",
            ],
            f"a{ans.pk}-reason": "phone",  # a reason for typed text never relabels a suggestion
        },
    )
    assert result.status_code == 302
    ans.refresh_from_db()
    assert "write to [redacted: e-mail address] or ring [redacted: phone number]." in ans.redacted_text
    assert {r.reason for r in Redaction.objects.all()} == {"email", "phone"}


def test_finding_3_redact_all_applies_every_suggestion_across_the_response(
    closed_consultation, moderator, login, client
):
    response = ConsultationResponseFactory(consultation=closed_consultation)
    questions = free_text_questions(closed_consultation)
    texts = [
        "E-mail me at sam@example.org please.",
        "Sister Margaret Holloway on ward 12 saw it.",
        "It happened outside 14 Chapel Lane, LS6 2QT.",
        f"My NHS number is {NHS_NUMBER}.",
    ]
    answers = [
        answer(response, q, selected=["Agree"], text=t) for q, t in zip(questions, texts, strict=False)
    ]
    login(moderator)
    assert client.post(moderate_url(response), {"action": "redact_all"}).status_code == 302
    published = []
    for ans in answers:
        ans.refresh_from_db()
        published.append(ans.redacted_text)
    assert published == [
        "E-mail me at [redacted: e-mail address] please.",
        "Sister [redacted: name of a person] on ward 12 saw it.",
        "It happened outside [redacted: street address], [redacted: postcode].",
        "My NHS number is [redacted: nhs number].",
    ]
    event = AuditEvent.objects.get(action="consultation.suggestions_redacted")
    assert "Holloway" not in json.dumps(event.detail) and NHS_NUMBER not in json.dumps(event.detail)
    assert publication_blockers(response) == []
    assert approve(client, response).status_code == 302


def test_finding_3_a_suggestion_can_be_dismissed_with_a_reason(closed_consultation, moderator, login, client):
    response = ConsultationResponseFactory(consultation=closed_consultation)
    text = "Ward extension 01632 960001 never answers at night."
    ans = answer(response, free_text_questions(closed_consultation)[0], selected=["Agree"], text=text)
    start = text.index("01632")
    value = f"{start}:{start + len('01632 960001')}:phone"
    login(moderator)
    form = {"action": "dismiss", "answer_id": ans.pk, "suggestion": value}
    result = client.post(moderate_url(response), form)
    assert result.status_code == 400
    assert "Say why this is not personal data" in result.content.decode()
    form["note"] = "The ward's public switchboard, not a person's number"
    assert client.post(moderate_url(response), form).status_code == 302
    dismissal = Redaction.objects.get()
    assert dismissal.decision == RedactionDecision.DISMISSED and dismissal.redacted_by == moderator
    assert AuditEvent.objects.filter(action="consultation.suggestion_dismissed").exists()
    assert approve(client, response).status_code == 302
    ans.refresh_from_db()
    assert ans.redacted_text == text  # dismissed, so published as written


# --- finding 4: campaign "template text" leaks raw answers ----------------------------------------------------

TEMPLATE = (
    "I support the NHS Covenant because every worker in health and social care deserves to be safe at work, "
    "to be treated fairly by their employer, and to be supported when things go wrong."
)


@pytest.fixture
def campaign(concluded_consultation, moderator):
    """A campaign whose first member is pending and carries personal data; its approved members do not."""
    page = concluded_consultation
    question = free_text_questions(page)[0]
    first = ConsultationResponseFactory(consultation=page)
    answer(first, question, selected=["Agree"], text=TEMPLATE + " Sister Margaret Holloway on ward 12.")
    members = [first]
    for index in range(5):
        response = ConsultationResponseFactory(consultation=page)
        answer(response, question, selected=["Agree"], text=TEMPLATE)
        if index < 2:
            services.response_moderate(response=response, moderator=moderator, decision="approved")
        members.append(response)
    return page, members


def test_finding_4_campaign_examples_come_from_approved_members_redacted(
    campaign, analyst, login, client, moderator
):
    page, members = campaign
    login(analyst)
    assert (
        client.post(reverse("consultation:themes", args=[page.pk]), {"action": "campaigns"}).status_code
        == 302
    )
    group = CampaignGroup.objects.get()
    body = client.get(reverse("consultation:themes", args=[page.pk])).content.decode()
    assert "Holloway" not in body
    assert "I support the NHS Covenant because every worker" in body
    client.post(
        reverse("consultation:themes", args=[page.pk]), {"action": "campaign_confirmed", "group_id": group.pk}
    )
    outcome = client.get(page.subpage_url("outcome")).content.decode()
    assert "Holloway" not in outcome and "I support the NHS Covenant because every worker" in outcome


def test_finding_4_no_example_when_no_member_is_approved(concluded_consultation, analyst, login, client):
    question = free_text_questions(concluded_consultation)[0]
    for _ in range(5):
        response = ConsultationResponseFactory(consultation=concluded_consultation)
        answer(response, question, selected=["Agree"], text=TEMPLATE + f" My NHS number is {NHS_NUMBER}.")
    services.campaigns_detect(consultation=concluded_consultation)
    login(analyst)
    body = client.get(reverse("consultation:themes", args=[concluded_consultation.pk])).content.decode()
    assert NHS_NUMBER not in body and "No approved response in this group yet" in body


def test_finding_4_analysts_read_only_approved_redacted_text(flagged, moderator, analyst, login, client):
    response, ans = flagged
    services.response_moderate(response=response, moderator=moderator, decision=ModerationState.REJECTED)
    login(analyst)
    url = reverse("consultation:answers", args=[response.consultation.pk])
    body = client.get(url).content.decode()
    export = b"".join(client.get(url + "?_export=csv").streaming_content).decode()
    assert NHS_NUMBER not in body and NHS_NUMBER not in export
    assert client.get(reverse("consultation:answer", args=[ans.pk])).status_code == 404


# --- finding 5: campaigns are published unconfirmed, and are mostly noise -------------------------------------


def test_finding_5_small_groups_are_duplicates_and_only_confirmed_groups_are_published(
    campaign, analyst, login, client, settings
):
    page, members = campaign
    question = free_text_questions(page)[0]
    pair = "We need more security staff at night and personal alarms for every community nurse in the area."
    for _ in range(2):
        answer(ConsultationResponseFactory(consultation=page), question, selected=["Agree"], text=pair)
    services.campaigns_detect(consultation=page)
    kinds = dict(CampaignGroup.objects.values_list("size", "kind"))
    assert kinds == {6: CampaignKind.CAMPAIGN, 2: CampaignKind.DUPLICATE}
    assert set(CampaignGroup.objects.values_list("review", flat=True)) == {CampaignReview.PROPOSED}
    outcome = client.get(page.subpage_url("outcome")).content.decode()
    assert "Campaign 1" not in outcome and "We found no confirmed groups" in outcome

    login(analyst)
    group = CampaignGroup.objects.get(kind=CampaignKind.CAMPAIGN)
    result = client.post(
        reverse("consultation:themes", args=[page.pk]), {"action": "campaign_confirmed", "group_id": group.pk}
    )
    assert result.status_code == 302
    event = AuditEvent.objects.get(action="consultation.campaign_confirmed")
    assert event.actor == analyst
    outcome = client.get(page.subpage_url("outcome")).content.decode()
    assert "Campaign 1" in outcome and "Duplicates 1" not in outcome

    services.campaigns_detect(consultation=page)  # the same members keep their analyst's review
    assert CampaignGroup.objects.get(kind=CampaignKind.CAMPAIGN).review == CampaignReview.CONFIRMED

    settings.CONSULTATION_CAMPAIGN_MIN_SIZE = 2
    services.campaigns_detect(consultation=page)
    assert set(CampaignGroup.objects.values_list("kind", flat=True)) == {CampaignKind.CAMPAIGN}


# --- one way to the published text ----------------------------------------------------------------------------

ROOT = Path(django_settings.BASE_DIR)
RAW_ACCESS = re.compile(
    r"\bredacted_text\b|\bredacted_respondent_name\b|\bredacted_organisation_name\b|\brespondent_name\b"
    r"|\borganisation_name\b|\bsample_text\b|\bpublic_name\b|\banswers?\.text\b|\btext__\w+|answers__text\b"
    r"|values(?:_list)?\([^)]*[\"']text[\"']"
)
# Modules and templates that may read the original text: the selector itself, the moderators' own screen
# (they alone see the original), the services that write redactions, the model, the input forms and the
# respondent's own check-your-answers page. (The demo world, which writes through the services, lives outside
# the apps, in demo/.)
MAY_READ_ORIGINAL = {
    "covenant/consultation/publication.py",
    "covenant/consultation/suggestions.py",
    "covenant/consultation/services/submission.py",
    "covenant/consultation/services/sending.py",  # stores the response as sent, like submission.py
    "covenant/consultation/checks.py",  # scans the answers as sent for flags and a fingerprint; shows no text
    "covenant/consultation/services/redaction.py",
    "covenant/consultation/services/themes.py",
    "covenant/consultation/campaign_detection.py",  # compares the answers to group near-identical ones; stores no text
    "covenant/consultation/retention.py",  # blanks the names at the end of their retention period; outputs none
    "covenant/consultation/models/responses.py",
    "covenant/consultation/forms.py",
    "templates/consultation/staff/moderate.html",
    "templates/consultation/staff/redaction_panel.html",
    "templates/consultation/includes/check_answers.html",  # the respondent's own "Check your answers"
    # the safeguarding lead reads the original text of a response that may disclose a risk, as moderators do
    "covenant/consultation/safeguarding.py",
    "templates/consultation/staff/safeguarding_referral.html",
}
# Single lines elsewhere, with why they are safe.
ALLOWED_LINES = {
    # the safeguarding lead's referral page highlights the disclosure in the original text (leads only)
    (
        "covenant/consultation/views/safeguarding.py",
        '"pieces": detection.highlight(answer.text, detection.find_safeguarding(answer.text)),',
    ),
    # open data column names
    ("covenant/consultation/views/published.py", '"organisation_name",'),
    ("covenant/consultation/views/published.py", '"respondent_name",'),
    # the names of the two published "about you" fields a redaction may apply to
    ("covenant/consultation/vocabulary.py", 'RESPONDENT_NAME = "respondent_name", "Name"'),
    ("covenant/consultation/vocabulary.py", 'ORGANISATION_NAME = "organisation_name", "Organisation name"'),
    # the moderators' queue searches the original text (moderators only)
    (
        "covenant/consultation/filters.py",
        'matching = Answer.objects.filter(text__icontains=value).values("response_id")',
    ),
}


def test_nothing_outside_the_selector_reads_raw_or_unchecked_text():
    files = [
        *(ROOT / "covenant/consultation").rglob("*.py"),
        *(ROOT / "templates").rglob("*.html"),
        *(ROOT / "templates").rglob("*.txt"),
        *(ROOT / "cms").rglob("*.py"),
    ]
    offending = []
    for path in files:
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative or relative in MAY_READ_ORIGINAL:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if RAW_ACCESS.search(line) and (relative, line.strip()) not in ALLOWED_LINES:
                offending.append(f"{relative}:{number}: {line.strip()}")
    assert offending == [], "Read published text through covenant.consultation.publication:\n" + "\n".join(
        offending
    )


def test_the_scan_catches_a_screen_that_bypasses_the_selector():
    assert RAW_ACCESS.search("{{ answer.text }}")
    assert RAW_ACCESS.search("{{ answer.redacted_text }}")
    assert RAW_ACCESS.search("{{ response.respondent_name }}")
    assert RAW_ACCESS.search('Answer.objects.values_list("pk", "text")')
    assert not RAW_ACCESS.search("{{ answer.published_text }}")
