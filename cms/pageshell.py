"""Pages that are the same for everyone, rendered once and filled in per person (issue 15).

A public journey's question pages, and its confirmation, differ between people only in a few values: the CSRF
token, the Content-Security-Policy nonce, the sealed progress of a multi-step journey, a reference number. The
rest (the NHS.UK header, navigation and footer, the question and its options) is the same for everyone who sees
that page of that publication. `render_shared` renders such a page once, with markers in place of the per-person
values, keeps it in this process's memory, and answers later requests by joining the kept pieces with each
person's values: no template is rendered and no query is made.

What keeps one person's values out of another's page:

- The kept page is rendered with markers, never with anyone's values: the CSRF token and the nonce are markers
  while it renders (the request's own are put back before it returns), and so is every value the caller names in
  `fills`. A fill whose marker does not come out exactly as given (a template that filters or transforms it) makes
  the page uncacheable, and it is rendered for the person as usual.
- Only requests without a signed-in user, a session cookie or a messages cookie use the kept pages: the header of
  a signed-in person shows their name and their own menu, and a pending message is for one person.
- The key is the caller's (which must name everything else the page depends on: the publication, the step, its
  position) with the template, the path, the site and the generation of the site's menus (cms/navigation.py), so
  an editor's change to the menus or the footer is seen at once.

The values are escaped as the template would have escaped them (a SafeString is put in as it is). The kept pages
live in a bounded least-recently-used map per process, each for at most a minute: a deployment (new templates)
starts with none, and a change whose generation bump was lost is seen within the minute.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from cms.generations import LocalMemo
from cms.navigation import menus_stamp

MAX_PAGES = 512
MAX_AGE = 60  # seconds
CSRF = "csrf_token"
NONCE = "csp_nonce"

# Markers are random per process, so no text an editor or a member of the public writes can collide with one.
_MARK = secrets.token_hex(8)


def _marker(name: str) -> str:
    return f"{_MARK}:{name}:{_MARK}"


# The pieces of each kept page (text, then (fill name), then text...): at most a minute each (cms/generations.py).
PAGES = LocalMemo(MAX_PAGES, MAX_AGE)


def shareable(request) -> bool:
    """Whether this request may be answered with a page kept for everyone."""
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get(
        getattr(settings, "MESSAGE_COOKIE_NAME", "messages")
    ):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _split(html: str, names: list[str]) -> tuple | None:
    """The page cut at its markers: ("text", ("name",), "text", ...); None when a marker is missing or another
    value than the markers could have been kept."""
    pieces: list = [html]
    for name in names:
        marker = _marker(name)
        if name not in (CSRF, NONCE) and marker not in html:
            return None
        cut: list = []
        for piece in pieces:
            if not isinstance(piece, str):
                cut.append(piece)
                continue
            parts = piece.split(marker)
            for index, part in enumerate(parts):
                if index:
                    cut.append((name,))
                cut.append(part)
        pieces = cut
    if any(isinstance(piece, str) and _MARK in piece for piece in pieces):
        return None  # a marker changed by a filter: its value would be missing
    return tuple(pieces)


def _render_marked(request, template: str, context: dict, names: list[str]) -> str:
    marked = {name: mark_safe(_marker(name)) for name in names if name not in (CSRF, NONCE)}  # noqa: S308  # nosec B308, B703  # our own markers
    marked[CSRF] = _marker(CSRF)
    had_nonce = "csp_nonce" in request.__dict__
    nonce = request.__dict__.get("csp_nonce")
    request.csp_nonce = _marker(NONCE)
    try:
        return render_to_string(template, {**context, **marked}, request=request)
    finally:
        if had_nonce:
            request.csp_nonce = nonce
        else:
            del request.csp_nonce


def render_shared(
    request,
    template: str,
    context: dict,
    *,
    key: tuple | str,
    fills: Mapping[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """`template` rendered with `context` and `fills` for this request, from the page kept under `key` when there
    is one. `context` must be the same for everyone under `key`; `fills` are the per-person values (plain text,
    escaped; or SafeString, put in as it is), never empty: the kept page is rendered with a marker for each, which a
    template's `{% if %}` takes as given."""
    fills = dict(fills or {})
    if not shareable(request):
        return HttpResponse(render_to_string(template, {**context, **fills}, request=request), status=status)
    full_key = (template, key, request.path, menus_stamp(request))
    pieces = PAGES.get(full_key)
    if pieces is None:
        names = [*fills, CSRF, NONCE]
        pieces = _split(_render_marked(request, template, context, names), names)
        if pieces is None:  # not cacheable: rendered for the person
            return HttpResponse(
                render_to_string(template, {**context, **fills}, request=request), status=status
            )
        PAGES.put(full_key, pieces)
    values = {name: conditional_escape(value) for name, value in fills.items()}
    # The token only where the page has a form: get_token() marks the request as needing the CSRF cookie, which a
    # page rendered for the person sets only when its template asks for the token.
    if (CSRF,) in pieces:
        values[CSRF] = conditional_escape(get_token(request))
    values[NONCE] = conditional_escape(str(request.csp_nonce)) if hasattr(request, "csp_nonce") else ""
    return HttpResponse(
        "".join(piece if isinstance(piece, str) else values[piece[0]] for piece in pieces), status=status
    )
