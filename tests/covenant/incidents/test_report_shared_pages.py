"""The report's unanswered question pages and the anonymous confirmation are kept for every anonymous reporter and
filled per person (cms/pageshell.py, views/report_journey.py): what a page depends on (who it happened to, the
organisations) is part of its key, each reporter gets their own code and reference, and a signed-in reporter's
pages are their own."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from cms import pageshell
from covenant.incidents.models import IncidentReport
from demo.factories.workforce import OrganisationFactory

from .conftest import CORE_ANSWERS, answer, code_of, payload_of, report_pages, step_of, tell_more

pytestmark = pytest.mark.django_db

ANONYMOUS_FORM = reverse("incidents:report_form", args=["anonymous"])
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _normalised(response) -> str:
    text = TOKEN.sub("T", response.content.decode())
    text = re.sub(r'nonce="[^"]+"', 'nonce="N"', text)
    return re.sub(r'name="journey" value="[^"]+"', 'name="journey" value="P"', text)


def _to(client, organisation, step: str, answers=None):
    """Walk an anonymous report until `step` is shown."""
    given = {**CORE_ANSWERS, "organisation": {"organisation": str(organisation.pk)}, **(answers or {})}
    page = client.get(ANONYMOUS_FORM)
    for _ in range(10):
        if step_of(page) == step:
            return page
        assert page.status_code == 200, page.content.decode()[:500]
        page = answer(client, page, ANONYMOUS_FORM, **given[step_of(page)])
    raise AssertionError(f"{step} was never shown")


def test_question_pages_are_rendered_once_for_every_anonymous_reporter(organisation):
    first = _to(Client(), organisation, "where")
    second = _to(Client(), organisation, "where")
    assert first.templates and not second.templates
    assert _normalised(first) == _normalised(second)
    assert payload_of(first) != payload_of(second)


def test_the_hurt_page_follows_who_it_happened_to(organisation):
    mine = _to(Client(), organisation, "hurt", {"who": {"relationship": "targeted"}})
    witnessed = _to(Client(), organisation, "hurt", {"who": {"relationship": "witnessed"}})
    mine_again = _to(Client(), organisation, "hurt", {"who": {"relationship": "targeted"}})
    assert "Were you physically hurt?" in mine.content.decode()
    assert "Were you physically hurt?" not in witnessed.content.decode()
    assert "Was the person it happened to physically hurt?" in witnessed.content.decode()
    assert not mine_again.templates and _normalised(mine_again) == _normalised(mine)


def test_a_new_organisation_is_listed_at_once(organisation):
    OrganisationFactory(name="Second Trust")
    first = _to(Client(), organisation, "organisation")
    assert "Second Trust" in first.content.decode()
    OrganisationFactory(name="Newly Opened Care Home")
    again = _to(Client(), organisation, "organisation")
    assert again.templates and "Newly Opened Care Home" in again.content.decode()


def test_each_anonymous_reporter_gets_their_own_code_reference_and_tell_us_more(organisation):
    sent = [report_pages(Client(), organisation) for _ in range(2)]
    codes = [code_of(response) for response in sent]
    assert not sent[1].templates  # filled in
    assert codes[0] != codes[1]
    reports = list(IncidentReport.objects.order_by("pk"))
    for response, report in zip(sent, reports, strict=True):
        assert report.reference in response.content.decode()
    # Each "tell us more" adds to that reporter's own report.
    client = Client()
    third = report_pages(client, organisation)
    added = tell_more(client, third, answers={"police": {"police_contacted": "101"}})
    assert added.status_code == 200
    report = IncidentReport.objects.order_by("-pk").first()
    assert report.police_contacted == "101" and report.reference in third.content.decode()
    assert not IncidentReport.objects.exclude(pk=report.pk).filter(police_contacted="101").exists()


def test_a_signed_in_reporter_gets_their_own_pages(client, organisation, reporter):
    report_pages(Client(), organisation)  # kept for anonymous reporters
    client.force_login(reporter)
    page = client.get(reverse("incidents:report_form", args=["named"]))
    again = answer(client, page, reverse("incidents:report_form", args=["named"]), **CORE_ANSWERS["what"])
    assert page.templates and again.templates
    assert reporter.email in page.content.decode() or "Sign out" in page.content.decode()
    assert len(pageshell.PAGES) > 0


def test_check_your_answers_shows_each_reporter_only_their_own_words(organisation):
    mine = _to(
        Client(), organisation, "check", {"what": {"category": "verbal_abuse", "narrative": "First words."}}
    )
    theirs = _to(
        Client(), organisation, "check", {"what": {"category": "verbal_abuse", "narrative": "Second words."}}
    )
    assert mine.templates and not any(t.name == "incidents/report_check.html" for t in theirs.templates)
    assert "First words." in mine.content.decode() and "First words." not in theirs.content.decode()
    assert "Second words." in theirs.content.decode()
    pageshell.PAGES.clear()
    fresh = _to(
        Client(), organisation, "check", {"what": {"category": "verbal_abuse", "narrative": "Second words."}}
    )
    assert _normalised(fresh) == _normalised(theirs)


def test_a_report_left_open_over_midnight_is_checked_again_and_sent(organisation):
    """A mark names the day (today and yesterday move): a report left open over midnight is checked afresh."""
    import datetime

    from django.utils import timezone

    client = Client()
    check = _to(client, organisation, "check")
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        sent = answer(client, check, ANONYMOUS_FORM, action="send")
    assert sent.status_code == 200 and IncidentReport.objects.count() == 1


def test_a_page_follows_the_answer_its_form_read_not_an_earlier_value_sent_with_it(organisation):
    """A form reads the last value sent for a field; so do the journey's conditions and page keys (review finding
    4): a smuggled first value neither picks the questions asked nor makes a page of its own."""
    smuggled = _to(Client(), organisation, "hurt", {"who": {"relationship": ["anything-at-all", "targeted"]}})
    plain = _to(Client(), organisation, "hurt", {"who": {"relationship": "targeted"}})
    assert "Were you physically hurt?" in smuggled.content.decode()
    assert not plain.templates and _normalised(plain) == _normalised(smuggled)


def test_an_organisation_closed_after_it_was_chosen_is_asked_again_at_send(organisation):
    """Sending checks the organisation by its form again: a report that chose an organisation closed since is sent
    back to the organisation page; nothing is stored."""
    OrganisationFactory(name="Open Trust")
    closing = OrganisationFactory(name="Closing Care Home")
    client = Client()
    check = _to(client, closing, "check")
    closing.is_active = False
    closing.save()
    sent = answer(client, check, ANONYMOUS_FORM, action="send")
    assert sent.status_code == 400 and step_of(sent) == "organisation"
    assert "Select an organisation from the list" in sent.content.decode()
    assert not IncidentReport.objects.exists()
