"""Joint arrangements: the list, setting one up or changing it, its page with the signed agreements, and the
joint-role agreement as a web page or PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cms.audit import audit
from cms.forms import apply_service_errors
from cms.reports import pdf_response

from ..filters import JointArrangementFilter
from ..forms import AgreementDocumentForm, JointArrangementForm, PartnerFormSet, partner_initial
from ..models import JointArrangement
from ..reports import JointAgreementReport
from ..selectors.arrangements import (
    agreement_document_get,
    joint_arrangement_can_change,
    joint_arrangement_detail,
    joint_arrangement_get_for_user,
    joint_arrangement_post_choices,
    joint_arrangements_visible_to,
)
from ..services.arrangements import (
    agreement_document_add,
    joint_arrangement_create,
    joint_arrangement_update,
)
from ..tables import JointArrangementTable
from .base import HOME, HRTableView, hr_required, report_page


class JointArrangementListView(HRTableView):
    table_class = JointArrangementTable

    filterset_class = JointArrangementFilter
    export_name = "joint-arrangements"
    page_title = "Joint arrangements"
    page_intro = "Joint roles your organisations are a partner in."
    template_name = "workforce/arrangement_list.html"

    def get_base_queryset(self):
        return joint_arrangements_visible_to(user=self.request.user)


def _arrangement_form_page(request, *, arrangement: JointArrangement | None):
    posts = joint_arrangement_post_choices(user=request.user, arrangement=arrangement)
    if request.method == "POST":
        form = JointArrangementForm(request.POST, posts=posts)
        formset = PartnerFormSet(request.POST, prefix="partners")
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok and formset_ok:
            data = dict(form.cleaned_data)
            try:
                if arrangement is None:
                    arrangement = joint_arrangement_create(
                        actor=request.user, data=data, partners=formset.partners()
                    )
                    messages.success(request, f"Joint arrangement '{arrangement.title}' set up")
                else:
                    joint_arrangement_update(
                        arrangement=arrangement, actor=request.user, data=data, partners=formset.partners()
                    )
                    messages.success(request, "Joint arrangement updated")
                return redirect("workforce:arrangement_detail", pk=arrangement.pk)
            except ValidationError as exc:
                apply_service_errors(form, exc, formset=formset, aliases={"post": "post_reference"})
    else:
        initial = JointArrangementForm.initial_for(arrangement) if arrangement else {}
        form = JointArrangementForm(initial=initial, posts=posts)
        formset = PartnerFormSet(initial=partner_initial(arrangement), prefix="partners")
    title = "Change joint arrangement" if arrangement else "Set up a joint arrangement"
    crumbs = [("Home", "/"), HOME, ("Joint arrangements", reverse("workforce:arrangement_list"))]
    if arrangement:
        crumbs.append((arrangement.title, reverse("workforce:arrangement_detail", args=[arrangement.pk])))
    return render(
        request,
        "workforce/arrangement_form.html",
        {
            "form": form,
            "formset": formset,
            "title": title,
            "arrangement": arrangement,
            "breadcrumbs": crumbs + [(title, "")],
        },
        status=400 if request.method == "POST" else 200,
    )


@hr_required
@require_http_methods(["GET", "POST"])
def arrangement_create(request):
    return _arrangement_form_page(request, arrangement=None)


@hr_required
@require_http_methods(["GET", "POST"])
def arrangement_edit(request, pk):
    arrangement = joint_arrangement_get_for_user(user=request.user, pk=pk, request=request)
    if not joint_arrangement_can_change(user=request.user, arrangement=arrangement):
        raise PermissionDenied
    return _arrangement_form_page(request, arrangement=arrangement)


@hr_required
@require_http_methods(["GET", "POST"])
def arrangement_detail(request, pk):
    arrangement = joint_arrangement_get_for_user(user=request.user, pk=pk, request=request)
    can_change = joint_arrangement_can_change(user=request.user, arrangement=arrangement)
    document_form = AgreementDocumentForm()
    status = 200
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        document_form = AgreementDocumentForm(request.POST, request.FILES)
        if document_form.is_valid():
            try:
                agreement_document_add(
                    arrangement=arrangement,
                    actor=request.user,
                    kind=document_form.cleaned_data["kind"],
                    title=document_form.cleaned_data["title"],
                    upload=document_form.cleaned_data["file"],
                )
                messages.success(request, "Agreement document added")
                return redirect("workforce:arrangement_detail", pk=arrangement.pk)
            except ValidationError as exc:
                apply_service_errors(document_form, exc)
        status = 400
    detail = joint_arrangement_detail(arrangement=arrangement)
    return render(
        request,
        "workforce/arrangement_detail.html",
        {
            "arrangement": arrangement,
            "partners": detail.partners,
            "documents": detail.documents,
            "holders": detail.holders,
            "history": detail.history,
            "can_change": can_change,
            "document_form": document_form,
            "breadcrumbs": [
                ("Home", "/"),
                HOME,
                ("Joint arrangements", reverse("workforce:arrangement_list")),
                (arrangement.title, ""),
            ],
        },
        status=status,
    )


@hr_required
def agreement_document_download(request, pk, document_pk):
    arrangement = joint_arrangement_get_for_user(user=request.user, pk=pk, request=request)
    document = agreement_document_get(arrangement=arrangement, pk=document_pk)
    audit(
        action="workforce.agreement_document.downloaded",
        request=request,
        obj=document,
        summary=document.title,
    )
    extension = document.file.name.rsplit(".", 1)[-1]
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"agreement-{document.pk}.{extension}",
        content_type=document.content_type,
    )


@hr_required
def arrangement_agreement(request, pk):
    """The joint-role agreement as a web page, or as a PDF with ?format=pdf."""
    arrangement = joint_arrangement_get_for_user(user=request.user, pk=pk, request=request)
    report = JointAgreementReport(arrangement=arrangement)
    if request.GET.get("format") == "pdf":
        audit(
            action="workforce.agreement.downloaded",
            request=request,
            obj=arrangement,
            summary=report.get_title(),
        )
        return pdf_response(report)
    return report_page(
        request,
        report,
        pdf_url="?format=pdf",
        crumbs=[
            ("Joint arrangements", reverse("workforce:arrangement_list")),
            (arrangement.title, reverse("workforce:arrangement_detail", args=[arrangement.pk])),
        ],
    )
