"""Building blocks of the read-only public API (docs/api.md): opaque cursors, pages, published figures, errors,
the rate limit and the server-side cache of expensive aggregates. The apps' routers use them; `covenant/api.py`
mounts the routers on the one `NinjaAPI`.

Cursors are signed (`django.core.signing`), so a client cannot forge one to step outside the listing's ordering;
a forged or damaged cursor is a 400 with a message, never a 500.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any, Literal

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited
from ninja import Field, Schema
from ninja.openapi.docs import Swagger
from ninja.throttling import BaseThrottle

from cms import disclosure

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_CURSOR_SALT = "cms.api.cursor"


class ApiError(Exception):
    """A request the API refuses, with the status and the message the client sees."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


class ErrorOut(Schema):
    message: str = Field(description="What was wrong with the request, in plain words")


# --- cursors and pages ----------------------------------------------------------------------------------------


def cursor_encode(*, listing: str, after: int) -> str:
    """An opaque cursor: the last id of a page, signed for one listing."""
    return signing.dumps({"l": listing, "a": after}, salt=_CURSOR_SALT)


def cursor_decode(cursor: str | None, *, listing: str) -> int:
    """The id a page starts after (0 for the first page); ApiError for anything but a cursor this listing gave."""
    if not cursor:
        return 0
    try:
        data = signing.loads(cursor, salt=_CURSOR_SALT)
    except signing.BadSignature as exc:
        raise ApiError(
            "The cursor is not valid: use the next_cursor of the previous page, unchanged"
        ) from exc
    if not isinstance(data, dict) or data.get("l") != listing or not isinstance(data.get("a"), int):
        raise ApiError("The cursor belongs to another listing: use the next_cursor this listing gave")
    return data["a"]


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(f"limit must be from 1 to {MAX_LIMIT}")
    return limit


def cursor_page(
    queryset: QuerySet, *, listing: str, cursor: str | None, limit: int
) -> tuple[list, str | None]:
    """One page of `queryset` in order of id after the cursor, and the cursor of the next page (None at the end).

    Keyset pagination: a page costs the same at the end of a long listing as at its start, and a row added while
    a client pages through never shifts the rows it has not yet read."""
    after = cursor_decode(cursor, listing=listing)
    rows = list(queryset.filter(pk__gt=after).order_by("pk")[: check_limit(limit) + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, cursor_encode(listing=listing, after=rows[-1].pk) if more else None


class PageQuery(Schema):
    """The query of every listing: an opaque cursor from the previous page and the page size."""

    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


# The errors every endpoint may answer with, each a JSON `{"message": ...}`.
ERRORS = {400: ErrorOut, 404: ErrorOut, 429: ErrorOut}


class PageMeta(Schema):
    limit: int = Field(description=f"Items asked for (at most {MAX_LIMIT})")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


# --- published figures ----------------------------------------------------------------------------------------

FigureStatus = Literal["shown", "suppressed", "not_shown", "not_applicable", "no_data"]


class FigureOut(Schema):
    """A published figure after disclosure control (cms/disclosure.py)."""

    value: int | float | None = Field(description="The number, or null when it is not published")
    display: str = Field(description='As the public pages show it: "12", "45%", "[c]", "no data"')
    status: FigureStatus = Field(
        description="shown; suppressed ([c]: a small count, or one hidden so a small count cannot be worked out); "
        "not_shown (built on too few records); not_applicable; no_data"
    )


def figure(value: object) -> dict[str, Any]:
    """A value from cms/disclosure.py (a number, `Suppressed`, `NotShown`, a share such as "45%", "–" or "no
    data") as a `FigureOut`. Never unwraps a hidden figure: `Suppressed` carries no number."""
    if isinstance(value, disclosure.Suppressed):
        return {"value": None, "display": disclosure.MARKER, "status": "suppressed"}
    if isinstance(value, disclosure.NotShown):
        return {"value": None, "display": disclosure.NOT_SHOWN_TEXT, "status": "not_shown"}
    if disclosure.is_published_number(value):
        display = f"{value:,}" if isinstance(value, int) else f"{value:g}"
        return {"value": value, "display": display, "status": "shown"}
    text = str(value)
    if text == disclosure.NOT_APPLICABLE:
        return {"value": None, "display": text, "status": "not_applicable"}
    if text.endswith("%"):
        try:
            return {"value": float(text[:-1]), "display": text, "status": "shown"}
        except ValueError:
            pass
    return {"value": None, "display": text, "status": "no_data"}


def cached(key: str, build: Callable[[], Any], *, timeout: int | None = None) -> Any:
    """An expensive aggregate, built once per key and kept in the shared cache (Redis in production)."""
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, settings.API_AGGREGATE_CACHE_SECONDS if timeout is None else timeout)
    return value


def date_key(day: datetime.date | None = None) -> str:
    return (day or datetime.date.today()).isoformat()


# --- rate limit and documentation -----------------------------------------------------------------------------


class ApiRateThrottle(BaseThrottle):
    """`API_RATE` requests per client address, counted in the shared cache by django-ratelimit (the same client
    address and counters as the site's other limits). Over the limit, the API answers 429 with a message."""

    def allow_request(self, request) -> bool:
        return not is_ratelimited(
            request, group="public-api", key="ip", rate=settings.API_RATE, method=ALL, increment=True
        )

    def wait(self) -> float | None:
        count, _, period = settings.API_RATE.partition("/")
        return {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(period[-1:], 60)


class LocalSwagger(Swagger):
    """Swagger UI from the files django-ninja ships (static/ninja/), never a CDN: the site's Content Security
    Policy allows scripts and styles from itself only, and some deployments have no internet. Rendered without
    the request's context processors, so the page reads no session and sets no cookie."""

    template = "ninja/swagger.html"

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = reverse(f"{api.urls_namespace}:openapi-json", kwargs=kwargs)
        html = render_to_string(
            self.template,
            {"swagger_settings": json.dumps(self.settings, indent=1), "api": api, "add_csrf": False},
        )
        return HttpResponse(html)
