"""The moderators' screens: the moderation queue, and one response to moderate (redact, dismiss suggestions,
raise a safeguarding concern, decide). Moderators alone read the original text of a response."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cms.audit import audit
from cms.tables import FilteredTableView

from .. import detection, safeguarding, suggestions
from ..filters import ModerationFilter
from ..forms import DismissForm, ModerationDecisionForm, RedactForm, SafeguardingConcernForm
from ..models.redactions import Redaction
from ..models.responses import Answer
from ..selectors.moderation import (
    moderation_queue,
    publication_blockers,
    response_entered_by,
    response_for_moderation,
)
from ..services.moderation import response_moderate
from ..services.redaction import (
    apply_redactions,
    redaction_remove,
    response_redact,
    response_redact_suggestions,
    spans_for_phrase,
    suggestion_dismiss,
)
from ..tables import ModerationTable
from .staff import bad_request, posted_id


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
        return moderation_queue(user=self.request.user)

    def get(self, request, *args, **kwargs):
        moderation_queue(user=request.user)  # 403 before any work for people without the role
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
        "pieces": detection.highlight(
            target.text, sorted([s.flag for s in found] + safeguarding, key=lambda f: f.start)
        ),
        "suggestions": found,
        "safeguarding": safeguarding,
        "log": entries,
        "published": apply_redactions(target.text, entries),
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
        answer = get_object_or_404(Answer, pk=posted_id(request, "answer_id"), response=response)
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
    response = response_for_moderation(user=request.user, pk=pk)
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
                        response_moderate(
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
                created = response_redact_suggestions(
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
                    phrase_spans = spans_for_phrase(target.text, phrase)
                    if phrase and not phrase_spans:
                        form.add_error("phrase", "That text is not in this answer")
                    else:
                        response_redact(
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
                    suggestion_dismiss(
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
                    Redaction, pk=posted_id(request, "redaction_id"), response=response
                )
                redaction_remove(redaction=redaction, moderator=request.user, request=request)
                messages.success(request, "Undone.")
                return redirect("consultation:moderate", pk=response.pk)
            else:
                return bad_request(request, "Unknown action")
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
        "entered_by": response_entered_by(response=response),
        "field_panels": field_panels,
        "panels": panels,
        "blockers": publication_blockers(response),
        "unresolved": sum(len(p["suggestions"]) for p in [*field_panels, *panels] if p.get("suggestions")),
        "decision_form": decision_form,
        "concern_form": concern_form,
        "referrals": safeguarding.referrals_for_response(user=request.user, response=response),
        "safeguarding_blockers": safeguarding.safeguarding_blockers(response),
        "breadcrumbs": [("Moderation", reverse("consultation:moderation_queue")), (response.reference, "")],
    }
    return render(request, "consultation/staff/moderate.html", context, status=status)
