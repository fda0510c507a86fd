"""cms/multistep.py: the one mechanism of the public multi-step forms, through a small journey (multistep_journey)."""

from __future__ import annotations

import json
import re
import secrets
import time

import pytest
from cryptography import fernet

from cms import multistep
from covenant.consultation.encryption import KEYS

pytestmark = [pytest.mark.urls("tests.cms.multistep_journey"), pytest.mark.django_db]

URL = "/journey/"


def payload_of(response) -> str:
    return re.search(rb'name="journey" value="([^"]+)"', response.content).group(1).decode()


def heading(response) -> str:
    return re.search(rb"<h1>(.*?)</h1>", response.content).group(1).decode()


def post(client, response, **data):
    return client.post(URL, {"journey": payload_of(response), **data})


def walk(client, *, hurt="no"):
    page = client.get(URL)
    page = post(client, page, what="physical")
    page = post(client, page, hurt=hurt)
    if hurt == "yes":
        page = post(client, page, injury="A bruised arm")
    page = post(client, page, when_day="3", when_month="11", when_year="2026")
    return post(client, page, note="")


def test_a_journey_runs_from_first_page_to_send_without_a_session_or_a_query(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        page = walk(client, hurt="yes")
        assert heading(page) == "Check your answers"
        sent = post(client, page, action="send")
    assert sent.status_code == 200
    body = json.loads(sent.content)
    assert body["sent"] == {
        "what": {"what": "physical"},
        "hurt": {"hurt": "yes"},
        "injury": {"injury": "A bruised arm"},
        "when": {"when": "2026-11-03"},
        "note": {"note": ""},
    }
    assert re.fullmatch(r"[0-9a-f]{32}", body["token"])
    assert "sessionid" not in client.cookies


def test_check_your_answers_reads_as_a_person_would(client):
    page = walk(client, hurt="yes")
    text = page.content.decode()
    assert "Physical assault" in text and "3 November 2026" in text and "Not answered" in text


def test_a_step_not_asked_is_skipped_and_not_sent(client):
    page = walk(client, hurt="no")
    assert "Describe the injury" not in page.content.decode()
    body = json.loads(post(client, page, action="send").content)
    assert "injury" not in body["sent"]


def test_changing_an_answer_asks_a_step_it_opens_then_returns_to_check(client):
    page = walk(client, hurt="no")
    page = post(client, page, change="hurt")
    assert heading(page) == "Were you hurt"
    assert re.search(rb'value="no"[^>]*checked', page.content)
    page = post(client, page, hurt="yes")
    assert heading(page) == "Injury"
    page = post(client, page, injury="A cut")
    assert heading(page) == "Check your answers"


def test_a_wrong_answer_stays_on_its_page_with_the_error_and_what_was_typed(client):
    page = client.get(URL)
    page = post(client, page, what="physical")
    page = post(client, page, hurt="yes")
    page = post(client, page, injury="Cut")
    page = post(client, page, when_day="31", when_month="2", when_year="2026")
    assert page.status_code == 400
    assert heading(page) == "When"
    assert "Enter a real date" in page.content.decode()
    assert 'value="31"' in page.content.decode()


def test_back_shows_the_previous_page_with_its_answer(client):
    page = client.get(URL)
    page = post(client, page, what="verbal")
    back = post(client, page, action="back")
    assert heading(back) == "What happened"
    assert re.search(rb'value="verbal"[^>]*checked', back.content)


def test_the_browser_cannot_choose_which_step_it_answers(client):
    page = client.get(URL)
    # An answer to a later step posted on the first page is not taken: the first step still wants its answer.
    page = post(client, page, hurt="yes", what="")
    assert page.status_code == 400 and heading(page) == "What happened"


def test_sending_before_every_asked_step_is_answered_opens_the_first_missing_one(client):
    progress = multistep.Progress.new("test-journey")
    progress.answers = {"what": {"what": ["verbal"]}}
    progress.at = multistep.CHECK
    forged = multistep.seal(progress, keyring=KEYS, max_bytes=16 * 1024)
    page = client.post(URL, {"journey": forged, "action": "send"})
    assert page.status_code == 400 and heading(page) == "Were you hurt"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("", "We could not find your answers"),
        ("not-a-payload", "We could not read your answers"),
        ("gAAAAAB" + "A" * 200, "We could not read your answers"),
    ],
)
def test_a_missing_or_tampered_payload_gets_a_clear_error_page(client, payload, message):
    page = client.post(URL, {"journey": payload, "what": "verbal"})
    assert page.status_code == 400
    assert message in page.content.decode() and "Start again" in page.content.decode()


def test_a_changed_byte_in_the_payload_is_refused(client):
    page = client.get(URL)
    payload = payload_of(page)
    flipped = payload[:40] + ("A" if payload[40] != "A" else "B") + payload[41:]
    assert client.post(URL, {"journey": flipped, "what": "verbal"}).status_code == 400


def test_a_payload_from_another_journey_is_refused(client):
    other = multistep.seal(multistep.Progress.new("another-journey"), keyring=KEYS, max_bytes=16 * 1024)
    page = client.post(URL, {"journey": other, "what": "verbal"})
    assert page.status_code == 400 and "could not read" in page.content.decode()


def test_an_expired_payload_says_so(client, monkeypatch):
    page = client.get(URL)
    later = time.time() + 5 * 60 * 60
    monkeypatch.setattr(fernet.time, "time", lambda: later)
    expired = post(client, page, what="verbal")
    assert expired.status_code == 400 and "expired" in expired.content.decode()


def test_an_oversized_payload_is_refused_before_it_is_read(client):
    page = client.post(URL, {"journey": "g" * (17 * 1024), "what": "verbal"})
    assert page.status_code == 400 and "too long" in page.content.decode()


def test_an_answer_too_long_to_keep_is_an_error_on_its_page_and_earlier_answers_stay(client):
    page = walk(client, hurt="no")
    page = post(client, page, change="note")
    noise = secrets.token_hex(12_000)  # hardly compresses
    page = post(client, page, note=noise)
    assert page.status_code == 400 and heading(page) == "Anything else"
    assert "too long" in page.content.decode()
    page = post(client, page, note="short")
    assert heading(page) == "Check your answers" and "Physical assault" in page.content.decode()


def test_the_payload_reads_nothing_without_the_keys(client):
    page = client.get(URL)
    page = post(client, page, what="physical")
    assert b"physical" not in payload_of(page).encode()
    assert b"physical" not in fernet.base64.urlsafe_b64decode(payload_of(page))


def test_sending_twice_keeps_one_submission_key(client):
    page = walk(client)
    first = json.loads(post(client, page, action="send").content)
    again = json.loads(post(client, page, action="send").content)
    assert first["token"] == again["token"]


def test_a_journey_may_refuse_a_post_before_acting_and_serve_its_forms_at_its_own_address(client):
    page = client.get(URL)
    assert b'<form id="journey-side" method="post" action="/journey/"' in page.content
    refused = post(client, page, what="physical", website="http://spam.example")
    assert refused.status_code == 400 and refused.content == b"refused"
    accepted = post(client, page, what="physical")
    assert heading(accepted) == "Were you hurt"


def test_screen_can_refuse_a_payload_before_it_is_acted_on(client, rf, monkeypatch):
    """The hook a journey uses to refuse a payload naming something the person may not reach ("tell us more")."""
    from django.http import HttpResponseForbidden

    from tests.cms.multistep_journey import ToyJourney

    page = client.get(URL)
    payload = payload_of(page)
    monkeypatch.setattr(ToyJourney, "screen", lambda self: HttpResponseForbidden("not yours"))
    refused = post(client, page, what="physical")
    assert refused.status_code == 403 and refused.content == b"not yours"
    monkeypatch.setattr(ToyJourney, "screen", lambda self: None)
    assert heading(client.post(URL, {"journey": payload, "what": "physical"})) == "Were you hurt"
