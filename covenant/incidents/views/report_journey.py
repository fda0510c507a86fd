"""The two-minute report and its optional "tell us more", as journeys on `cms.multistep` (one question a page,
"Check your answers", then send). Progress is sealed in the page with the incidents keys: nothing of a report is
stored, in a session, the cache or a table, before it is sent (see `reporter_state` for where everything lives).

The core asks what happened (the kind and the reporter's words on one page), when, where, which organisation (only
when the reporter could report to more than one), who it happened to and whether anyone was hurt. The
confirmation is the response to "Send report"; from it the reporter may tell us more, every question optional.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from cms import generations, multistep, pageshell
from cms.multistep import ProgressError, Step
from cms.times import time_nhs

from ..encryption import KEYS
from ..forms import report_details as more
from ..forms.reporting import (
    ColleagueForm,
    HurtForm,
    OrganisationForm,
    WhatForm,
    WhenForm,
    WhereForm,
    WhoForm,
)
from ..models import COLLEAGUE_SOURCES, Category, IncidentReport, Injury, ReportingMode, Source
from ..selectors.reporters import report_get_for_reporter, report_organisations_stamp
from ..services.reporting import receipt_format, report_details_add, report_submit

CAPTIONS = {
    ReportingMode.ANONYMOUS: "Anonymous report",
    ReportingMode.CONFIDENTIAL: "Report in confidence",
    ReportingMode.NAMED: "Report under your name",
}

INTROS = {
    ReportingMode.ANONYMOUS: "Your report will not record your name or account. When you send it, you will get a "
    "16-digit follow-up code: it is the only way to read our replies, so have a way to write it down.",
    ReportingMode.CONFIDENTIAL: "Only the people handling your report will see your name.",
    ReportingMode.NAMED: "The people handling your report will see your name and can contact you.",
}


# Part of every step's mark (ReportJourney.stamp): change it when a question's rules change, so that answers marked
# under the old rules are checked by the forms again.
FORMS_VERSION = "2026-12-06"


# The first two organisations an anonymous report may go to (is there a choice to make?), by organisations' stamp.
_ANONYMOUS_CHOICES = generations.LocalMemo(4)


class ReportPages(multistep.Journey):
    """What both journeys draw: a question page, "Check your answers", and the progress error page."""

    keyring = KEYS
    caption = ""
    check_heading = "Check your answers before sending your report"
    send_text = "Send report"
    check_intro = ""

    def __init__(self, request, *, mode: str):
        super().__init__(request)
        self.mode = mode
        self.anonymous = mode == ReportingMode.ANONYMOUS

    def start_url(self) -> str:
        return reverse("incidents:report_start")

    def page(
        self,
        template: str,
        context: dict,
        *,
        status: int = 200,
        shared: tuple | None = None,
        fills: dict | None = None,
    ) -> HttpResponse:
        at, of = self.position() if self.progress else (0, 0)
        context = {
            "journey": self,
            "mode": self.mode,
            "caption": self.caption,
            "show_back": at > 1,
            **context,
        }
        if shared is not None and status == 200:
            return self.render_shared(template, context, shared=shared, fills=fills)
        return render(self.request, template, context, status=status)

    def shared_key(self, step: Step | None) -> tuple | None:
        """What an unanswered page of `step` (None: "Check your answers" without its rows) depends on besides the
        journey (its mode), the step and its position, for a page kept for everyone (cms/pageshell.py); None
        renders it for the person."""
        return None

    def render_step(self, step: Step, form, *, status: int = 200) -> HttpResponse:
        if status == 200:  # an error page focuses its error summary instead
            if isinstance(form, multistep.LazyForm):  # built only if the page is rendered
                form = form.then(focus_first_answer)
            else:
                focus_first_answer(form)
        template = "incidents/report_when.html" if step.name == "when" else "incidents/report_step.html"
        # The page before "Check your answers" posts to its main content, so that Tab goes straight to the answers
        # and "Send". Not the others: a page opened at a fragment does not honour the focus on its first answer.
        to_check = all(self.complete(other) for other in self.asked_steps() if other.name != step.name)
        context = {"step": step, "form": form, "to_check": to_check}
        shared = None if form.is_bound else self.shared_key(step)
        if shared is not None:
            shared = (to_check, timezone.localdate().isoformat(), *shared)
        return self.page(template, context, status=status, shared=shared)

    def render_check(self, *, status: int = 200, error: str = "") -> HttpResponse:
        context = {
            "heading": self.check_heading,
            "intro": self.check_intro,
            "send_text": self.send_text,
            "error": error,
        }
        shared = self.shared_key(None) if not error and status == 200 else None
        if shared is None:
            return self.page(
                "incidents/report_check.html", {**context, "rows": self.check_rows()}, status=status
            )
        # The reporter's answers are rendered for them; the rest of the page is kept and filled in.
        rows = render_to_string("incidents/includes/check_rows.html", {"rows": self.check_rows()})
        return self.page(
            "incidents/report_check.html",
            context,
            shared=("check", *shared),
            fills={"check_rows": mark_safe(rows)},  # noqa: S308  # nosec B308, B703  # rendered by our template, escaped there
        )

    def check_rows(self) -> list[dict]:
        return self.summary_rows()


class ReportJourney(ReportPages):
    """The core report, in every mode."""

    def __init__(self, request, *, mode: str, organisations):
        super().__init__(request, mode=mode)
        self.name = f"incident-report-{mode}"
        self.caption = CAPTIONS[mode]
        self.check_intro = INTROS[mode]
        self.organisations = organisations
        self._choices: list[int] | None = None

    def organisation_ids(self) -> list[int]:
        """Up to two of the organisations the reporter may report to: is there a choice to make?"""
        if self._choices is None:
            if (
                self.anonymous
            ):  # any active organisation: the same for everyone, kept under the organisations' stamp
                stamp = report_organisations_stamp()
                choices = _ANONYMOUS_CHOICES.get(stamp)
                if choices is None:
                    choices = list(self.organisations.values_list("pk", "name")[:2])
                    _ANONYMOUS_CHOICES.put(stamp, choices)
                self._choices = list(choices)
            else:
                self._choices = list(self.organisations.values_list("pk", "name")[:2])
        return [pk for pk, _ in self._choices]

    def get_steps(self):
        steps = [
            Step("what", WhatForm, "What happened"),
            Step("when", WhenForm, "When"),
            Step("where", WhereForm, "Where"),
        ]
        if len(self.organisation_ids()) > 1:
            steps.append(Step("organisation", OrganisationForm, "Organisation"))
        steps += [
            Step("who", WhoForm, "Who it happened to"),
            Step("colleague", ColleagueForm, "Who it was", when=bullying),
            Step("hurt", HurtForm, "Anyone hurt"),
        ]
        return steps

    def form_kwargs(self, step: Step) -> dict:
        if step.name in ("hurt", "colleague"):
            return {"relationship": self.answers().value("who", "relationship")}
        if step.name == "organisation":
            return {"organisations": self.organisations}
        return {}

    def stamp(self, step: Step) -> str:
        """What each step's form depends on (cms/multistep.py `stamp`): the version of the questions, today's date
        (when: today, yesterday, not in the future), the answer about who it happened to (hurt, colleague) and the
        organisations (organisation). Sending checks every step by its form again, marks or not."""
        stamp = f"{FORMS_VERSION}:{timezone.localdate().isoformat()}"
        if step.name in ("hurt", "colleague"):
            return f"{stamp}:{self.answers().value('who', 'relationship')}"
        if step.name == "organisation":
            return f"{stamp}:{report_organisations_stamp()}:{self.mode}"
        return stamp

    def shared_key(self, step: Step | None) -> tuple | None:
        if step is None:  # "Check your answers": its frame is the same in each mode
            return ()
        # An unanswered question page depends on the answer about who it happened to (hurt, colleague) and, for
        # the organisation, on the organisations (any active one: only anonymous reports are shared, as a signed-in
        # reporter's header is their own).
        if step.name in ("hurt", "colleague"):
            return (self.answers().value("who", "relationship"),)
        if step.name == "organisation":
            if not self.anonymous:
                return None
            return (report_organisations_stamp(),)
        return ()

    def check_rows(self) -> list[dict]:
        rows = []
        for step in self.asked_steps():
            form = self.form(step)
            data = form.cleaned_data if form.is_valid() else {}
            if step.name == "when":
                moment = timezone.localtime(data["occurred_at"]) if data.get("occurred_at") else None
                value = multistep.display_value(form.fields["occurred_on"], moment)
                if moment and not data.get("occurred_approximate"):
                    value += f" at {time_nhs(moment)}"
                rows.append({"step": "when", "label": "When", "value": value})
                continue
            for name, field in form.fields.items():
                rows.append(
                    {
                        "step": step.name,
                        "label": step_label(step, name, field),
                        "value": shown(field, data.get(name)),
                    }
                )
        if len(self.organisation_ids()) == 1:  # not asked: the one organisation the report can go to
            rows.append({"step": "", "label": "Organisation", "value": self._choices[0][1]})
        return rows

    def done(self, cleaned: dict[str, dict]) -> HttpResponse:
        data = {name: value for answers in cleaned.values() for name, value in answers.items()}
        data.pop("day", None)
        named = (data.pop("subject_email", ""), data.pop("subject_manager_email", ""))
        if "organisation" not in data:
            data["organisation"] = self.organisations.filter(pk__in=self.organisation_ids()[:1]).first()
        if data["organisation"] is None:
            return self.render_check(status=400, error="There is no organisation to send your report to yet.")
        try:
            report, code = report_submit(
                reporter=None if self.anonymous else self.request.user,
                mode=self.mode,
                data=data,
                subject_emails=tuple(email for email in named if email),
                request=self.request,
                submission_key=self.progress.token,
            )
        except ValidationError as error:
            return self.render_check(status=400, error=" ".join(error.messages))
        details = DetailsJourney(self.request, mode=self.mode)
        details.progress = multistep.Progress.new(details.name)
        details.progress.extra["report"] = report.pk
        context = {
            "code": receipt_format(code) if code else None,
            "sent_before": report.sent_before,
            "anonymous": self.anonymous,
            "journey": details,
            "more_url": reverse("incidents:report_more", args=[self.mode]),
        }
        if self.anonymous and code and not report.sent_before:
            # The same page for every anonymous reporter but the reference, the code and the payload of "tell us
            # more": kept once and filled in (cms/pageshell.py).
            return pageshell.render_shared(
                self.request,
                "incidents/report_sent.html",
                {**context, "code": "", "sent_with_code": True},
                key=(self.name, "sent"),
                fills={
                    "reference": report.reference,
                    "code": context["code"],
                    "journey_payload": details.payload,
                },
            )
        return render(
            self.request,
            "incidents/report_sent.html",
            {**context, "report": report, "reference": report.reference, "sent_with_code": bool(code)},
        )


def focus_first_answer(form) -> None:
    """Put the focus on the first answer of a question page, whose legend or label is the page's <h1>: a keyboard
    user answers at once, and a screen reader reads the question with it. Never on an error page."""
    field = next(iter(form.fields.values()))
    widget = field.widget
    if not isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        widget.attrs["autofocus"] = True
        return
    make_option = widget.create_option

    def create_option(name, value, label, selected, index, subindex=None, attrs=None):
        option = make_option(name, value, label, selected, index, subindex, attrs)
        if index == 0:
            option["attrs"]["autofocus"] = True
        return option

    widget.create_option = create_option


def bullying(answers) -> bool:
    return answers.value("what", "category") == Category.BULLYING


def step_label(step: Step, name: str, field) -> str:
    if name == "narrative":
        return "Your description"
    return str(field.label).removesuffix(" (optional)").rstrip("?")


def shown(field, value) -> str:
    return multistep.display_value(field, value)


class DetailsJourney(ReportPages):
    """'Tell us more': every question optional, added to the report already sent. The report's id is sealed in
    the payload (made on the confirmation page); a named or confidential report is also checked against the
    signed-in account on every page."""

    caption = "Tell us more"
    check_heading = "Check what you are adding to your report"
    send_text = "Add to my report"

    def __init__(self, request, *, mode: str):
        super().__init__(request, mode=mode)
        self.name = f"incident-details-{mode}"
        self.report: IncidentReport | None = None

    def begin(self, *, extra=None) -> HttpResponse:
        # The journey starts from the confirmation page only, which seals the report into it.
        return self.render_error(ProgressError("missing"))

    def screen(self) -> HttpResponse | None:
        pk = self.progress.extra.get("report")
        if not isinstance(pk, int):
            return self.render_error(ProgressError("unreadable"))
        if self.anonymous:
            self.report = IncidentReport.objects.filter(pk=pk, mode=ReportingMode.ANONYMOUS).first()
        else:
            try:
                self.report = report_get_for_reporter(user=self.request.user, pk=pk, request=self.request)
            except Http404:
                self.report = None
        if self.report is None:
            return self.render_error(ProgressError("unreadable"))
        return None

    def get_steps(self):
        report = self.report
        colleague = lambda answers: answers.value("source", "source") in COLLEAGUE_SOURCES  # noqa: E731
        patient = lambda answers: answers.value("source", "source") == Source.PATIENT  # noqa: E731
        steps = []
        if report is None or report.category != Category.BULLYING:  # bullying asked who it was already
            steps += [
                Step("source", more.SourceForm, "Who did it"),
                Step("subject", more.SubjectForm, "Their e-mail", when=colleague),
                Step("patient", more.PatientForm, "Patient's NHS number", when=patient),
            ]
        steps.append(Step("involved", more.InvolvedForm, "What it involved"))
        if report is not None and report.category == Category.DISCRIMINATORY:
            steps.append(Step("targeted", more.TargetedForm, "What the abuse was about"))
        steps += [
            Step("staff_group", more.StaffGroupForm, "Job"),
            Step("medical", more.MedicalForm, "Medical"),
        ]
        if report is not None and report.injury != Injury.NONE:
            steps.append(Step("treatment", more.TreatmentForm, "Treatment"))
        steps += [
            Step("police", more.PoliceForm, "Police"),
            Step("police_wish", more.PoliceWishForm, "Police action"),
            Step("footage", more.FootageForm, "Footage"),
            Step("support", more.SupportForm, "Support"),
            Step("feedback", more.FeedbackForm, "Hearing what happens"),
        ]
        if not self.anonymous:
            steps.append(Step("line_manager", more.LineManagerForm, "Line manager"))
        return steps

    def form_kwargs(self, step: Step) -> dict:
        if step.name == "staff_group":
            return {"relationship": self.report.relationship if self.report else ""}
        if step.name in ("support", "feedback"):
            return {"anonymous": self.anonymous}
        return {}

    def check_rows(self) -> list[dict]:
        return [
            dict(row, label=row["label"].removesuffix(" (optional)").rstrip("?"))
            for row in self.summary_rows()
        ]

    def done(self, cleaned: dict[str, dict]) -> HttpResponse:
        data, emails = more.details_from(cleaned)
        try:
            report_details_add(
                report=self.report,
                reporter=None if self.anonymous else self.request.user,
                data=data,
                subject_emails=emails,
                request=self.request,
            )
        except (ValidationError, PermissionDenied) as error:
            return self.render_check(status=400, error=" ".join(getattr(error, "messages", [str(error)])))
        return render(
            self.request,
            "incidents/report_more_done.html",
            {"report": self.report, "anonymous": self.anonymous, "added": bool(data or emails)},
        )
