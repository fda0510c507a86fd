import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@csrf_exempt
@require_GET
def healthz(request):
    """Liveness and readiness for the load balancer: 200 when the database answers, 503 with a reason if not."""
    checks = {}
    status = 200
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError as exc:
        logger.warning("Health check: database unavailable: %s", exc.__class__.__name__)
        checks["database"] = "unavailable"
        status = 503
    body = {"status": "ok" if status == 200 else "unavailable", "checks": checks}
    if status != 200:
        body["reason"] = "The database is not answering."
    return JsonResponse(body, status=status)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", {"breadcrumbs": []}, status=403)


def rate_limited(request, exception=None):
    return render(request, "429.html", {"breadcrumbs": []}, status=429)


def server_error(request):
    """handler500. A lost database connection, wherever it surfaced (view, middleware, template rendering),
    is answered with the styled 503 page and Retry-After; anything else with the 500 page. Neither uses
    context processors: the error may come from the database or from them."""
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        logger.error("Database unavailable: %s: %s", exception.__class__.__name__, exception)
        response = _standalone(request, "503.html", 503)
        response["Retry-After"] = "30"
        return response
    return _standalone(request, "500.html", 500)


def _standalone(request, template_name, status):
    # The error may surface after the CSP middleware has written its header (a session save failing on the way
    # out): the nonce is then unavailable, and the page carries an empty one rather than failing again.
    try:
        str(request.csp_nonce)
    except Exception:  # noqa: BLE001 - CSPNonceError, or no CSP middleware on this request
        request.csp_nonce = ""
    template = loader.get_template(template_name)
    return HttpResponse(template.render({"request": request}), status=status)


def api_not_found(request, *args, **kwargs):
    """Any other path under /api/: a JSON 404 like the API's own, not the site's page (which would read the
    session to render its header)."""
    return JsonResponse(
        {"message": "No such endpoint: the API's documentation is at /api/v1/docs"}, status=404
    )
