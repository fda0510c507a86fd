"""Staff screens: the moderation queue and a response's moderation, and the analysts' themes and tables.

The public pages (responding, published responses, summary, outcome) are routes of the Wagtail
`ConsultationPage`; see pages.py."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cms.audit import audit
from cms.tables import FilteredTableView

from . import detection, safeguarding, selectors, services, suggestions
from .filters import AnswerFilter, ModerationFilter
from .forms import (
    DismissForm,
    ModerationDecisionForm,
    OfflineResponseForm,
    QuestionsForm,
    RedactForm,
    SafeguardingConcernForm,
    SafeguardingDecisionForm,
    SafeguardingNoteForm,
    StaffAboutYouForm,
    SuggestionAcceptForm,
    TagForm,
    ThemeChangeForm,
    ThemeForm,
    ThemeMergeForm,
)
from .models import Answer, CampaignGroup, Lifecycle, Redaction, ThemeTag
from .tables import AnswerTable, ModerationTable
from .tasks import detect_campaigns


def _posted_id(request, name: str) -> int:
    """An id from the POST body; anything but a whole number is a 404, never a 500."""
    try:
        return int(request.POST.get(name, ""))
    except ValueError as exc:
        raise Http404("No such record") from exc


def hub(request):
    page = selectors.hub_page()
    if page is None:
        raise Http404("There is no consultations page")
    return HttpResponseRedirect(page.url)


@require_http_methods(["POST"])
def send_response(request, page_id: int):
    from . import pages
    from .models import ConsultationPage

    page = ConsultationPage.objects.live().filter(pk=page_id).first()
    if page is None:
        raise Http404("No such consultation")
    return pages.send(request, page)


# --- moderation ----------------------------------------------------------------------------------------------


class ModerationQueueView(LoginRequiredMixin, FilteredTableView):
    template_name = "consultation/staff/moderation_queue.html"
    table_class = ModerationTable
    filterset_class = ModerationFilter
    export_name = "consultation-moderation"
    page_title = "Moderation"
    page_intro = (
        "Responses waiting for a decision come first. Check each for personal data and safeguarding concerns, "
        "redact what must not be published, then approve it or mark it not for publication."
    )

    def get_base_queryset(self):
        return selectors.moderation_queue(user=self.request.user)

    def get(self, request, *args, **kwargs):
        selectors.moderation_queue(user=request.user)  # 403 before any work for people without the role
        if not request.GET:
            # Open on the work to do.
            return redirect(reverse("consultation:moderation_queue") + "?moderation_state=pending")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        chosen = form.cleaned_data.get("consultation") if form.is_valid() else None
        context["entry_consultation"] = chosen
        return context

    def on_export(self, *, export_format, row_count):
        audit(
            action="consultation.moderation_exported",
            request=self.request,
            summary=f"Exported the moderation queue as {export_format}",
            detail={"filters": self.request.GET.dict()},
        )


def _highlight(text: str, flags: list[detection.Flag]) -> list[tuple[str, str]]:
    """Split text into (kind, piece) so the template can mark flagged spans without marking up HTML itself."""
    pieces, cursor = [], 0
    for flag in flags:
        if flag.start < cursor:
            continue
        pieces.append(("", text[cursor : flag.start]))
        pieces.append((flag.label, text[flag.start : flag.end]))
        cursor = flag.end
    pieces.append(("", text[cursor:]))
    return [piece for piece in pieces if piece[1]]


def _choices(found: list[suggestions.Suggestion]) -> list[tuple[str, str]]:
    return [(suggestion.value, suggestion.label) for suggestion in found]


def _panel(target, log, *, bound=None):
    """What the moderator sees of one published field: the original with flags, the log, the forms."""
    entries = [entry for entry in log if target.matches(entry)]
    found = suggestions.target_suggestions(target, log)
    safeguarding = detection.find_safeguarding(target.text)
    bound = bound or {}
    form = bound.get("redact") or RedactForm(
        initial={"suggestions": [s.value for s in found]},
        suggestion_choices=_choices(found),
        prefix=target.key,
    )
    dismiss_forms = []
    for suggestion in found:
        if bound.get("dismiss_value") == suggestion.value:
            dismiss_forms.append((suggestion, bound["dismiss"]))
        else:
            dismiss_forms.append(
                (
                    suggestion,
                    DismissForm(
                        initial={"suggestion": suggestion.value},
                        auto_id=_dismiss_id(target, suggestion.value),
                    ),
                )
            )
    return {
        "target": target,
        "pieces": _highlight(
            target.text, sorted([s.flag for s in found] + safeguarding, key=lambda f: f.start)
        ),
        "suggestions": found,
        "safeguarding": safeguarding,
        "log": entries,
        "published": services.apply_redactions(target.text, entries),
        "form": form,
        "dismiss_forms": dismiss_forms,
    }


def _dismiss_id(target, value: str) -> str:
    """Several dismiss forms share a page: each gets its own element ids so every label finds its field."""
    return f"id_dismiss-{target.key}-{value.replace(':', '-')}_%s"


def _moderation_panels(response, *, bound_key=None, bound=None):
    """Panels for the response's published "about you" fields, then one per answer (choices and text)."""
    log = list(response.redactions.select_related("redacted_by"))
    answers = list(response.answers.select_related("question"))
    targets = {target.key: target for target in suggestions.targets(response, answers)}
    fields = [
        _panel(target, log, bound=bound if key == bound_key else None)
        for key, target in targets.items()
        if target.answer is None
    ]
    panels = []
    for answer in answers:
        target = targets.get(f"a{answer.pk}")
        panel = _panel(target, log, bound=bound if target.key == bound_key else None) if target else {}
        panels.append({"answer": answer, **panel})
    return fields, panels


def _posted_target(request, response):
    """The field a redaction form names: `answer_id` for an answer's text, or `field` for a name."""
    if "answer_id" in request.POST:
        answer = get_object_or_404(Answer, pk=_posted_id(request, "answer_id"), response=response)
        target = suggestions.find_target(response, field="answer", answer=answer)
    else:
        target = suggestions.find_target(response, field=request.POST.get("field", ""), answer=None)
    if target is None:
        raise Http404("No such field")
    return target


def _withdrawn_message(referral) -> str:
    return (
        f"This response was published and has been withdrawn from publication while safeguarding referral "
        f"{referral.reference} is open. It is back in the queue: approve it again once the lead has decided."
    )


@login_required
@require_http_methods(["GET", "POST"])
def moderate(request, pk: int):
    response = selectors.response_for_moderation(user=request.user, pk=pk)
    decision_form = ModerationDecisionForm(
        initial={"decision": response.moderation_state if response.moderation_state != "pending" else None}
    )
    bound_key, bound, status = None, None, 200
    concern_form = SafeguardingConcernForm()
    if request.method == "GET":
        # Responses sent before referrals existed, or flagged since: the check runs when a moderator opens it.
        referral = safeguarding.referral_detect(response=response, request=request)
        if referral is not None and referral.withdrawn:
            response.refresh_from_db()
            messages.warning(request, _withdrawn_message(referral))
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "safeguarding":
                concern_form = SafeguardingConcernForm(request.POST)
                if concern_form.is_valid():
                    referral, created = safeguarding.referral_raise(
                        response=response,
                        origin="moderator",
                        raised_by=request.user,
                        concern=concern_form.cleaned_data["concern"],
                        request=request,
                    )
                    messages.success(
                        request,
                        f"Safeguarding referral {referral.reference} opened: the safeguarding lead has been told."
                        if created
                        else f"Your concern was added to the open safeguarding referral {referral.reference}.",
                    )
                    if referral.withdrawn:
                        messages.warning(request, _withdrawn_message(referral))
                    return redirect("consultation:moderate", pk=response.pk)
                status = 400
            elif action == "decide":
                decision_form = ModerationDecisionForm(request.POST)
                if decision_form.is_valid():
                    try:
                        services.response_moderate(
                            response=response,
                            moderator=request.user,
                            decision=decision_form.cleaned_data["decision"],
                            note=decision_form.cleaned_data["note"],
                            request=request,
                        )
                    except ValidationError as exc:
                        # Beside the Approve button: every reason the response cannot be published yet.
                        decision_form.add_error("decision", exc.messages)
                    else:
                        response.refresh_from_db()
                        messages.success(
                            request,
                            f"Response {response.reference}: {response.get_moderation_state_display()}",
                        )
                        return redirect(
                            reverse("consultation:moderation_queue") + "?moderation_state=pending"
                        )
                status = 400
            elif action == "redact_all":
                created = services.response_redact_suggestions(
                    response=response, moderator=request.user, request=request
                )
                messages.success(request, f"{len(created)} suggestion(s) redacted.")
                return redirect("consultation:moderate", pk=response.pk)
            elif action == "redact":
                target = _posted_target(request, response)
                log = list(response.redactions.all())
                found = suggestions.target_suggestions(target, log)
                form = RedactForm(request.POST, suggestion_choices=_choices(found), prefix=target.key)
                if form.is_valid():
                    phrase = form.cleaned_data.get("phrase") or ""
                    phrase_spans = services.spans_for_phrase(target.text, phrase)
                    if phrase and not phrase_spans:
                        form.add_error("phrase", "That text is not in this answer")
                    else:
                        services.response_redact(
                            response=response,
                            moderator=request.user,
                            field=target.field,
                            answer=target.answer,
                            suggested=form.suggested_spans(),
                            spans=phrase_spans,
                            reason=form.cleaned_data["reason"],
                            note=form.cleaned_data["note"],
                            request=request,
                        )
                        messages.success(request, "Redacted.")
                        return redirect("consultation:moderate", pk=response.pk)
                bound_key, bound, status = target.key, {"redact": form}, 400
            elif action == "dismiss":
                target = _posted_target(request, response)
                found = suggestions.target_suggestions(target, list(response.redactions.all()))
                value = request.POST.get("suggestion", "")
                form = DismissForm(
                    request.POST, suggestion_choices=_choices(found), auto_id=_dismiss_id(target, value)
                )
                if form.is_valid():
                    start, end, kind = form.cleaned_data["suggestion"]
                    services.suggestion_dismiss(
                        response=response,
                        moderator=request.user,
                        field=target.field,
                        answer=target.answer,
                        start=start,
                        end=end,
                        kind=kind,
                        note=form.cleaned_data["note"],
                        request=request,
                    )
                    messages.success(request, "Suggestion dismissed.")
                    return redirect("consultation:moderate", pk=response.pk)
                bound_key, bound, status = target.key, {"dismiss": form, "dismiss_value": value}, 400
            elif action == "unredact":
                redaction = get_object_or_404(
                    Redaction, pk=_posted_id(request, "redaction_id"), response=response
                )
                services.redaction_remove(redaction=redaction, moderator=request.user, request=request)
                messages.success(request, "Undone.")
                return redirect("consultation:moderate", pk=response.pk)
            else:
                return _bad_request(request, "Unknown action")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            status = 400
    audit(
        action="consultation.response_viewed",
        request=request,
        obj=response,
        summary=f"Viewed {response.reference}",
    )
    field_panels, panels = _moderation_panels(response, bound_key=bound_key, bound=bound)
    context = {
        "response": response,
        "entered_by": selectors.response_entered_by(response=response),
        "field_panels": field_panels,
        "panels": panels,
        "blockers": selectors.publication_blockers(response),
        "unresolved": sum(len(p["suggestions"]) for p in [*field_panels, *panels] if p.get("suggestions")),
        "decision_form": decision_form,
        "concern_form": concern_form,
        "referrals": safeguarding.referrals_for_response(user=request.user, response=response),
        "safeguarding_blockers": safeguarding.safeguarding_blockers(response),
        "breadcrumbs": [("Moderation", reverse("consultation:moderation_queue")), (response.reference, "")],
    }
    return render(request, "consultation/staff/moderate.html", context, status=status)


# --- safeguarding ---------------------------------------------------------------------------------------------


@login_required
def safeguarding_queue(request):
    status = request.GET.get("status", "open")
    referrals = safeguarding.referral_queue(user=request.user, status=status)
    audit(
        action="consultation.safeguarding_queue_viewed",
        request=request,
        summary="Viewed the safeguarding referrals",
        detail={"status": status},
    )
    context = {
        "referrals": referrals[:500],
        "status": status,
        "now": timezone.now(),
        "breadcrumbs": [("Safeguarding referrals", "")],
    }
    return render(request, "consultation/staff/safeguarding_queue.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def safeguarding_referral(request, pk: int):
    referral = safeguarding.referral_for_lead(user=request.user, pk=pk)
    note_form, decision_form, status = SafeguardingNoteForm(), SafeguardingDecisionForm(), 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "note":
            note_form = SafeguardingNoteForm(request.POST)
            if note_form.is_valid():
                try:
                    safeguarding.referral_note_add(
                        referral=referral,
                        lead=request.user,
                        text=note_form.cleaned_data["text"],
                        request=request,
                    )
                except ValidationError as exc:
                    _add_service_errors(note_form, exc)
                else:
                    messages.success(request, "Note added.")
                    return redirect("consultation:safeguarding_referral", pk=referral.pk)
        elif action == "decide":
            decision_form = SafeguardingDecisionForm(request.POST)
            if decision_form.is_valid():
                try:
                    safeguarding.referral_decide(
                        referral=referral,
                        lead=request.user,
                        decision=decision_form.cleaned_data["decision"],
                        reason=decision_form.cleaned_data["reason"],
                        request=request,
                    )
                except ValidationError as exc:
                    _add_service_errors(decision_form, exc)
                else:
                    messages.success(
                        request, f"{referral.reference} decided. The response can now be moderated."
                    )
                    return redirect("consultation:safeguarding_queue")
        else:
            return _bad_request(request, "Unknown action")
        status = 400
    audit(
        action="consultation.safeguarding_referral_viewed",
        request=request,
        obj=referral,
        summary=f"Viewed {referral.reference}",
        detail={"response": referral.response_id},
    )
    response = referral.response
    answers = [
        {
            "answer": answer,
            "pieces": _highlight(answer.text, detection.find_safeguarding(answer.text)),
        }
        for answer in response.answers.select_related("question").exclude(text="")
    ]
    context = {
        "referral": referral,
        "response": response,
        "answers": answers,
        "notes": referral.notes.select_related("author"),
        "note_form": note_form,
        "decision_form": decision_form,
        "breadcrumbs": [
            ("Safeguarding referrals", reverse("consultation:safeguarding_queue")),
            (referral.reference, ""),
        ],
    }
    return render(request, "consultation/staff/safeguarding_referral.html", context, status=status)


def _add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError beside the field it names, or at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def response_add(request, pk: int):
    """A moderator transcribes a response received by e-mail or post, through the online form's own classes."""
    consultation = selectors.consultation_for_entry(user=request.user, pk=pk)
    questions = selectors.questions_for(consultation=consultation)
    concluded = consultation.status == Lifecycle.CONCLUDED
    status = 200
    if request.method == "POST" and not concluded:
        entry_form = OfflineResponseForm(request.POST)
        about_form = StaffAboutYouForm(request.POST)
        questions_form = QuestionsForm(request.POST, questions=questions)
        valid = [entry_form.is_valid(), about_form.is_valid(), questions_form.is_valid()]
        if entry_form.is_valid():
            problem = services.received_on_errors(
                consultation=consultation, received_on=entry_form.cleaned_data["received_on"]
            )
            if problem:
                entry_form.add_error("received_on", problem)
        forged = [key for key in request.POST if key.startswith("q-") and key not in questions_form.fields]
        if forged:
            entry_form.add_error(
                None,
                "The form included a question that is not part of this consultation. "
                "Check the answers below and save again.",
            )
        if all(valid) and entry_form.is_valid():
            try:
                response, created = services.response_enter_offline(
                    consultation=consultation,
                    channel=entry_form.cleaned_data["channel"],
                    received_on=entry_form.cleaned_data["received_on"],
                    about=about_form.about(),
                    answers=questions_form.answers(),
                    idempotency_key=entry_form.cleaned_data["token"],
                    entered_by=request.user,
                    request=request,
                )
            except ValidationError as exc:
                _add_service_errors(entry_form, exc)
            else:
                if created:
                    messages.success(
                        request,
                        f"Response {response.reference} saved. It is waiting for moderation like any other.",
                    )
                else:
                    messages.info(request, f"This response was already saved as {response.reference}.")
                return redirect("consultation:moderate", pk=response.pk)
        status = 400
    else:
        if request.method == "POST":
            status = 409
        entry_form = OfflineResponseForm(initial={"token": uuid.uuid4()})
        about_form = StaffAboutYouForm()
        questions_form = QuestionsForm(questions=questions)
    context = {
        "consultation": consultation,
        "concluded": concluded,
        "entry_form": entry_form,
        "about_form": about_form,
        "questions_form": questions_form,
        "closes_on": timezone.localdate(consultation.closes_at),
        "breadcrumbs": [
            ("Moderation", reverse("consultation:moderation_queue")),
            (consultation.title, ""),
        ],
    }
    return render(request, "consultation/staff/response_add.html", context, status=status)


def _bad_request(request, message: str):
    return render(request, "consultation/staff/bad_request.html", {"message": message}, status=400)


# --- analysis ------------------------------------------------------------------------------------------------


@login_required
def analysis_index(request):
    consultations = selectors.consultations_for_staff(user=request.user)
    return render(
        request,
        "consultation/staff/analysis_index.html",
        {"consultations": consultations, "can_analyse": request.user.has_perm(services.ANALYSE_PERMISSION)},
    )


class AnswerTableView(LoginRequiredMixin, FilteredTableView):
    table_class = AnswerTable
    filterset_class = AnswerFilter
    export_name = "consultation-answers"
    page_title = "Answers"
    template_name = "consultation/staff/answers.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.consultation = selectors.consultation_for_analysis(user=request.user, pk=kwargs["pk"])
        self.page_title = f"Answers: {self.consultation.title}"
        self.page_intro = (
            "Answers from moderated responses, with personal data redacted. Filter by question, answer, "
            "respondent type, theme and text; downloads keep the filters."
        )
        return super().dispatch(request, *args, **kwargs)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["consultation"] = self.consultation
        return kwargs

    def get_base_queryset(self):
        return selectors.answers_for_analysis(user=self.request.user, consultation=self.consultation)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["consultation"] = self.consultation
        context["breadcrumbs"] = [
            ("Analysis", reverse("consultation:analysis")),
            (self.consultation.title, ""),
        ]
        return context

    def export_rows(self):
        """Every filtered answer, streamed in chunks straight from the database: at 10^5 responses there are
        about a million answers, too many to render through the table's columns one cell at a time."""
        from collections import defaultdict
        from itertools import islice

        from cms.tables import neutralise

        from .models import ModerationState, RespondentType

        types = dict(RespondentType.choices)
        states = dict(ModerationState.choices)
        yield ["Response", "Respondent type", "Question", "Answer", "Text (redacted)", "Themes", "State"]
        rows = self.object_list.order_by("pk").values_list(
            "pk",
            "response__public_id",
            "response__respondent_type",
            "question__sort_order",
            "selected",
            "published_text",
            "response__moderation_state",
        )
        # One streaming query (a server-side cursor on PostgreSQL); themes are looked up per chunk.
        stream = rows.iterator(chunk_size=5000)
        while chunk := list(islice(stream, 5000)):
            # The chunk is in answer order, so its tags are one range of the answer index: far cheaper than
            # an IN list of 5,000 ids (tags of other consultations' answers in the range are not asked for).
            themes = defaultdict(list)
            for answer_id, name in ThemeTag.objects.filter(
                answer_id__gte=chunk[0][0],
                answer_id__lte=chunk[-1][0],
                theme__consultation_id=self.consultation.pk,
            ).values_list("answer_id", "theme__name"):
                themes[answer_id].append(name)
            for pk, public_id, respondent_type, order, selected, text, state in chunk:
                yield [
                    neutralise(public_id),
                    types.get(respondent_type, respondent_type),
                    order + 1,
                    neutralise("; ".join(value for value in selected.split("\n") if value)),
                    neutralise(text),
                    neutralise("; ".join(sorted(themes.get(pk, [])))),
                    states.get(state, state),
                ]

    def on_export(self, *, export_format, row_count):
        audit(
            action="consultation.answers_exported",
            request=self.request,
            obj=self.consultation,
            summary=f"Exported answers as {export_format}",
            detail={"filters": self.request.GET.dict()},
        )


@login_required
@require_http_methods(["GET", "POST"])
def themes(request, pk: int):
    consultation = selectors.consultation_for_analysis(user=request.user, pk=pk)
    questions = selectors.questions_for(consultation=consultation)
    free_text_questions = [q for q in questions if q.has_free_text]
    theme_form = ThemeForm(questions=questions)
    accept_form = None
    status = 200
    question = selectors.question_for(consultation=consultation, pk=request.GET.get("question"))
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                theme_form = ThemeForm(request.POST, questions=questions)
                if theme_form.is_valid():
                    chosen = theme_form.cleaned_data["question"]
                    chosen_question = (
                        selectors.question_for(consultation=consultation, pk=chosen) if chosen else None
                    )
                    if chosen and chosen_question is None:
                        theme_form.add_error("question", "Choose a question from the list")
                    else:
                        services.theme_create(
                            consultation=consultation,
                            name=theme_form.cleaned_data["name"],
                            description=theme_form.cleaned_data["description"],
                            question=chosen_question,
                            user=request.user,
                            request=request,
                        )
                        messages.success(request, "Theme created.")
                        return redirect("consultation:themes", pk=consultation.pk)
                status = 400
            elif action == "accept":
                if question is None:
                    return _bad_request(request, "Choose a question first")
                accept_form = SuggestionAcceptForm(request.POST)
                if accept_form.is_valid():
                    clusters = selectors.theme_suggestions(
                        user=request.user, consultation=consultation, question=question
                    )
                    cluster = next(
                        (c for c in clusters if c["index"] == accept_form.cleaned_data["cluster"]), None
                    )
                    if cluster is None:
                        return _bad_request(
                            request, "That suggestion no longer exists. Look at the suggestions again."
                        )
                    theme = services.theme_from_suggestion(
                        consultation=consultation,
                        question=question,
                        answer_ids=cluster["answer_ids"],
                        name=accept_form.cleaned_data["name"],
                        user=request.user,
                        request=request,
                    )
                    messages.success(
                        request,
                        f"Theme “{theme.name}” created with {cluster['size']} suggested tags to confirm.",
                    )
                    return redirect("consultation:themes", pk=consultation.pk)
                status = 400
            elif action in ("campaign_confirmed", "campaign_rejected"):
                group = get_object_or_404(
                    CampaignGroup, pk=_posted_id(request, "group_id"), consultation=consultation
                )
                group = services.campaign_review(
                    group=group, user=request.user, decision=action.removeprefix("campaign_"), request=request
                )
                messages.success(request, f"{group.label}: {group.get_review_display()}.")
                return redirect("consultation:themes", pk=consultation.pk)
            elif action == "campaigns":
                detect_campaigns.enqueue(consultation_id=consultation.pk)
                audit(
                    action="consultation.campaign_detection_requested",
                    request=request,
                    obj=consultation,
                    summary="Campaign detection requested",
                )
                messages.success(
                    request, "Looking for campaigns and duplicates. Refresh this page in a minute."
                )
                return redirect("consultation:themes", pk=consultation.pk)
            else:
                return _bad_request(request, "Unknown action")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            status = 400
    suggestions = (
        selectors.theme_suggestions(user=request.user, consultation=consultation, question=question)
        if question is not None
        else []
    )
    context = {
        "consultation": consultation,
        "theme_list": selectors.themes_with_counts(consultation=consultation),
        "theme_form": theme_form,
        "accept_form": accept_form,
        "free_text_questions": free_text_questions,
        "question": question,
        "suggestions": suggestions,
        "campaigns": selectors.campaign_groups(consultation=consultation),
        "min_size": services.campaign_min_size(),
        "duplicates": selectors.duplicate_groups(consultation=consultation)[:20],
        "breadcrumbs": [("Analysis", reverse("consultation:analysis")), (consultation.title, "")],
    }
    return render(request, "consultation/staff/themes.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def theme_edit(request, pk: int):
    """Rename a theme, change its description, or merge it into another theme of the same consultation."""
    theme = selectors.theme_for_analysis(user=request.user, pk=pk)
    consultation = theme.consultation
    others = consultation.themes.exclude(pk=theme.pk).order_by("name")
    change_form = ThemeChangeForm(initial={"name": theme.name, "description": theme.description})
    merge_form = ThemeMergeForm(themes=others)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "change":
            change_form = ThemeChangeForm(request.POST)
            if change_form.is_valid():
                try:
                    services.theme_update(
                        theme=theme,
                        user=request.user,
                        name=change_form.cleaned_data["name"],
                        description=change_form.cleaned_data["description"],
                        request=request,
                    )
                except ValidationError as exc:
                    _add_service_errors(change_form, exc)
                else:
                    messages.success(request, f"Theme “{change_form.cleaned_data['name'].strip()}” saved.")
                    return redirect("consultation:themes", pk=consultation.pk)
            status = 400
        elif action == "merge":
            merge_form = ThemeMergeForm(request.POST, themes=others)
            if merge_form.is_valid():
                target = selectors.theme_for(consultation=consultation, pk=merge_form.cleaned_data["target"])
                if target is None:
                    merge_form.add_error("target", "Choose a theme from the list")
                else:
                    try:
                        services.theme_merge(source=theme, target=target, user=request.user, request=request)
                    except ValidationError as exc:
                        _add_service_errors(merge_form, exc)
                    else:
                        messages.success(request, f"“{theme.name}” merged into “{target.name}”.")
                        return redirect("consultation:themes", pk=consultation.pk)
            status = 400
        else:
            return _bad_request(request, "Unknown action")
    context = {
        "theme": theme,
        "consultation": consultation,
        "tag_counts": theme.tags.aggregate(
            total=Count("pk"), confirmed=Count("pk", filter=Q(confirmed_at__isnull=False))
        ),
        "change_form": change_form,
        "merge_form": merge_form,
        "has_others": others.exists(),
        "breadcrumbs": [
            ("Analysis", reverse("consultation:analysis")),
            (consultation.title, reverse("consultation:themes", args=[consultation.pk])),
            (theme.name, ""),
        ],
    }
    return render(request, "consultation/staff/theme_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def answer_detail(request, pk: int):
    answer = selectors.answer_for_analysis(user=request.user, pk=pk)
    consultation = answer.response.consultation
    theme_choices = consultation.themes.order_by("name")
    form = TagForm(themes=theme_choices)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "tag":
                form = TagForm(request.POST, themes=theme_choices)
                if form.is_valid():
                    theme = selectors.theme_for(consultation=consultation, pk=form.cleaned_data["theme"])
                    services.answer_tag(answer=answer, theme=theme, user=request.user, request=request)
                    messages.success(request, f"Tagged “{theme.name}”.")
                    return redirect("consultation:answer", pk=answer.pk)
                status = 400
            elif action in ("confirm", "remove"):
                tag = get_object_or_404(ThemeTag, pk=_posted_id(request, "tag_id"), answer=answer)
                if action == "confirm":
                    services.tag_confirm(tag=tag, user=request.user, request=request)
                else:
                    services.tag_remove(tag=tag, user=request.user, request=request)
                return redirect("consultation:answer", pk=answer.pk)
            else:
                return _bad_request(request, "Unknown action")
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
            status = 400
    context = {
        "answer": answer,
        "consultation": consultation,
        "tags": answer.tags.select_related("theme", "created_by", "confirmed_by").order_by("theme__name"),
        "form": form,
        "breadcrumbs": [
            ("Analysis", reverse("consultation:analysis")),
            (consultation.title, reverse("consultation:answers", args=[consultation.pk])),
            (f"Response {answer.response.public_id}", ""),
        ],
    }
    return render(request, "consultation/staff/answer.html", context, status=status)
