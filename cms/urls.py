from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views
from cms.accounts.views import AuditLogView
from covenant.api import api

handler500 = "cms.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # One way in: the CMS's own sign-in page would skip two-factor and the sign-in throttles.
    path("admin/login/", RedirectView.as_view(url="/account/sign-in/", query_string=True)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("account/", include("cms.accounts.urls")),
    path("audit/", AuditLogView.as_view(), name="audit_log"),
    path("records/", include("cms.records.urls")),
    path("workforce/", include("workforce.urls")),
    path("incidents/", include("covenant.incidents.urls")),
    path("consultation/", include("covenant.consultation.urls")),
    path("covenant/", include("covenant.signatories.urls")),
    # The read-only public API (docs/api.md); PublicApiMiddleware adds CORS and answers other methods.
    path("api/v1/", RedirectView.as_view(url="/api/v1/docs")),
    path("api/v1/", api.urls),
    re_path(r"^api/", views.api_not_found),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    # Uploads from Django itself in development, debug on or off (django.conf.urls.static gives nothing with
    # debug off); in production the web server serves MEDIA_ROOT.
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}
        )
    ]

# Wagtail's page serving catches everything else, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
