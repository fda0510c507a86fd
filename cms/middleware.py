from csp.constants import HEADER, NONE, SELF
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpResponse, JsonResponse

from cms.secret_links import has_secret


class PermissionsPolicyMiddleware:
    """Sends a Permissions-Policy header turning off browser features the site never uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class SecretLinkReferrerMiddleware:
    """Pages opened by a link with a secret in its path (a resume, password-reset or invitation link,
    `cms/secret_links.py`) send `Referrer-Policy: origin`, so the browser never sends the link, token and
    all, as the Referer of the next request (to this site's logs, or to another site the page links to): only the
    site's address. Not `no-referrer`: with it Chromium sends `Origin: null` on the page's own form, and Django's
    CSRF check refuses the form (accepting an invitation, setting a password). Inside SecurityMiddleware, which
    sets the site-wide policy only where none is set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if has_secret(request.path):
            response.headers["Referrer-Policy"] = "origin"
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the Wagtail admin's own policy on the admin's URLs.

    Wagtail's admin templates still carry inline scripts (rendered by widgets, out of a nonce's reach) and
    style attributes, so the admin gets CONTENT_SECURITY_POLICY_ADMIN rather than no policy at all. Its
    frame-ancestors follow X-Frame-Options: the editor's live preview (SAMEORIGIN) may be framed by the admin,
    every other admin page by nothing.
    """

    def process_response(self, request, response):
        admin = settings.CONTENT_SECURITY_POLICY_ADMIN
        if not request.path_info.startswith(tuple(admin["URL_PREFIXES"])) or getattr(
            response, "_csp_exempt", False
        ):
            return super().process_response(request, response)
        framed_by_self = response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"
        directives = {**admin["DIRECTIVES"], "frame-ancestors": [SELF if framed_by_self else NONE]}
        # Replaces any policy set while rendering, such as the site's own policy on a page preview.
        response[HEADER] = build_policy(config=directives)
        return response


API_PREFIX = "/api/"
API_READ_METHODS = ("GET", "HEAD", "OPTIONS")


class PublicApiMiddleware:
    """The public API's HTTP manners (docs/api.md), for every response under /api/, errors and 429s included.

    - CORS open for reading: any origin may GET, never with credentials; a preflight (OPTIONS) is answered here
      with the read methods only.
    - Read-only: any other method is a JSON 405 naming the allowed methods.
    - HEAD is answered as GET without the body.
    - Cache-Control: successful reads may be cached by anyone for API_MAX_AGE seconds; errors are not stored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ", ".join(API_READ_METHODS)
            response["Access-Control-Allow-Headers"] = "Accept, Accept-Language, If-None-Match"
            response["Access-Control-Max-Age"] = "86400"
            response["Allow"] = ", ".join(API_READ_METHODS)
            return self._cors(response)
        if request.method not in API_READ_METHODS:
            response = JsonResponse({"message": "This API is read-only: use GET"}, status=405)
            response["Allow"] = ", ".join(API_READ_METHODS)
            return self._cors(response)
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        response = self.get_response(request)
        if head:
            response.content = b""
        if "Cache-Control" not in response:
            response["Cache-Control"] = (
                f"public, max-age={settings.API_MAX_AGE}" if response.status_code == 200 else "no-store"
            )
        return self._cors(response)

    @staticmethod
    def _cors(response):
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "Retry-After"
        return response
