"""Property-based fuzzing of every form the URL configuration leads to.

For each URL of our apps (the access matrix's ROUTES, with ids of real records where the URL takes one), the page
is requested by an anonymous visitor, a person without roles and every role. Each POST form found in the HTML is
then posted with hostile values (control characters, right-to-left text, emoji, NUL bytes, 100,000-character
strings, huge and negative numbers, lists where one value is expected, forged ids of another organisation's
records, random uploads), with no CSRF token, and with raw bodies that are not valid UTF-8 or not valid multipart.
A page's own GET forms (table filters) are fuzzed too, with the list pages' page, sort and export parameters.

What must hold: never a server error; a principal who was not shown the form changes no row in the workforce,
incidents or consultation tables; and whenever the answer is a 4xx, nothing was written either.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from hypothesis import given

from tests.cms.test_access_matrix import ROUTES

from .conftest import ANONYMOUS, PRINCIPALS, changed_tables, row_counts
from .fuzzing import (
    FormSpec,
    describe,
    form_data,
    fuzz_settings,
    get_forms,
    post_forms,
    record_finding,
    send,
)

pytestmark = pytest.mark.django_db

AUTHORISED_EXAMPLES = 8
UNAUTHORISED_EXAMPLES = 2
# Fuzzing every role that is shown a form would repeat the same code paths: two of them are enough. Of those
# refused, the anonymous visitor, the person without roles and one role that was denied are fuzzed.
PRINCIPALS_PER_KIND = 2
# URL name -> extra keyword arguments of targets that are not in ROUTES as such (a slug picks the page).
EXTRA_TARGETS = {
    "incidents:report_form[anonymous]": ("incidents:report_form", {"mode": "anonymous"}),
    "incidents:report_form[named]": ("incidents:report_form", {"mode": "named"}),
    "incidents:report_form[confidential]": ("incidents:report_form", {"mode": "confidential"}),
}
TARGETS = sorted({name for name, _ in ROUTES} | set(EXTRA_TARGETS))
ROUTE_URLS = dict(ROUTES)
# Known server errors: target -> reason. Each is in /tmp/fuzz_findings.txt and must be fixed by the app's owner;
# strict, so the test says so once it is fixed.
KNOWN_SERVER_ERRORS: dict[str, str] = {}


def target_url(world, target: str) -> str:
    if target in EXTRA_TARGETS:
        name, kwargs = EXTRA_TARGETS[target]
        return reverse(name, kwargs=kwargs)
    if target in world.kwargs:
        return reverse(target, kwargs=world.kwargs[target])
    return ROUTE_URLS[target]


def discover(
    world, url: str, *, method: str = "post"
) -> tuple[dict[tuple, FormSpec], dict[tuple, set[str]], list[str]]:
    """GET the page as everyone; return its POST forms, who was shown each, and any server errors.

    Forms are told apart by action and field names, so that the forms of one page that post to the same
    URL (a moderation decision and a redaction, say) are fuzzed separately.
    """
    forms: dict[tuple, FormSpec] = {}
    shown_to: dict[tuple, set[str]] = {}
    errors = []
    for principal in PRINCIPALS:
        client = world.client_for(principal)
        try:
            response = client.get(url)
        except Exception as exc:  # noqa: BLE001
            errors.append(f"GET {url} as {principal}: {exc!r}")
            continue
        if response.status_code >= 500:
            errors.append(f"GET {url} as {principal}: {response.status_code}")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode(errors="replace")
        for spec in post_forms(html, url) + get_forms(html, url):
            key = (spec.method, spec.action, tuple(sorted(spec.fields)), tuple(sorted(spec.files)))
            forms.setdefault(key, FormSpec(action=spec.action)).merge(spec)
            shown_to.setdefault(key, set()).add(principal)
    return forms, shown_to, errors


def check(world, *, url, principal, authorised, status, error, payload, before, failures):
    if status >= 500:
        record_finding(url=url, principal=principal, payload=payload, error=error or f"status {status}")
        failures.append(f"{status} on POST {url} as {principal} with {payload}\n{error}")
        return
    if not authorised or 400 <= status < 500:
        changed = changed_tables(before)
        if changed:
            failures.append(f"POST {url} as {principal} ({status}) wrote rows {changed} with {payload}")


def fuzz_one(
    world, spec: FormSpec, principal: str, *, authorised: bool, failures: list[str], client=None
) -> None:
    client = client or world.client_for(principal)

    @fuzz_settings(AUTHORISED_EXAMPLES if authorised else UNAUTHORISED_EXAMPLES)
    @given(data=form_data(spec, world.foreign_ids))
    def hostile_values(data):
        for upload in data.values():
            if hasattr(upload, "seek"):
                upload.seek(0)
        before = row_counts()
        status, error = send(client.post, spec.action, data)
        check(
            world,
            url=spec.action,
            principal=principal,
            authorised=authorised,
            status=status,
            error=error,
            payload=describe(data),
            before=before,
            failures=failures,
        )

    hostile_values()


RAW_BODIES = [
    ("invalid UTF-8", "application/x-www-form-urlencoded", "{name}=\xff\xfe\xc3\x28&\xff\xfe=1"),
    ("unknown charset", "application/x-www-form-urlencoded; charset=x-no-such-charset", "{name}=x"),
    ("multipart without boundary", "multipart/form-data", "{name}=x"),
    (
        "truncated multipart",
        "multipart/form-data; boundary=zz",
        '--zz\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n\xff\xfe',
    ),
    ("JSON body", "application/json", '{{"{name}": [1, {{"a": null}}]}}'),
]


def raw_bodies(world, spec: FormSpec, principal: str, *, authorised: bool, failures: list[str]) -> None:
    client = world.client_for(principal)
    name = next(iter(spec.fields), "field")
    for label, content_type, template in RAW_BODIES:
        body = template.format(name=name).encode("latin-1", errors="replace")
        before = row_counts()
        status, error = send(client.generic, "POST", spec.action, body, content_type=content_type)
        check(
            world,
            url=spec.action,
            principal=principal,
            authorised=authorised,
            status=status,
            error=error,
            payload=f"raw body ({label}) {body[:80]!r}",
            before=before,
            failures=failures,
        )


def missing_csrf(world, spec: FormSpec, principal: str, failures: list[str]) -> None:
    client = world.client_for(principal, enforce_csrf_checks=True)
    data = {
        name: values[0] for name, values in spec.fields.items() if values and name != "csrfmiddlewaretoken"
    }
    before = row_counts()
    status, error = send(client.post, spec.action, data)
    if status != 403:
        if status >= 500:
            record_finding(url=spec.action, principal=principal, payload="no CSRF token", error=error)
        failures.append(f"POST {spec.action} as {principal} without a CSRF token answered {status}\n{error}")
    if changed := changed_tables(before):
        failures.append(f"POST {spec.action} as {principal} without a CSRF token wrote {changed}")


@pytest.mark.parametrize("target", TARGETS)
def test_every_form_survives_hostile_input(world, target):
    if target in KNOWN_SERVER_ERRORS:
        pytest.xfail(KNOWN_SERVER_ERRORS[target])
    url = target_url(world, target)
    forms, shown_to, failures = discover(world, url)
    for key, spec in forms.items():
        if spec.method == "get":
            # Filters and paging of this page; the header's site search is fuzzed once, from the home page.
            if spec.action == urlsplit(url).path:
                fuzz_query(world, spec, next(p for p in PRINCIPALS if p in shown_to[key]), failures)
            continue
        shown = [p for p in PRINCIPALS if p in shown_to[key]][:PRINCIPALS_PER_KIND]
        refused = [p for p in PRINCIPALS[:2] if p not in shown_to[key]]
        refused += [p for p in PRINCIPALS[2:] if p not in shown_to[key]][:1]  # a role that was denied
        for principal in shown + refused:
            authorised = principal in shown
            fuzz_one(world, spec, principal, authorised=authorised, failures=failures)
            raw_bodies(world, spec, principal, authorised=authorised, failures=failures)
        for principal in shown:
            missing_csrf(world, spec, principal, failures)
    assert not failures, "\n\n".join(failures[:10])


def fuzz_query(world, spec: FormSpec, principal: str, failures: list[str]) -> None:
    client = world.client_for(principal)

    @fuzz_settings(AUTHORISED_EXAMPLES)
    @given(data=form_data(spec, world.foreign_ids))
    def hostile_query(data):
        query = {key: value for key, value in data.items() if isinstance(value, str | list)}
        status, error = send(client.get, spec.action, query)
        if status >= 500:
            payload = describe(query)
            record_finding(url=f"GET {spec.action}", principal=principal, payload=payload, error=error)
            failures.append(f"{status} on GET {spec.action} as {principal} with {payload}\n{error}")

    hostile_query()


def test_the_site_search_survives_hostile_input(world):
    forms, _, failures = discover(world, "/")
    searches = [spec for spec in forms.values() if spec.method == "get"]
    if not searches:
        pytest.skip("the site has no search form in its pages yet")
    for spec in searches:
        fuzz_query(world, spec, ANONYMOUS, failures)
    assert not failures, "\n\n".join(failures[:10])


def test_the_fuzzer_reaches_the_forms_that_matter(world):
    """Guard against the fuzzer silently finding nothing (a renamed template, a broken world)."""
    found = {}
    for target in (
        "incidents:report_form[anonymous]",
        "incidents:follow_up",
        "workforce:move_record",
        "workforce:import",
        "workforce:arrangement_detail",
        "consultation:moderate",
    ):
        forms, shown_to, _ = discover(world, target_url(world, target))
        found[target] = (forms, shown_to)
    forms, shown_to = found["incidents:report_form[anonymous]"]
    # The report's first page (what happened), and the side form of its back and change buttons, each carrying
    # the sealed progress.
    posts = [(key, spec) for key, spec in forms.items() if spec.method == "post"]
    ((key, report),) = [(key, spec) for key, spec in posts if "narrative" in spec.fields]
    assert {"narrative", "category", "journey"} <= set(report.fields)
    assert all("journey" in spec.fields for _, spec in posts)
    assert ANONYMOUS in shown_to[key]
    forms, shown_to = found["workforce:move_record"]
    assert any({"move_type", "from_post", "reason"} <= set(f.fields) for f in forms.values())
    assert all(ANONYMOUS not in who for who in shown_to.values())
    forms, _ = found["workforce:import"]
    assert any("file" in f.files for f in forms.values())
    forms, _ = found["workforce:arrangement_detail"]
    assert any("file" in f.files for f in forms.values())
    forms, shown_to = found["consultation:moderate"]
    assert any("decision" in f.fields for f in forms.values())
    assert all(who <= {"consultation_moderator"} for who in shown_to.values())


# --- the consultation's response journey (its pages share one URL; each page's payload says which step it is) ---


def consultation_step_forms(client, page) -> dict[str, FormSpec]:
    """Walk the responding journey with plausible answers, collecting each page's form (with its sealed progress
    payload, so that a mostly plausible post reaches that page's own validation) on the way."""
    from django.urls import reverse

    from .fuzzing import plausible

    forms = {}
    url = reverse("consultation:respond", args=[page.pk])
    response = client.get(url)
    # About you, three pages of questions, then "Check your answers".
    for number in range(5):
        assert response.status_code == 200, (number, response.content.decode()[:500])
        spec = max(post_forms(response.content.decode(), url), key=lambda form: len(form.fields))
        assert "journey" in spec.fields
        forms[f"{url}#page-{number}"] = spec
        if number == 4:
            break
        data = {name: plausible(name, values) for name, values in spec.fields.items()}
        data.pop("website", None)  # the honeypot stays empty
        data.pop("action", None)  # Continue, not "Save and come back later"
        if number == 0:
            data.update(publish_consent="anonymous", respondent_name="", email="")
        response = client.post(url, data)
    assert "Check your answers" in response.content.decode()
    return forms


@pytest.mark.parametrize("principal", [ANONYMOUS, "hr_admin"])
def test_the_consultation_journey_survives_hostile_input(world, principal):
    client = world.client_for(principal)
    forms = consultation_step_forms(client, world.consultation)
    failures: list[str] = []
    for spec in forms.values():
        fuzz_one(world, spec, principal, authorised=True, failures=failures, client=client)
        raw_bodies(world, spec, principal, authorised=True, failures=failures)
        missing_csrf(world, spec, principal, failures)
    assert not failures, "\n\n".join(failures[:10])
