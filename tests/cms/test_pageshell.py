"""cms/pageshell.py: a kept page is cut only at its own markers, and never kept when a marker was changed."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import _unmask_cipher_token
from django.test import RequestFactory

from cms import generations, pageshell
from cms.generations import LocalMemo
from cms.pageshell import CSRF, NONCE, _marker, _split


def test_a_page_is_cut_at_each_marker_in_order():
    page = f'<p>{_marker("reference")}</p><input value="{_marker(CSRF)}"><b>{_marker("reference")}</b>'
    pieces = _split(page, ["reference", CSRF, NONCE])
    assert pieces == ("<p>", ("reference",), '</p><input value="', (CSRF,), '"><b>', ("reference",), "</b>")


def test_a_page_whose_fill_is_missing_or_changed_is_not_kept():
    # A template that filtered the value (|upper, |urlencode, |truncatechars) would keep a changed marker, and the
    # person's value would be missing: such a page is rendered for each person instead.
    assert _split("<p>no reference here</p>", ["reference", CSRF, NONCE]) is None
    assert _split(f"<p>{_marker('reference').upper()}</p>", ["reference", CSRF, NONCE]) is None
    assert _split(f"<p>{_marker('reference')[:12]}…</p>", ["reference", CSRF, NONCE]) is None


def test_a_page_without_a_form_or_script_needs_no_token_or_nonce():
    assert _split("<p>plain</p>", [CSRF, NONCE]) == ("<p>plain</p>",)


def test_markers_are_random_per_process_so_no_one_can_write_one():
    assert len(pageshell._MARK) == 16 and _marker("x") == f"{pageshell._MARK}:x:{pageshell._MARK}"


def test_the_kept_pages_are_bounded():
    pages = LocalMemo(2)
    for index in range(3):
        pages.put((index,), ("page",))
    assert len(pages) == 2 and pages.get((0,)) is None and pages.get((2,)) == ("page",)


def test_a_kept_page_is_forgotten_after_its_time(monkeypatch):
    pages = LocalMemo(4, max_age=60)
    now = [1000.0]
    monkeypatch.setattr(generations.time, "monotonic", lambda: now[0])
    pages.put(("page",), ("kept",))
    now[0] += 59
    assert pages.get(("page",)) == ("kept",)
    now[0] += 2
    assert pages.get(("page",)) is None


@pytest.mark.django_db
def test_a_kept_page_asks_for_the_csrf_token_only_when_it_has_a_form(monkeypatch):
    """As a page rendered for the person, where the token (and the cookie that carries it) comes only when the
    template asks for it: a kept page without a form sets no CSRF cookie; one with a form gets the person's token."""

    def rendered(template, context, request=None):
        form = (
            f'<form><input name="csrfmiddlewaretoken" value="{context[CSRF]}"></form>'
            if "form" in template
            else ""
        )
        return f"<p>{context['reference']}</p>{form}"

    monkeypatch.setattr(pageshell, "render_to_string", rendered)
    pageshell.PAGES.clear()
    for template, has_form in (("page-without.html", False), ("page-with-form.html", True)):
        for reference in ("REF-1", "REF-2"):  # kept by the first, filled for the second
            request = RequestFactory().get("/kept/")
            request.user = AnonymousUser()
            response = pageshell.render_shared(request, template, {}, key="k", fills={"reference": reference})
            text = response.content.decode()
            assert f"<p>{reference}</p>" in text
            assert bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE")) is has_form
            if has_form:
                token = text.split('value="')[1].split('"')[0]
                assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
    pageshell.PAGES.clear()
