from django.conf import settings


class PermissionsPolicyMiddleware:
    """Sends a Permissions-Policy header turning off browser features the site never uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, answer at once with the styled 503 page (never a 500).

    The page is rendered without context processors, since they may need the database too. The transaction
    of the failed request is rolled back by Django, so nothing half-written remains.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        import logging

        from cms.views import service_unavailable

        logging.getLogger(__name__).error(
            "Database unavailable: %s: %s", exception.__class__.__name__, exception
        )
        response = service_unavailable(request)
        response["Retry-After"] = "30"
        return response
