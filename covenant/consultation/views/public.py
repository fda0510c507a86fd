"""Public pages at plain URLs rather than routes of a consultation page: the consultations hub, and the response
journey (views/journey.py), served here so that no step of it walks Wagtail's page tree."""

from __future__ import annotations

from django.http import Http404, HttpResponseRedirect
from django.views.decorators.http import require_http_methods

from ..selectors.consultations import hub_page
from ..selectors.drafts import draft_progress
from ..selectors.live import consultation_live
from ..throttles import resume_attempt
from ..vocabulary import Lifecycle
from . import drafts
from .journey import ResponseJourney
from .routes import not_open, render_page


def hub(request):
    page = hub_page()
    if page is None:
        raise Http404("There is no consultations page")
    return HttpResponseRedirect(page.url)


@require_http_methods(["GET", "POST"])
def respond(request, page_id: int):
    """Every page of the journey: GET starts a response, each POST answers the page its payload says is shown."""
    return ResponseJourney(request, consultation_live(pk=page_id)).handle()


@require_http_methods(["POST"])
def send_response(request, page_id: int):
    """The "Send response" POST at the address earlier releases posted it to: the same journey."""
    return respond(request, page_id)


@require_http_methods(["GET"])
def resume(request, page_id: int, token: str):
    """A "save and come back later" link: the journey again, from the draft, at the page where it was saved."""
    page = consultation_live(pk=page_id)
    if page.status == Lifecycle.FORTHCOMING:
        return not_open(request, page)
    if not page.is_open:
        return render_page(request, page, "respond_resume_expired.html", {}, status=410)
    attempt = resume_attempt(request)
    if attempt.refused:
        return render_page(request, page, "respond_resume_throttled.html", {}, status=429)
    saved = draft_progress(consultation=page, token=token)
    if saved is None:
        return render_page(request, page, "respond_resume_unknown.html", {}, status=404)
    attempt.give_back()
    return drafts.resumed(ResponseJourney(request, page), saved, token)
