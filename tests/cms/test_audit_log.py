import csv
import io
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from cms import audit as audit_module
from cms.accounts.models import AuditEvent
from cms.audit import REFUSED, audit, audit_refusal, audit_refusals_flush

pytestmark = pytest.mark.django_db

URL = reverse("audit_log")


def test_auditor_reads_the_audit_log(client, make_user, login):
    auditor = make_user("auditor")
    audit(action="incident.viewed", actor_label="someone@example.org", summary="Read case 42")
    login(auditor)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Read case 42" in html
    assert "nhsuk-table" in html


@pytest.mark.parametrize(
    "role",
    [
        "hr_admin",
        "incident_reporter",
        "incident_handler",
        "identity_custodian",
        "analyst",
        "consultation_moderator",
        "editor",
    ],
)
def test_other_roles_are_refused(client, make_user, login, role):
    login(make_user(role))
    assert client.get(URL).status_code == 403
    assert client.get(URL + "?_export=csv").status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith("/account/sign-in/")


def test_filters_apply(client, make_user, login):
    login(make_user("auditor"))
    audit(action="incident.viewed", actor_label="a@example.org", summary="alpha-event")
    audit(action="workforce.move_recorded", actor_label="b@example.org", summary="beta-event")
    html = client.get(URL, {"action": "workforce"}).content.decode()
    assert "beta-event" in html
    assert "alpha-event" not in html


def test_csv_export_keeps_filters_and_neutralises_formulas(client, make_user, login):
    login(make_user("auditor"))
    audit(action="planted.formula", actor_label="x@example.org", summary="=1+1")
    audit(action="other.thing", actor_label="y@example.org", summary="not exported")
    response = client.get(URL, {"action": "planted", "_export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="audit-log-' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "When"
    summaries = [row[5] for row in rows[1:]]
    assert "'=1+1" in summaries
    assert "not exported" not in body


def test_xlsx_export(client, make_user, login):
    from openpyxl import load_workbook

    login(make_user("auditor"))
    audit(action="planted.formula", actor_label="x@example.org", summary="@SUM(A1)")
    response = client.get(URL, {"_export": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [cell for row in workbook.active.iter_rows(values_only=True) for cell in row]
    assert "'@SUM(A1)" in values


def test_unknown_export_format_is_a_clear_400(client, make_user, login):
    login(make_user("auditor"))
    response = client.get(URL, {"_export": "pdf"})
    assert response.status_code == 400
    assert b"Choose an export format" in response.content


def test_list_uses_a_constant_number_of_queries(client, make_user, login, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(make_user("auditor"))
    client.get(URL)  # the first request of a session warms per-process caches (site root, content types)

    def queries_for_list():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    few = queries_for_list()
    for index in range(120):
        audit(action="bulk.event", actor_label=f"user{index}@example.org", summary=f"event {index}")
    assert queries_for_list() == few, "the number of queries must not grow with the number of rows"
    with django_assert_max_num_queries(30):
        client.get(URL)


def test_audit_events_cannot_be_changed_or_deleted():
    event = audit(action="x.y", summary="original")
    event.summary = "changed"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_a_nul_character_in_an_audited_parameter_is_dropped_not_a_500(client, login, make_user, organisation):
    """PostgreSQL's JSON and text cannot hold NUL; an export's filters are audited as the user sent them."""
    login(make_user("hr_admin", organisation=organisation))
    response = client.get("/workforce/people/?q=a%00b&_export=csv")
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        b"".join(response.streaming_content)
        event = AuditEvent.objects.filter(action="workforce.exported").latest("pk")
        assert "\x00" not in str(event.detail)


def test_table_pages_count_their_rows_once(client, login, make_user, organisation):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(make_user("hr_admin", organisation=organisation))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/workforce/people/").status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1, counts


# --- refused access (issue 12, finding 8) -----------------------------------------------------------------------
def _refused(user=None):
    events = AuditEvent.objects.filter(action=REFUSED)
    return events.filter(actor=user) if user is not None else events


def test_refusals_after_a_window_are_carried_by_the_next_row(make_user, monkeypatch):
    monkeypatch.setattr(audit_module, "REFUSAL_WINDOW_SECONDS", 1)
    user = make_user("incident_handler")
    for pk in (1, 2, 3):
        audit_module.audit_refusal(
            user=user, object_type="incidents.incidentreport", object_id=pk, reason="x"
        )
    assert [row.detail["count"] for row in _refused(user)] == [1]
    time.sleep(1.1)
    audit_module.audit_refusal(user=user, object_type="incidents.incidentreport", object_id=4, reason="x")
    rows = list(_refused(user).order_by("pk"))
    assert [(row.object_id, row.detail["count"]) for row in rows] == [("1", 1), ("4", 3)]
    assert audit_refusals_flush() == 0  # nothing left waiting


def test_each_record_type_and_person_has_its_own_window(make_user):
    first, second = make_user("incident_handler"), make_user("incident_handler")
    for user in (first, second):
        for object_type in ("incidents.incidentreport", "incidents.sanction"):
            audit_refusal(user=user, object_type=object_type, object_id=9, reason="x")
            audit_refusal(user=user, object_type=object_type, object_id=9, reason="x")
    assert _refused().count() == 4
    assert sorted(_refused(first).values_list("object_type", flat=True)) == [
        "incidents.incidentreport",
        "incidents.sanction",
    ]


def test_every_refusal_is_written_when_the_cache_cannot_be_reached(make_user, monkeypatch):
    # django-redis with IGNORE_EXCEPTIONS answers None to every call while Redis is down.
    for name in ("add", "incr", "set", "touch"):
        monkeypatch.setattr(cache, name, lambda *args, **kwargs: None)
    user = make_user("incident_handler")
    for pk in range(3):
        audit_refusal(user=user, object_type="incidents.incidentreport", object_id=pk, reason="x")
    assert [row.detail["count"] for row in _refused(user)] == [1, 1, 1]


def test_signed_out_refusals_are_not_recorded():
    assert audit_refusal(user=AnonymousUser(), object_type="incidents.incidentreport", reason="x") is None
    assert not _refused().exists()


def test_the_audit_screen_sums_up_refusals_by_person(client, make_user, login):
    prober, other = make_user("incident_handler"), make_user("hr_admin")
    for _ in range(7):
        audit_refusal(user=prober, object_type="incidents.incidentreport", object_id=1, reason="x")
    audit_refusal(user=other, object_type="workforce.person", object_id=2, reason="x")
    login(make_user("auditor"))
    html = client.get(URL).content.decode()
    summary = html.split('id="refused-access"', 1)[1].split("</table>", 1)[0]
    assert summary.index(prober.email) < summary.index(other.email)  # most refused first
    assert ">7</td>" in summary and ">1</td>" in summary


def test_the_scheduled_flush_writes_what_is_waiting(make_user):
    user = make_user("incident_handler")
    for pk in range(4):
        audit_refusal(user=user, object_type="incidents.incidentreport", object_id=pk, reason="x")
    out = io.StringIO()
    call_command("audit_flush_refusals", stdout=out)
    assert out.getvalue().startswith("1 ")
    assert sorted(row.detail["count"] for row in _refused(user)) == [1, 3]


def test_anonymous_lines_appear_once_their_hour_is_over_showing_the_hour_only(
    client, make_user, login, an_hour_later
):
    from django.utils import timezone

    from cms.accounts.models import AuditEvent
    from cms.audit import audit_anonymous, hour_of
    from cms.times import hour_nhs

    hour = timezone.localtime(hour_of(timezone.now()))
    audit_anonymous(action="incident.submitted", actor_label="anonymous reporter", summary="anon-event")
    login(make_user("auditor"))
    assert "anon-event" not in client.get(URL).content.decode()  # held until its hour is over
    an_hour_later()
    audit(action="later.event", actor_label="z@example.org", summary="later exact event")
    html = client.get(URL).content.decode()
    assert "anon-event" in html
    span = f"{hour:%-d %b %Y}, {hour_nhs(hour)}"  # e.g. "6 Dec 2026, between 2pm and 3pm"
    assert span in html
    # Newest first: the line sorts by its hour, below the later exact-time line.
    assert html.index("later exact event") < html.index("anon-event")
    event = AuditEvent.objects.get(summary="anon-event")
    assert event.hour_only and event.actor is None and event.ip_address is None
    body = b"".join(client.get(URL, {"action": "incident", "_export": "csv"}).streaming_content)
    assert span in body.decode("utf-8-sig")
