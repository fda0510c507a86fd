"""The consultation page's routes into the response journey, kept so that earlier links keep working: the journey
itself is served at plain URLs (views/public.py, views/journey.py), so its steps never walk the page tree.
This module must not import the page module (models/pages.py imports it for its routes)."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.urls import reverse


def respond_start(request, page):
    return HttpResponseRedirect(reverse("consultation:respond", args=[page.pk]))


def resume(request, page, token: str):
    """A link e-mailed by an earlier release, under the page's address."""
    return HttpResponseRedirect(reverse("consultation:resume", args=[page.pk, token]))
