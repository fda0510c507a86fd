"""Absolute links to this site built outside a request, for e-mails above all: they start with SITE_URL, the
address the site is served at (`make run` sets it from HOST and PORT; production sets it to the public address).
Inside a request, `request.build_absolute_uri` is right already."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """SITE_URL followed by a path from `reverse()` or a page's URL, e.g. "/account/password-reset/"."""
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")
