from csp.constants import HEADER, NONE, SELF
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings


class PermissionsPolicyMiddleware:
    """Sends a Permissions-Policy header turning off browser features the site never uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
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
