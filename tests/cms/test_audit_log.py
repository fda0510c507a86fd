import csv
import datetime
import io

import pytest
from django.urls import reverse

from cms.audit import audit

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
    from cms.accounts.models import AuditEvent

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


def test_anonymous_lines_appear_once_their_hour_is_over_showing_the_hour_only(
    client, make_user, login, an_hour_later
):
    from django.utils import timezone

    from cms.accounts.models import AuditEvent
    from cms.audit import audit_anonymous, hour_of

    hour = timezone.localtime(hour_of(timezone.now()))
    audit_anonymous(action="incident.submitted", actor_label="anonymous reporter", summary="anon-event")
    login(make_user("auditor"))
    assert "anon-event" not in client.get(URL).content.decode()  # held until its hour is over
    an_hour_later()
    audit(action="later.event", actor_label="z@example.org", summary="later exact event")
    html = client.get(URL).content.decode()
    assert "anon-event" in html
    span = f"{hour:%-d %b %Y %H}:00–{hour + datetime.timedelta(hours=1):%H}:00"
    assert span in html
    # Newest first: the line sorts by its hour, below the later exact-time line.
    assert html.index("later exact event") < html.index("anon-event")
    event = AuditEvent.objects.get(summary="anon-event")
    assert event.hour_only and event.actor is None and event.ip_address is None
    body = b"".join(client.get(URL, {"action": "incident", "_export": "csv"}).streaming_content)
    assert span in body.decode("utf-8-sig")
