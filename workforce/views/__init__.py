"""HR screens. Views are thin: a form parses input, a service writes, a selector reads and checks access.

Anonymous visitors are sent to sign in; signed-in users without the HR role (or, for reports, the analyst or
HR role) get 403. Record views are scoped by the selectors to the user's own organisations.
"""

from __future__ import annotations

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from cms.audit import audit
from cms.reports import pdf_response
from cms.tables import FilteredTableView

from . import selectors, services
from .filters import JointArrangementFilter, PersonFilter, PostFilter, SectorMoveFilter
from .forms import (
    AcceptanceRuleForm,
    AgreementDocumentForm,
    AsAtForm,
    CredentialStatusForm,
    ImportForm,
    JointArrangementForm,
    MoveRecordForm,
    PartnerFormSet,
    QuarterForm,
    ReportingLinesForm,
    apply_service_errors,
    partner_initial,
)
from .imports import COLUMNS, workforce_import
from .models import (
    AcceptanceRule,
    AgreementDocument,
    Employment,
    JointArrangement,
    Organisation,
    Person,
    Post,
)
from .reports import HeadcountReport, JointAgreementReport, SectorFlowReport
from .selectors import organisations_for_user
from .tables import JointArrangementTable, PersonTable, PostTable, SectorMoveTable
from .vocabulary import MoveType

HOME = ("Workforce", "/workforce/")


def _check_hr(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not selectors.hr_organisation_ids(user=request.user):
        raise PermissionDenied
    return None


def hr_required(view):
    """HR administrators of at least one organisation; the selectors then scope what they see."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return _check_hr(request) or view(request, *args, **kwargs)

    return wrapper


def reports_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not selectors.can_view_reports(user=request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


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


# --- landing page -------------------------------------------------------------------------------------------------


def home(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # Analysts land here too, and see only the aggregate reports.
    if not (
        request.user.has_perm("workforce.view_workforce") or selectors.can_view_reports(user=request.user)
    ):
        raise PermissionDenied
    organisations = organisations_for_user(user=request.user, role="hr_admin")
    org_ids = selectors.hr_organisation_ids(user=request.user)
    waiting = selectors.moves_visible_to(user=request.user).filter(
        status="recorded", to_organisation_id__in=org_ids
    )
    return render(
        request,
        "workforce/home.html",
        {
            "organisations": organisations,
            "moves_to_confirm": waiting.count(),
            "can_view_reports": selectors.can_view_reports(user=request.user),
            "breadcrumbs": [("Home", "/"), ("Workforce", "")],
        },
    )


# --- tables -------------------------------------------------------------------------------------------------------


class PersonListView(HRTableView):
    table_class = PersonTable

    filterset_class = PersonFilter
    export_name = "people"
    page_title = "People"
    page_intro = "Everyone employed by or working at your organisations, with the post they hold today."

    def get_base_queryset(self):
        # The selector does the name search (PersonFilter's `q` only shows it): it builds the query around it.
        return selectors.people_for_table(user=self.request.user, name_search=self.request.GET.get("q", ""))


class PostListView(HRTableView):
    table_class = PostTable

    filterset_class = PostFilter
    export_name = "posts"
    page_title = "Posts"
    page_intro = "Posts at your organisations, with the national staff group, job role and pay band."

    def get_base_queryset(self):
        return selectors.posts_visible_to(user=self.request.user)


class JointArrangementListView(HRTableView):
    table_class = JointArrangementTable

    filterset_class = JointArrangementFilter
    export_name = "joint-arrangements"
    page_title = "Joint arrangements"
    page_intro = "Joint roles your organisations are a partner in."
    template_name = "workforce/arrangement_list.html"

    def get_base_queryset(self):
        return selectors.joint_arrangements_visible_to(user=self.request.user)


class SectorMoveListView(HRTableView):
    table_class = SectorMoveTable

    filterset_class = SectorMoveFilter
    export_name = "moves"
    page_title = "Moves"
    page_intro = "Moves out of and into your organisations, with both ends recorded."

    def get_base_queryset(self):
        return selectors.moves_visible_to(user=self.request.user)


# --- people and posts ---------------------------------------------------------------------------------------------


@hr_required
@require_http_methods(["GET", "POST"])
def person_detail(request, pk):
    person = selectors.person_get_for_user(user=request.user, pk=pk, request=request)
    # Only the organisation that issued a credential may revoke, reject or reinstate it.
    own_credentials = person.credentials.filter(
        issued_by_id__in=selectors.hr_organisation_ids(user=request.user)
    )
    status_form = CredentialStatusForm(request.POST or None, credentials=own_credentials)
    status = 200
    if request.method == "POST":
        if status_form.is_valid():
            try:
                services.passport_credential_set_status(
                    credential=status_form.cleaned_data["credential"],
                    actor=request.user,
                    status=status_form.cleaned_data["status"],
                    reason=status_form.cleaned_data["status_reason"],
                )
            except ValidationError as exc:
                apply_service_errors(status_form, exc)
            else:
                messages.success(request, "Credential status changed")
                return redirect("workforce:person_detail", pk=person.pk)
        status = 400
    else:
        audit(
            action="workforce.person.viewed",
            request=request,
            obj=person,
            summary=f"Viewed person {person.pk}",
        )
    today = timezone.localdate()
    reporting_lines = list(
        Employment.objects.open_on(today)
        .filter(person=person)
        .select_related("employer", "line_manager")
        .order_by("start_date", "pk")
    )
    report_lines = list(
        Employment.objects.open_on(today).filter(line_manager=person).values_list("person_id", "employer_id")
    )
    direct_reports = list(Person.objects.filter(pk__in={person_id for person_id, _ in report_lines}))
    related_ids = {e.line_manager_id for e in reporting_lines if e.line_manager_id} | {
        p.pk for p in direct_reports
    }
    # Managers and reports are linked only where this user may open their page.
    linkable = set(
        selectors.people_visible_to(user=request.user).filter(pk__in=related_ids).values_list("pk", flat=True)
    )
    hr_ids = set(selectors.hr_organisation_ids(user=request.user))
    # Names of managers and reports only where this user may see them, or the reporting line is their own
    # organisation's record; the others are mentioned, never named.
    named_managers = {
        e.pk for e in reporting_lines if e.line_manager_id in linkable or e.employer_id in hr_ids
    }
    named_reports = linkable | {person_id for person_id, employer_id in report_lines if employer_id in hr_ids}
    return render(
        request,
        "workforce/person_detail.html",
        {
            "person": person,
            "reporting_lines": reporting_lines,
            "direct_reports": [p for p in direct_reports if p.pk in named_reports],
            "other_reports": sum(1 for p in direct_reports if p.pk not in named_reports),
            "named_managers": named_managers,
            "linkable": linkable,
            "can_change_reporting": any(e.employer_id in hr_ids for e in reporting_lines),
            "timeline": selectors.person_timeline(person=person),
            "current": list(services.person_current_assignments(person=person, on_date=today)),
            "credentials": person.credentials.select_related("issued_by"),
            "status_form": status_form if own_credentials.exists() else None,
            "today": today,
            "breadcrumbs": [
                ("Home", "/"),
                HOME,
                ("People", reverse("workforce:person_list")),
                (str(person), ""),
            ],
        },
        status=status,
    )


@hr_required
@require_http_methods(["GET", "POST"])
def person_reporting(request, pk):
    """Work e-mail and line managers. Only HR administrators of a current employer may change them."""
    person = selectors.person_get_for_user(user=request.user, pk=pk, request=request)
    today = timezone.localdate()
    employments = list(services.reporting_employments(person=person, actor=request.user, on_date=today))
    if not employments:
        raise PermissionDenied
    form = ReportingLinesForm(
        request.POST or None,
        initial=ReportingLinesForm.initial_for(person, employments, on_date=today),
        employments=employments,
        people=selectors.people_visible_to(user=request.user),
        organisation_ids=selectors.hr_organisation_ids(user=request.user),
        on_date=today,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.person_reporting_update(
                person=person,
                actor=request.user,
                work_email=form.cleaned_data["work_email"],
                line_managers=form.line_managers(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, "Work e-mail and line management saved" if changed else "Nothing was changed"
            )
            return redirect("workforce:person_detail", pk=person.pk)
    return render(
        request,
        "workforce/person_reporting.html",
        {
            "form": form,
            "person": person,
            "breadcrumbs": [
                ("Home", "/"),
                HOME,
                ("People", reverse("workforce:person_list")),
                (person.full_name, reverse("workforce:person_detail", args=[person.pk])),
                ("Work e-mail and line management", ""),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@hr_required
def post_detail(request, pk):
    post = selectors.post_get_for_user(user=request.user, pk=pk, request=request)
    assignments = post.assignments.select_related("person", "work_organisation").order_by("-start_date")[:50]
    return render(
        request,
        "workforce/post_detail.html",
        {
            "post": post,
            "assignments": assignments,
            "history": selectors.history_rows(obj=post),
            "breadcrumbs": [("Home", "/"), HOME, ("Posts", reverse("workforce:post_list")), (post.title, "")],
        },
    )


# --- joint arrangements -------------------------------------------------------------------------------------------


def _arrangement_posts(user):
    return (
        selectors.posts_visible_to(user=user).exclude(status="closed").order_by("organisation__name", "title")
    )


def _arrangement_form_page(request, *, arrangement: JointArrangement | None):
    posts = _arrangement_posts(request.user)
    if arrangement is not None:
        posts = posts | Post.objects.filter(pk=arrangement.post_id)
    if request.method == "POST":
        form = JointArrangementForm(request.POST, posts=posts)
        formset = PartnerFormSet(request.POST, prefix="partners")
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok and formset_ok:
            data = dict(form.cleaned_data)
            try:
                if arrangement is None:
                    arrangement = services.joint_arrangement_create(
                        actor=request.user, data=data, partners=formset.partners()
                    )
                    messages.success(request, f"Joint arrangement '{arrangement.title}' set up")
                else:
                    services.joint_arrangement_update(
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
    arrangement = selectors.joint_arrangement_get_for_user(user=request.user, pk=pk, request=request)
    if not selectors.joint_arrangement_can_change(user=request.user, arrangement=arrangement):
        raise PermissionDenied
    return _arrangement_form_page(request, arrangement=arrangement)


@hr_required
@require_http_methods(["GET", "POST"])
def arrangement_detail(request, pk):
    arrangement = selectors.joint_arrangement_get_for_user(user=request.user, pk=pk, request=request)
    can_change = selectors.joint_arrangement_can_change(user=request.user, arrangement=arrangement)
    document_form = AgreementDocumentForm()
    status = 200
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        document_form = AgreementDocumentForm(request.POST, request.FILES)
        if document_form.is_valid():
            try:
                services.agreement_document_add(
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
    partners = arrangement.partners.select_related("organisation")
    history = selectors.history_rows(obj=arrangement)
    for partner in partners:
        for row in selectors.history_rows(obj=partner):
            row["field"] = f"{partner.organisation.display_name}: {row['field'] or 'partner'}"
            history.append(row)
    history.sort(key=lambda r: r["when"], reverse=True)
    return render(
        request,
        "workforce/arrangement_detail.html",
        {
            "arrangement": arrangement,
            "partners": partners,
            "documents": arrangement.documents.all(),
            "holders": arrangement.post.assignments.filter(end_date__isnull=True).select_related("person"),
            "history": history,
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
    arrangement = selectors.joint_arrangement_get_for_user(user=request.user, pk=pk, request=request)
    document = get_object_or_404(AgreementDocument, pk=document_pk, arrangement=arrangement)
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
    arrangement = selectors.joint_arrangement_get_for_user(user=request.user, pk=pk, request=request)
    report = JointAgreementReport(arrangement=arrangement)
    if request.GET.get("format") == "pdf":
        audit(
            action="workforce.agreement.downloaded",
            request=request,
            obj=arrangement,
            summary=report.get_title(),
        )
        return pdf_response(report)
    return _report_page(
        request,
        report,
        pdf_url="?format=pdf",
        crumbs=[
            ("Joint arrangements", reverse("workforce:arrangement_list")),
            (arrangement.title, reverse("workforce:arrangement_detail", args=[arrangement.pk])),
        ],
    )


# --- moves --------------------------------------------------------------------------------------------------------


@hr_required
@require_http_methods(["GET", "POST"])
def move_record(request, person_pk):
    person = selectors.person_get_for_user(user=request.user, pk=person_pk, request=request)
    today = timezone.localdate()
    current_posts = [a.post for a in services.person_current_assignments(person=person, on_date=today)]
    current_post_ids = [post.pk for post in current_posts]
    from_posts = (
        Post.objects.filter(
            Q(pk__in=current_post_ids)
            | Q(organisation_id__in=selectors.hr_organisation_ids(user=request.user))
        )
        .select_related("organisation")
        .order_by("organisation__name", "title")
    )
    form = MoveRecordForm(request.POST or None, from_posts=from_posts, current_posts=current_posts)
    if current_post_ids and not request.POST:
        form.initial["from_post"] = current_post_ids[0]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            move = services.sector_move_record(
                actor=request.user,
                person=person,
                move_type=data["move_type"],
                from_post=data["from_post"],
                to_organisation=data["to_organisation"],
                to_post=data["to_post"],
                joint_arrangement=data["joint_arrangement"],
                destination_sector=data["destination_sector"],
                offer_date=data["offer_date"],
                effective_date=data["effective_date"],
                end_date=data["end_date"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(
                form,
                exc,
                aliases={"to_post": "to_post_reference", "joint_arrangement": "joint_arrangement_number"},
            )
        else:
            if move.move_type == MoveType.LEAVER:
                messages.success(request, f"{person.full_name} recorded as a leaver")
            else:
                messages.success(
                    request,
                    f"Move recorded. {move.to_organisation.display_name} must now confirm {person.full_name}'s arrival",
                )
            return redirect("workforce:move_detail", pk=move.pk)
    return render(
        request,
        "workforce/move_form.html",
        {
            "form": form,
            "person": person,
            "breadcrumbs": [
                ("Home", "/"),
                HOME,
                (person.full_name, reverse("workforce:person_detail", args=[person.pk])),
                ("Record a move", ""),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@hr_required
def move_detail(request, pk):
    move = selectors.move_get_for_user(user=request.user, pk=pk, request=request)
    checks = []
    if move.status == "recorded" and move.to_organisation and move.to_post:
        checks = services.passport_evaluate(
            person=move.person,
            organisation=move.to_organisation,
            job_role=move.to_post.job_role,
            on_date=move.effective_date,
        )
    return render(
        request,
        "workforce/move_detail.html",
        {
            "move": move,
            "checks": checks,
            "reused": move.credentials_reused.select_related("issued_by"),
            "can_confirm": selectors.move_can_confirm(user=request.user, move=move),
            "history": selectors.history_rows(obj=move),
            "breadcrumbs": [("Home", "/"), HOME, ("Moves", reverse("workforce:move_list")), (str(move), "")],
        },
    )


@hr_required
@require_http_methods(["POST"])
def move_confirm(request, pk):
    move = selectors.move_get_for_user(user=request.user, pk=pk, request=request)
    if not selectors.move_can_confirm(user=request.user, move=move):
        raise PermissionDenied
    try:
        move = services.sector_move_confirm(move=move, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("workforce:move_detail", pk=move.pk)
    messages.success(
        request,
        f"Arrival confirmed. {move.credentials_reused.count()} checks reused from the passport, "
        f"{len(move.checks_repeated)} to repeat",
    )
    return redirect("workforce:move_detail", pk=move.pk)


# --- passport acceptance rules ---------------------------------------------------------------------------------


@hr_required
@require_http_methods(["GET", "POST"])
def acceptance_rules(request):
    org_ids = selectors.hr_organisation_ids(user=request.user)
    organisations = Organisation.objects.filter(pk__in=org_ids)
    form = AcceptanceRuleForm(None, organisations=organisations)
    status = 200
    if request.method == "POST" and request.POST.get("delete"):
        rule = get_object_or_404(AcceptanceRule, pk=request.POST["delete"], organisation_id__in=org_ids)
        services.acceptance_rule_delete(actor=request.user, rule=rule)
        messages.success(request, "Rule removed")
        return redirect("workforce:acceptance_rules")
    if request.method == "POST":
        form = AcceptanceRuleForm(request.POST, organisations=organisations)
        if form.is_valid():
            data = dict(form.cleaned_data)
            organisation = data.pop("organisation")
            data["minimum_dbs_level"] = data["minimum_dbs_level"] or ""
            try:
                services.acceptance_rule_create(actor=request.user, organisation=organisation, **data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Rule added")
                return redirect("workforce:acceptance_rules")
        status = 400
    return render(
        request,
        "workforce/acceptance_rules.html",
        {
            "form": form,
            "rules": AcceptanceRule.objects.filter(organisation_id__in=org_ids).select_related(
                "organisation"
            ),
            "breadcrumbs": [("Home", "/"), HOME, ("Passport acceptance rules", "")],
        },
        status=status,
    )


# --- import -------------------------------------------------------------------------------------------------------


@hr_required
@require_http_methods(["GET", "POST"])
def import_csv(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result = workforce_import(
                upload=form.cleaned_data["file"],
                actor=request.user,
                dry_run=form.cleaned_data["mode"] == "dry_run",
            )
            if result.imported:
                messages.success(
                    request,
                    f"Imported {result.assignments_created} rows: {result.people_created} new people, "
                    f"{result.people_matched} matched, {result.posts_created} new posts",
                )
                return redirect("workforce:person_list")
            status = 200 if result.ok else 400
        else:
            status = 400
    return render(
        request,
        "workforce/import.html",
        {
            "form": form,
            "result": result,
            "columns": COLUMNS,
            "breadcrumbs": [("Home", "/"), HOME, ("Import people, posts and assignments", "")],
        },
        status=status,
    )


# --- reports ------------------------------------------------------------------------------------------------------


def _report_page(request, report, *, pdf_url, crumbs=(), extra=None):
    context = report._context(for_pdf=False)
    context.update(
        pdf_url=pdf_url,
        breadcrumbs=[("Home", "/"), HOME, *crumbs, (report.get_title(), "")],
        **(extra or {}),
    )
    return render(request, report.template_name, context)


def _recent_quarters(today: datetime.date, count: int = 8):
    quarter = selectors.Quarter.containing(today).next()  # moves are often recorded ahead of their start
    quarters = []
    for _ in range(count):
        quarters.append(quarter)
        quarter = quarter.previous()
    return quarters


@reports_required
def sector_flow_report(request):
    quarters = _recent_quarters(timezone.localdate())
    quarter = quarters[1]
    if request.GET.get("quarter"):
        parsed = selectors.Quarter.parse(request.GET["quarter"])
        if parsed is None:
            raise Http404("No such quarter")
        quarter = parsed
    report = SectorFlowReport(
        quarter=quarter, organisation_ids=selectors.report_organisation_ids(user=request.user)
    )
    if request.GET.get("format") == "pdf":
        audit(action="workforce.report.downloaded", request=request, summary=report.get_title())
        return pdf_response(report)
    form = QuarterForm(initial={"quarter": quarter.key}, quarters=quarters)
    return _report_page(request, report, pdf_url=f"?quarter={quarter.key}&format=pdf", extra={"form": form})


@reports_required
def headcount_report(request):
    on_date = timezone.localdate()
    status = 200
    if any(key.startswith("on_date") for key in request.GET):
        form = AsAtForm(request.GET)
        if form.is_valid():
            on_date = form.cleaned_data["on_date"]
        else:
            status = 400
    else:
        form = AsAtForm(initial={"on_date": on_date})
    report = HeadcountReport(
        on_date=on_date, organisation_ids=selectors.report_organisation_ids(user=request.user)
    )
    if request.GET.get("format") == "pdf" and status == 200:
        return pdf_response(report)
    query = {
        "on_date_day": on_date.day,
        "on_date_month": on_date.month,
        "on_date_year": on_date.year,
        "format": "pdf",
    }
    response = _report_page(request, report, pdf_url="?" + urlencode(query), extra={"form": form})
    response.status_code = status
    return response
