"""Public pages at plain URLs rather than routes of a consultation page: the consultations hub, and the "Send
response" POST, served here so that the busiest request of a consultation skips Wagtail's page routing."""

from __future__ import annotations

from django.http import Http404, HttpResponseRedirect
from django.views.decorators.http import require_http_methods

from ..selectors.consultations import consultation_for_response, hub_page
from . import respond


def hub(request):
    page = hub_page()
    if page is None:
        raise Http404("There is no consultations page")
    return HttpResponseRedirect(page.url)


@require_http_methods(["POST"])
def send_response(request, page_id: int):
    return respond.send(request, consultation_for_response(pk=page_id))
