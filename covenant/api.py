"""The read-only public API, version 1, at /api/v1/ (docs/api.md, docs/adr/0005-public-api-with-django-ninja.md).

One `NinjaAPI` mounts the apps' routers. No authentication: everything it serves is already public on the site.
Every error is JSON with a `message` and a 4xx status; the OpenAPI description is at /api/v1/openapi.json and
its interactive documentation, from local files, at /api/v1/docs.
"""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import HttpError, Throttled, ValidationError

from cms.api import ApiError, ApiRateThrottle, LocalSwagger

from .consultation.api import router as consultation_router
from .signatories.api import router as signatories_router

api = NinjaAPI(
    title="NHS Covenant public API",
    version="1",
    description=(
        "Read-only open data: consultations, their questions, published responses (redacted, approved and "
        "published with consent only) and themes with counts; the organisations that signed the Covenant and "
        "their pledges; the annual Covenant report's figures after disclosure control. Lists are paginated "
        "with opaque cursors. See /api/v1/docs and docs/api.md."
    ),
    urls_namespace="api-v1",
    docs=LocalSwagger(settings={"defaultModelsExpandDepth": 0}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    throttle=[ApiRateThrottle()],
)
api.add_router("/consultations", consultation_router)
api.add_router("/covenant", signatories_router)


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return api.create_response(request, {"message": exc.message}, status=exc.status)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    problems = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "request"
        problems.append(f"{where}: {error.get('msg', 'not valid')}")
    return api.create_response(
        request, {"message": "; ".join(problems) or "The request is not valid"}, status=400
    )


@api.exception_handler(Http404)
def _not_found(request, exc: Http404):
    return api.create_response(request, {"message": str(exc) or "Not found"}, status=404)


@api.exception_handler(Throttled)
def _throttled(request, exc: Throttled):
    response = api.create_response(
        request, {"message": "Too many requests from your address: wait a little and try again"}, status=429
    )
    if exc.wait:
        response["Retry-After"] = str(int(exc.wait))
    return response


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return api.create_response(request, {"message": str(exc)}, status=exc.status_code)
