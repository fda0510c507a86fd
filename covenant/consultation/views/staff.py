"""What the staff screens share: reading a record's id from a POST body, and the page for a request that makes
no sense (an unknown action, a form from a page that has changed)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render


def posted_id(request, name: str) -> int:
    """An id from the POST body; anything but a whole number is a 404, never a 500."""
    try:
        return int(request.POST.get(name, ""))
    except ValueError as exc:
        raise Http404("No such record") from exc


def bad_request(request, message: str):
    return render(request, "consultation/staff/bad_request.html", {"message": message}, status=400)
