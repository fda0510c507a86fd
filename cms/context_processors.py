from django.conf import settings
from django.urls import NoReverseMatch, reverse

from cms.navigation import site_menus

# (label, url name, permission that shows it; None for everyone). Items whose URL is not installed are skipped.
NAV_ITEMS = (
    ("Consultations", "consultation:hub", None),
    ("Report abuse", "incidents:report_start", None),
    ("Signatories", "signatories:list", None),
    # HR administrators and analysts (who see the reports only) both have the reports permission.
    ("Workforce", "workforce:home", "workforce.view_workforce_reports"),
    # Platform administrators and each organisation's administrators.
    ("Organisations", "workforce:organisation_list", "workforce.manage_accounts"),
    ("Cases", "incidents:case_list", "incidents.view_cases"),
    ("Identity requests", "incidents:disclosure_list", "incidents.decide_identity_disclosure"),
    ("Figures", "incidents:statistics", "incidents.view_incident_statistics"),
    ("Moderation", "consultation:moderation_queue", "consultation.moderate_response"),
    ("Analysis", "consultation:analysis", "consultation.analyse_response"),
    ("Safeguarding", "consultation:safeguarding_queue", "consultation.handle_safeguarding"),
    ("Covenant requests", "signatories:review_list", "signatories.approve_signature"),
    ("Audit", "audit_log", "accounts.view_audit_log"),
    ("Records", "records:schedule", "records.manage_records"),
    ("CMS", "wagtailadmin_home", "wagtailadmin.access_admin"),
)


def _nav_items(request):
    user = getattr(request, "user", None)
    items = []
    for label, url_name, permission in NAV_ITEMS:
        if permission is not None and (user is None or not user.has_perm(permission)):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": request.path.startswith(url) and url != "/"})
    return items


def _mark_active(request, links):
    return [{**link, "active": request.path.startswith(link["url"]) and link["url"] != "/"} for link in links]


def service(request):
    """The header and footer of every page: the service's links the user may use, then the pages editors put in
    the menus and the links they added (cms.navigation, cached per site)."""
    menus = site_menus(request)
    return {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.SERVICE_PHASE,
        "nav_items": _nav_items(request) + _mark_active(request, menus["pages"] + menus["links"]),
        "footer_links": menus["footer_links"],
        "footer_copyright": menus["footer_copyright"],
    }
