"""Anonymous means unlinkable (issue 12): what an anonymous reporter does leaves nothing beside their account.

- Finding 6: no report being written, follow-up code or followed-up case in a session row (which holds
  `_auth_user_id` when the reporter is signed in) or the cache; the report's pages neither read nor write a
  session row; a visitor who is not signed in gets no session row at all.
- Finding 7: the audit trail keeps only the hour of an anonymous action and cannot order it against the
  reporter's own sign-in; the report's own times and ciphertexts keep only the hour too.
- Finding 9: only wrong follow-up codes count against an address, so staff sharing a trust's address never block
  each other, and a site-wide ceiling keeps guessing hopeless from many addresses.

The tests post the forms a person would, then read the raw rows: `django_session` decoded with SessionStore,
AuditEvent, the cache.
"""

import base64
import datetime
import re
import struct

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms.accounts.models import AnonymousAuditEvent, AuditEvent
from cms.times import hour_nhs, time_nhs
from covenant.incidents import throttles
from covenant.incidents.models import IncidentReport, acknowledge_deadline
from covenant.incidents.reporter_state import FOLLOW_UP_COOKIE
from demo.factories.cms import DEMO_PASSWORD

from .conftest import code_of, payload_of, report_pages, tell_more

pytestmark = pytest.mark.django_db

CODE_RE = re.compile(r"\b(\d{4} \d{4} \d{4} \d{4})\b")
NARRATIVE_WORDS = "triage desk"  # from the conftest's NARRATIVE
ANONYMOUS_FORM = reverse("incidents:report_form", args=["anonymous"])
FOLLOW_UP = reverse("incidents:follow_up")
FOLLOW_UP_CASE = reverse("incidents:follow_up_case")
HOUR = datetime.timedelta(hours=1)


def _sessions() -> list[tuple[str, dict]]:
    """Every django_session row: its raw data and the data decoded as Django would."""
    return [(row.session_data, SessionStore().decode(row.session_data)) for row in Session.objects.all()]


def _the_session_row() -> tuple:
    """The one django_session row, exactly as stored: key, data and expiry (which dates its last save)."""
    (row,) = Session.objects.values_list("session_key", "session_data", "expire_date")
    return row


def _cached_values() -> list[bytes]:
    """The raw (pickled) values in the test cache: what a copy of Redis would hold."""
    return list(cache._cache.values())


def _anonymous_report(client, organisation) -> tuple[IncidentReport, str]:
    code = code_of(report_pages(client, organisation))
    return IncidentReport.objects.get(), code


def _session_queries(queries) -> list[str]:
    return [query["sql"] for query in queries if "django_session" in query["sql"]]


def _is_on_the_hour(moment: datetime.datetime) -> bool:
    return moment.minute == moment.second == moment.microsecond == 0


# --- finding 6: nothing of an anonymous journey in a session ----------------------------------------------------
def test_a_signed_in_anonymous_report_neither_reads_nor_writes_the_session(
    client, login, reporter, organisation
):
    login(reporter)
    # The site's navigation (cached for every page) and the organisations' stamp of the pages kept for every
    # anonymous reporter (cms/pageshell.py) are not the report's.
    client.get(reverse("incidents:report_start"))
    client.get(ANONYMOUS_FORM)
    cached = set(cache._cache)
    before = _the_session_row()
    assert SessionStore().decode(before[1])["_auth_user_id"] == str(reporter.pk)

    with CaptureQueriesContext(connection) as queries:
        error = report_pages(client, organisation, answers={"hurt": {}}, send=False)
        assert error.status_code == 400 and "Select if you were hurt" in error.content.decode()
        check = report_pages(client, organisation, send=False)
        sent = tell_more(client, answer_send(client, check), answers={"police": {"police_contacted": "101"}})
    assert sent.status_code == 200 and IncidentReport.objects.get().police_contacted == "101"

    # No statement touched django_session: the row was neither read nor written (its expiry would date the report
    # to the second), and nothing of the report went into the cache.
    assert _session_queries(queries.captured_queries) == []
    assert _the_session_row() == before
    assert set(cache._cache) == cached
    # What was typed travels only in the page, sealed: the payload shows nothing of it.
    assert NARRATIVE_WORDS in check.content.decode() and NARRATIVE_WORDS not in payload_of(check)
    assert IncidentReport.objects.get().reporter is None


def answer_send(client, check):
    return client.post(ANONYMOUS_FORM, {"journey": payload_of(check), "action": "send"})


def test_an_anonymous_visitor_gets_no_session_row_at_all(client, organisation):
    # The site's navigation (cached for every page) and the organisations' stamp of the pages kept for every
    # anonymous reporter (cms/pageshell.py) are not the report's.
    client.get(reverse("incidents:report_start"))
    client.get(ANONYMOUS_FORM)
    cached = set(cache._cache)
    error = report_pages(client, organisation, answers={"what": {"category": "verbal_abuse"}}, send=False)
    assert error.status_code == 400 and "Tell us what happened" in error.content.decode()
    report, code = _anonymous_report(client, organisation)
    assert set(cache._cache) == cached  # nothing of the report before or after it is sent
    assert client.post(FOLLOW_UP, {"code": code}).status_code == 302
    assert report.reference in client.get(FOLLOW_UP_CASE).content.decode()
    assert client.post(FOLLOW_UP_CASE, {"body": "It was the night shift."}).status_code == 302
    client.post(reverse("incidents:follow_up_leave"))
    assert not Session.objects.exists()
    assert "sessionid" not in client.cookies
    assert not any(NARRATIVE_WORDS.encode() in value for value in _cached_values())


def test_the_follow_up_code_is_never_in_the_session_the_cache_or_a_cookie(
    client, login, reporter, organisation
):
    login(reporter)
    before = _the_session_row()
    sent = report_pages(client, organisation)
    # The code is in the response to "Send report" and nowhere else: no confirmation cookie, no redirect.
    code = code_of(sent).replace(" ", "")
    assert "no-store" in sent["Cache-Control"]
    assert not any(code in morsel.value for morsel in client.cookies.values())
    (raw, after), *_ = _sessions()
    report = IncidentReport.objects.get()
    assert code not in raw and code not in str(after) and report.reference not in str(after)
    assert not any(code.encode() in value for value in _cached_values())
    assert _the_session_row() == before


def test_following_up_while_signed_in_leaves_the_session_as_it_was(client, login, reporter, organisation):
    report, code = _anonymous_report(client, organisation)
    login(reporter)
    before = _the_session_row()

    assert client.post(FOLLOW_UP, {"code": code})["Location"] == FOLLOW_UP_CASE
    assert report.reference in client.get(FOLLOW_UP_CASE).content.decode()
    assert client.post(FOLLOW_UP_CASE, {"body": "It was the night shift."}).status_code == 302
    assert report.messages.get().author is None

    assert _the_session_row() == before
    follow_up_cookie = client.cookies[FOLLOW_UP_COOKIE]
    assert follow_up_cookie["httponly"] and int(follow_up_cookie["max-age"]) <= 30 * 60
    assert report.reference not in follow_up_cookie.value
    client.post(reverse("incidents:follow_up_leave"))
    assert client.get(FOLLOW_UP_CASE)["Location"] == FOLLOW_UP


def test_a_forged_or_swapped_follow_up_cookie_opens_nothing(client, organisation):
    sent = report_pages(client, organisation)
    client.cookies[FOLLOW_UP_COOKIE] = "1"
    assert client.get(FOLLOW_UP_CASE)["Location"] == FOLLOW_UP
    # A payload sealed with the same keys for another purpose ("tell us more", naming this report) is refused too.
    client.cookies[FOLLOW_UP_COOKIE] = payload_of(sent)
    assert client.get(FOLLOW_UP_CASE)["Location"] == FOLLOW_UP


# --- finding 7: the audit trail cannot place an anonymous report beside its reporter ---------------------------
def test_an_anonymous_report_cannot_be_placed_beside_the_reporters_sign_in(
    client, reporter, auditor, organisation, login, an_hour_later
):
    assert (
        client.post("/account/sign-in/", {"username": reporter.email, "password": DEMO_PASSWORD}).status_code
        == 302
    )
    sign_in = AuditEvent.objects.get(action="auth.sign_in", actor=reporter)
    report_pages(client, organisation)
    client.post("/account/sign-out/")
    sign_out = AuditEvent.objects.get(action="auth.sign_out", actor=reporter)
    report = IncidentReport.objects.get()

    # Nothing in the trail yet: the line is held back with its hour only, no account, no address.
    assert not AuditEvent.objects.filter(action="incident.submitted").exists()
    held = AnonymousAuditEvent.objects.get()
    assert _is_on_the_hour(held.hour) and held.hour <= sign_out.at < held.hour + 2 * HOUR
    # The report's own rows keep only that hour, and so does the narrative's ciphertext (Fernet stamps a time).
    assert report.reported_at == held.hour and report.acknowledge_by == acknowledge_deadline(held.hour)
    assert report.transitions.get().at == held.hour
    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative FROM incidents_incidentreport WHERE id = %s", [report.pk])
        (stored,) = cursor.fetchone()
    (stamped,) = struct.unpack(">Q", base64.urlsafe_b64decode(stored.removeprefix("enc1:"))[1:9])
    assert stamped % 3600 == 0

    # Once the hour is over, the auditor's screen releases it into the trail.
    an_hour_later()
    login(auditor)
    page = client.get(reverse("audit_log"))
    assert page.status_code == 200
    event = AuditEvent.objects.get(action="incident.submitted")
    assert event.hour_only and event.at == held.hour
    assert event.actor is None and event.ip_address is None and event.actor_label == "anonymous reporter"
    assert set(event.detail) == {"organisation", "mode", "excluded_named", "excluded_line_management"}
    # Its id comes after everything written in its hour, the reporter's sign-out included: it cannot be ordered
    # against the sign-in.
    assert event.pk > sign_out.pk > sign_in.pk
    assert not AnonymousAuditEvent.objects.exists()
    local = timezone.localtime(held.hour)
    assert f"{local:%-d %b %Y}, {hour_nhs(held.hour)}" in page.content.decode()  # e.g. between 2pm and 3pm


def test_handlers_and_the_code_holder_see_the_hour_of_an_anonymous_report(
    client, login, handler, organisation, submit
):
    report, code = submit()
    start = timezone.localtime(report.reported_at)
    between = f"{start:%-d %B %Y}, {hour_nhs(start)}"
    assert between.endswith(f"between {time_nhs(start)} and {time_nhs(start + HOUR)}")
    client.post(FOLLOW_UP, {"code": code})
    assert between in client.get(FOLLOW_UP_CASE).content.decode()
    login(handler)
    assert between in client.get(reverse("incidents:case_detail", args=[report.pk])).content.decode()


def test_anonymous_lines_of_one_hour_are_released_together_after_it(client, organisation, an_hour_later):
    from cms.audit import anonymous_audit_release

    report, code = _anonymous_report(client, organisation)
    client.post(FOLLOW_UP, {"code": code})
    client.get(FOLLOW_UP_CASE)
    client.post(FOLLOW_UP_CASE, {"body": "A reply."})
    assert anonymous_audit_release() == 0  # the hour is not over
    assert AnonymousAuditEvent.objects.count() == 3
    an_hour_later()
    assert anonymous_audit_release() == 3
    events = AuditEvent.objects.filter(hour_only=True)
    assert {e.action for e in events} == {
        "incident.submitted",
        "incident.viewed_by_code",
        "incident.reporter_message",
    }
    assert all(e.actor_id is None and e.ip_address is None and _is_on_the_hour(e.at) for e in events)
    assert anonymous_audit_release() == 0  # moved once


def test_the_new_report_task_carries_only_the_report(
    client, login, reporter, organisation, settings, django_capture_on_commit_callbacks
):
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    login(reporter)
    with django_capture_on_commit_callbacks(execute=True):
        report_pages(client, organisation)
    report = IncidentReport.objects.get()
    results = task_backends["default"].results
    assert [(r.task.name, r.args, r.kwargs) for r in results] == [
        ("notify_handlers_of_new_report", [report.pk], {})
    ]


# --- finding 9: only wrong codes count, per address and site-wide -----------------------------------------------
def test_staff_behind_one_address_each_follow_up_their_own_report(client, organisation, submit):
    codes = [submit()[1] for _ in range(12)]  # more than the old limit of 10 look-ups an hour per address
    for code in codes:
        response = client.post(FOLLOW_UP, {"code": code}, REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 302, response.content.decode()


def test_wrong_codes_from_one_address_are_refused_after_the_limit(client, organisation, submit, settings):
    settings.INCIDENT_FOLLOW_UP_ADDRESS_FAILURES = 5
    _, code = submit()
    for _ in range(5):
        response = client.post(FOLLOW_UP, {"code": "1111 2222 3333 4444"}, REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 200
    refused = client.post(FOLLOW_UP, {"code": code}, REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429 and "Too many attempts" in refused.content.decode()
    # Another address is not affected.
    assert client.post(FOLLOW_UP, {"code": code}, REMOTE_ADDR="203.0.113.9").status_code == 302


def test_past_the_site_wide_ceiling_an_address_with_a_typo_or_two_still_gets_in(
    client, organisation, submit, settings
):
    settings.INCIDENT_FOLLOW_UP_SITE_FAILURES = 3
    settings.INCIDENT_FOLLOW_UP_FAILURES_PAST_CEILING = 3
    _, code = submit()
    for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        client.post(FOLLOW_UP, {"code": "1111 2222 3333 4444"}, REMOTE_ADDR=address)
    # Past the ceiling: a reporter who mistyped once still gets in with the right code...
    assert client.post(FOLLOW_UP, {"code": code}, REMOTE_ADDR="198.51.100.1").status_code == 302
    # ...and so does one who has not failed...
    assert client.post(FOLLOW_UP, {"code": code}, REMOTE_ADDR="203.0.113.9").status_code == 302
    # ...while an address with 3 wrong codes this hour is refused, right code or not.
    for _ in range(2):
        assert (
            client.post(FOLLOW_UP, {"code": "1111 2222 3333 4445"}, REMOTE_ADDR="198.51.100.2").status_code
            == 200
        )
    assert client.post(FOLLOW_UP, {"code": code}, REMOTE_ADDR="198.51.100.2").status_code == 429


def test_an_ipv6_network_counts_as_one_address(client, organisation, submit, settings):
    """Finding: an attacker given an IPv6 /64 used a new address for every guess. Every address of a /64 counts
    together; another /64 does not."""
    settings.INCIDENT_FOLLOW_UP_ADDRESS_FAILURES = 5
    _, code = submit()
    for host in range(1, 6):
        response = client.post(
            FOLLOW_UP, {"code": "1111 2222 3333 4444"}, REMOTE_ADDR=f"2001:db8:0:7::{host}"
        )
        assert response.status_code == 200
    refused = client.post(FOLLOW_UP, {"code": code}, REMOTE_ADDR="2001:db8:0:7:ffff::99")
    assert refused.status_code == 429
    assert client.post(FOLLOW_UP, {"code": code}, REMOTE_ADDR="2001:db8:0:8::1").status_code == 302


def test_attempts_in_parallel_cannot_overshoot_the_limit(client, organisation, submit, settings, monkeypatch):
    """Each attempt is counted before its look-up: a second attempt made while the first is still looking up is
    refused once the limit is reached, and a right code is given back afterwards."""
    from covenant.incidents.views import reporters

    settings.INCIDENT_FOLLOW_UP_ADDRESS_FAILURES = 1
    _, code = submit()
    look_up = reporters.report_for_receipt
    during = []

    def slow_look_up(*, code):
        if not during:  # the first attempt's look-up: another arrives from the same address meanwhile
            during.append(
                Client().post(FOLLOW_UP, {"code": "1111 2222 3333 4444"}, REMOTE_ADDR="198.51.100.7")
            )
        return look_up(code=code)

    monkeypatch.setattr(reporters, "report_for_receipt", slow_look_up)
    assert client.post(FOLLOW_UP, {"code": code}, REMOTE_ADDR="198.51.100.7").status_code == 302
    assert during[0].status_code == 429
    # The right code was given back: the address has no failure and may try again.
    assert Client().post(FOLLOW_UP, {"code": code}, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_follow_up_failures_are_counted_in_the_shared_cache_without_addresses(client, organisation, submit):
    _, code = submit()
    client.post(FOLLOW_UP, {"code": code}, REMOTE_ADDR="198.51.100.7")
    client.post(FOLLOW_UP, {"code": "1111 2222 3333 4444"}, REMOTE_ADDR="198.51.100.7")
    client.post(FOLLOW_UP, {"code": "not a code"}, REMOTE_ADDR="198.51.100.7")  # malformed: no look-up
    keys = list(cache._cache)
    counters = [key for key in keys if "incidents:follow-up:failures:" in key]
    assert len(counters) == 2  # the address's and the site's, each counting the one wrong code
    assert all(cache.get(key.split(":", 2)[-1]) == 1 for key in counters)
    assert not any("198.51.100.7" in key for key in keys)
    assert throttles.SITE_KEY.split("{")[0] in " ".join(counters)


# --- review fix: the public pages do not depend on the account ---------------------------------------------------
def test_a_signed_in_member_of_staff_idle_past_the_timeout_still_sends_an_anonymous_report(
    client, login, reporter, organisation, settings
):
    login(reporter)
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    session = client.session
    session["last_seen"] = session["last_seen"] - settings.STAFF_SESSION_IDLE_SECONDS - 5
    session.save()
    before = _the_session_row()

    assert client.get(ANONYMOUS_FORM).status_code == 200
    sent = report_pages(client, organisation)
    assert sent.status_code == 200
    code = code_of(sent)
    report = IncidentReport.objects.get()
    assert report.reporter is None
    assert client.post(FOLLOW_UP, {"code": code}).status_code == 302
    assert client.post(FOLLOW_UP_CASE, {"body": "It was the night shift."}).status_code == 302

    # Not signed out, and the session not even touched: last_seen is not refreshed by these pages.
    assert not AuditEvent.objects.filter(action="auth.sign_out").exists()
    assert _the_session_row() == before
    # The staff pages still apply the timeout.
    assert client.get(reverse("accounts:dashboard")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.sign_out", actor=reporter).exists()


def test_a_password_only_session_with_a_second_factor_can_still_report_anonymously(
    client, reporter, organisation
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=reporter, name="phone", confirmed=True)
    client.force_login(reporter)
    assert client.get(reverse("accounts:dashboard"))["Location"].startswith("/account/two-factor/verify/")

    form = client.get(ANONYMOUS_FORM)
    assert form.status_code == 200
    # The page treats them as a signed-out visitor: nothing of the account on it.
    assert reporter.email not in form.content.decode()
    report, code = _anonymous_report(client, organisation)
    assert report.reporter is None and report.mode == "anonymous"
    assert client.post(FOLLOW_UP, {"code": code}).status_code == 302
    assert report.reference in client.get(FOLLOW_UP_CASE).content.decode()
    # Everything else is still held at the code.
    assert client.get(reverse("incidents:my_reports"))["Location"].startswith("/account/two-factor/verify/")
    assert client.get(reverse("incidents:report_form", args=["named"]))["Location"].startswith(
        "/account/two-factor/verify/"
    )
