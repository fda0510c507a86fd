"""What the HR screens share: who may open them, the table base view, the breadcrumb home and report pages."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from cms.access import permission_required
from cms.audit import audit
from cms.tables import FilteredTableView

from ..roles import VIEW_WORKFORCE_REPORTS
from ..selectors.access import hr_organisation_ids

HOME = ("Workforce", "/workforce/")


def _check_hr(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not hr_organisation_ids(user=request.user):
        raise PermissionDenied
    return None


def hr_required(view):
    """HR administrators of at least one organisation; the selectors then scope what they see."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return _check_hr(request) or view(request, *args, **kwargs)

    return wrapper


# Analysts and HR administrators: aggregate reports only.
reports_required = permission_required(VIEW_WORKFORCE_REPORTS)


class HRTableView(FilteredTableView):
    def dispatch(self, request, *args, **kwargs):
        return _check_hr(request) or super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [("Home", "/"), HOME, (self.page_title, "")]
        return context

    def on_export(self, *, export_format, row_count):
        audit(
            action="workforce.exported",
            request=self.request,
            object_type=self.export_name,
            summary=f"Exported {self.export_name} as {export_format.upper()}",
            detail={"filters": {k: v for k, v in self.request.GET.items() if k != self.export_trigger_param}},
        )


def report_page(request, report, *, pdf_url, crumbs=(), extra=None):
    """A report as a web page: the same template as its PDF, with the page's breadcrumbs and a PDF link."""
    context = report._context(for_pdf=False)
    context.update(
        pdf_url=pdf_url,
        breadcrumbs=[("Home", "/"), HOME, *crumbs, (report.get_title(), "")],
        **(extra or {}),
    )
    return render(request, report.template_name, context)
