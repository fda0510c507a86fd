"""Automatic flags that pre-suggest redactions, and the text analysis behind themes and campaigns."""

import pytest

from covenant.consultation import textanalysis
from covenant.consultation.detection import find_personal_data, find_safeguarding, nhs_number_is_valid


def kinds(text):
    return [(flag.kind, flag.text) for flag in find_personal_data(text)]


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("9434765919", True),  # the NHS Digital published example
        ("9434765918", False),  # wrong check digit
        ("4010232137", True),
        ("1234567890", False),  # check digit would be 10: never valid
        ("943476591", False),
        ("943476591a", False),
    ],
)
def test_nhs_number_checksum(number, valid):
    assert nhs_number_is_valid(number) is valid


def test_nhs_numbers_are_flagged_only_when_the_checksum_passes():
    assert kinds("My NHS number is 943 476 5919.") == [("nhs_number", "943 476 5919")]
    assert ("nhs_number", "943 476 5918") not in kinds("Invoice 943 476 5918.")


def test_emails_phones_postcodes_addresses_and_names():
    text = (
        "Write to a.person@example.org or call 020 7946 0018 or +44 7700 900123. "
        "I live at 12 Acacia Avenue, LS1 4AP. Dr Patel and Nurse Anne Smith were there."
    )
    found = kinds(text)
    assert ("email", "a.person@example.org") in found
    assert ("phone", "020 7946 0018") in found
    assert ("phone", "+44 7700 900123") in found
    assert ("address", "12 Acacia Avenue") in found
    assert ("postcode", "LS1 4AP") in found
    assert ("name", "Patel") in found
    assert ("name", "Anne Smith") in found


def test_ordinary_text_is_not_flagged():
    assert find_personal_data("Staffing on the ward was poor in 2024 and 12 people left.") == []


def test_safeguarding_disclosures_are_flagged():
    assert find_safeguarding("Sometimes I want to end my life after a shift.")
    assert find_safeguarding("My partner hits me when I get home.")
    assert not find_safeguarding("We need more training on de-escalation.")


def test_fingerprint_ignores_case_punctuation_and_spacing():
    assert textanalysis.fingerprint("I support the Covenant!") == textanalysis.fingerprint(
        "i  support THE covenant"
    )
    assert textanalysis.fingerprint("") == ""


def test_near_duplicates_are_grouped_and_short_answers_ignored():
    template = "every worker in health and social care deserves to be safe at work and treated fairly"
    groups = textanalysis.near_duplicate_groups(
        {
            1: template,
            2: template + " thank you",
            3: "I agree",
            4: "I agree",
            5: "completely different words about parking charges for night staff at the hospital site",
        }.items()
    )
    assert groups == [[1, 2]]


def test_topics_are_deterministic_and_separate_subjects():
    texts = [
        "parking charges for staff are too high",
        "staff parking charges are far too high",
        "the parking charges hit night staff",
        "alarms for lone workers please",
        "lone workers need alarms that work",
        "give every lone worker an alarm",
    ]
    first = textanalysis.suggest_topics(texts, topics=2)
    assert first == textanalysis.suggest_topics(texts, topics=2)
    groups = sorted(sorted(topic.members) for topic in first)
    assert groups == [[0, 1, 2], [3, 4, 5]]
    assert any("parking" in " ".join(topic.terms) for topic in first)


# --- review fix D: the forms the detector missed, through the moderation page -----------------------------------

MISSED = [
    ("0044 7700 900123", "phone number"),
    ("07700.900.123", "phone number"),
    ("07700  900123", "phone number"),
    ("+44-7700-900123", "phone number"),
    ("016977 4567", "phone number"),
    ("943.476.5919", "nhs number"),
    ("943  476  5919", "nhs number"),
    ("Ls1 4AP", "postcode"),
    ("ls14ap", "postcode"),
    ("LS1  4AP", "postcode"),
    ("ls1-4ap", "postcode"),
    ("jo dot bloggs at nhs dot net", "e-mail address"),
    ("jo.bloggs [at] nhs.net", "e-mail address"),
    ("jo.bloggs@nhs . net", "e-mail address"),
    ("sarah jones", "name of a person"),
    ("nurse priya patel", "name of a person"),
]


@pytest.fixture
def moderated(consultation, moderator, login, client):
    from django.urls import reverse

    from demo.factories.consultation import ConsultationResponseFactory, answer

    def moderate(text):
        response = ConsultationResponseFactory(consultation=consultation)
        answer(response, consultation.active_questions().get(sort_order=4), text=f"Contact: {text} thanks")
        login(moderator)
        url = reverse("consultation:moderate", args=[response.pk])
        page = client.get(url).content.decode()
        refused = client.post(url, {"action": "decide", "decision": "approved"})
        return page, refused

    return moderate


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "label"), MISSED)
def test_the_forms_the_review_found_are_suggested_and_hold_approval(moderated, text, label):
    page, refused = moderated(text)
    assert f"a suggested {label} is not yet redacted or dismissed" in page
    assert refused.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "the meeting on 07.12.2026 at 07:30",
        "£1,250.00 and £12.50 a month",
        "we met at work. then the ward was clean and the staff were kind",
        "I work at nhs.net sites",
    ],
)
def test_dates_times_money_and_ordinary_words_are_not_suggested(moderated, text):
    page, approved = moderated(text)
    assert "is not yet redacted or dismissed" not in page
    assert approved.status_code == 302
