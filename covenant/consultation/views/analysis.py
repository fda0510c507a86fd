"""The analysts' screens: the consultations to analyse, the answers table with its export, and one answer to tag."""

from __future__ import annotations

from collections import defaultdict
from itertools import islice

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cms.access import has_permission
from cms.audit import audit
from cms.tables import FilteredTableView, neutralise

from ..filters import AnswerFilter
from ..forms import TagForm
from ..models.analysis import ThemeTag
from ..roles import ANALYSE_PERMISSION
from ..selectors.analysis import answer_for_analysis, answers_for_analysis
from ..selectors.consultations import consultation_for_analysis, consultations_for_staff
from ..selectors.themes import theme_for
from ..services.themes import answer_tag, tag_confirm, tag_remove
from ..tables import AnswerTable
from ..vocabulary import ModerationState, RespondentType
from .staff import bad_request, posted_id


@login_required
def analysis_index(request):
    consultations = consultations_for_staff(user=request.user)
    return render(
        request,
        "consultation/staff/analysis_index.html",
        {"consultations": consultations, "can_analyse": has_permission(request.user, ANALYSE_PERMISSION)},
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
        self.consultation = consultation_for_analysis(user=request.user, pk=kwargs["pk"])
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
        return answers_for_analysis(user=self.request.user, consultation=self.consultation)

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
def answer_detail(request, pk: int):
    answer = answer_for_analysis(user=request.user, pk=pk)
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
                    theme = theme_for(consultation=consultation, pk=form.cleaned_data["theme"])
                    answer_tag(answer=answer, theme=theme, user=request.user, request=request)
                    messages.success(request, f"Tagged “{theme.name}”.")
                    return redirect("consultation:answer", pk=answer.pk)
                status = 400
            elif action in ("confirm", "remove"):
                tag = get_object_or_404(ThemeTag, pk=posted_id(request, "tag_id"), answer=answer)
                if action == "confirm":
                    tag_confirm(tag=tag, user=request.user, request=request)
                else:
                    tag_remove(tag=tag, user=request.user, request=request)
                return redirect("consultation:answer", pk=answer.pk)
            else:
                return bad_request(request, "Unknown action")
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
