"""One mechanism for the public multi-step forms (the consultation response, the incident report): a question or a
section a page, "Check your answers" with change links, then send. Progress travels with the browser, never in the
database or the session.

**Where progress lives.** Every page of a journey carries the answers so far in one hidden field: JSON, compressed,
then encrypted and authenticated with the app's keyring (`cms.encryption.Keyring`, Fernet: AES and an HMAC tag, and
the time it was made). The server keeps nothing between requests, so no request reads or writes a session row or a
cache entry, and nothing of an anonymous report exists anywhere but in the reporter's browser until it is sent. The
payload is bound to its journey (a payload from one form is refused by another), expires `max_age` seconds after
the last page, and is refused beyond `max_bytes`; a tampered, foreign, expired or oversized payload gets a clear
error page (400) with a link to start again, never a 500.

**How a page moves on.** Each POST answers the step the payload says is shown (a browser cannot choose which step
it answers); the next page is rendered in the response to that POST, with the new payload, so a journey of n
steps costs n + 2 requests and no redirects. Buttons, not links, carry the payload: "Back" and each "Change" are
`<button>`s in the form (styled as links), so the journey works with the keyboard alone and without JavaScript.
Answers are kept as the browser sent them (the payload holds only strings) and bound to the step's form again
whenever they are needed, unless the journey gives `stamp`s: then a step whose answers passed its form on its own
page is marked in the payload with the stamp (what the form depends on), and counts as complete without the form
while the stamp holds. The payload is sealed, so a mark can only have been written by this server. A journey's
send checks every step by its form again (`sends_from_marks` False, the default) or reads the marked answers itself
and applies its own rules (the consultation, whose service checks every answer).

**Pages kept for everyone.** A page that does not depend on the person (an unanswered question, a confirmation,
the frame of "Check your answers") can be rendered once and filled in per person: `render_shared` (and
`cms.pageshell`) with a key naming everything else the page depends on.

A journey is a subclass of `Journey` that lists its steps and renders its pages; the engine here does the rest.
Using the browser's own back button and continuing from an earlier page continues from that page's answers (the
later pages' answers are in the later pages); the app's "Check your answers" page shows what will be sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict
from django.utils.functional import SimpleLazyObject

from cms import pageshell
from cms.encryption import Keyring
from cms.sealed_progress import Answers, Progress, ProgressError, raw_answers, seal, unseal

__all__ = [
    "ACTION",
    "CHANGE",
    "CHECK",
    "FIELD",
    "Answers",
    "CleanedAnswers",
    "Journey",
    "LazyForm",
    "Progress",
    "ProgressError",
    "Step",
    "display_value",
    "raw_answers",
    "seal",
    "unseal",
]

FIELD = "journey"  # the name of the hidden field that carries the progress
ACTION = "action"  # the name of the buttons: "continue" (the default), "back", "send" or an app's own
CHANGE = "change"  # the name of a "Change" button, whose value is the step to open
CHECK = "check"  # the position of the "Check your answers" page


@dataclass(frozen=True)
class Step:
    """One page of a journey. `when` decides, from the answers so far, whether the step is asked at all."""

    name: str
    form_class: type[forms.Form]
    title: str = ""
    when: Callable[[Answers], bool] | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)

    def asked(self, answers: Answers) -> bool:
        return self.when is None or bool(self.when(answers))


class Journey:
    """A multi-step form. Subclasses set `name` and `keyring`, list `steps()`, and render the pages; `handle()` runs
    the journey for one request and returns the response.

    The templates get `journey` (this object): `{% include "multistep/hidden.html" %}` inside the page's form writes
    the payload; `multistep/back_button.html` and `multistep/change_button.html` are the back and change buttons,
    which post the separate `multistep/side_form.html` (`action=back`, or `change=<step name>`).
    """

    name: str = ""
    keyring: Keyring
    sends_from_marks = False  # see `stamp` and `_send`
    max_age: int = 4 * 60 * 60
    max_bytes: int = 96 * 1024
    field = FIELD
    error_template = "multistep/progress_error.html"

    def __init__(self, request):
        self.request = request
        self.progress: Progress | None = None
        self._steps: Sequence[Step] | None = None

    # --- to be provided by the journey ------------------------------------------------------------------------

    def get_steps(self) -> Sequence[Step]:
        raise NotImplementedError

    def render_step(self, step: Step, form: forms.Form, *, status: int = 200) -> HttpResponse:
        raise NotImplementedError

    def render_check(self, *, status: int = 200, error: str = "") -> HttpResponse:
        raise NotImplementedError

    def done(self, cleaned: dict[str, dict[str, Any]]) -> HttpResponse:
        """Send: called with every asked step's cleaned data once all are valid. Use `self.progress.token` as the
        submission key so that sending twice stores one record."""
        raise NotImplementedError

    def start_url(self) -> str:
        raise NotImplementedError

    def screen(self) -> HttpResponse | None:
        """A refusal of this POST before it is acted on, or None. Called on every POST with `self.progress`
        unsealed: a filled honeypot, a field no step has, or a payload naming a record the person may not reach
        ("tell us more" about a report that is not theirs)."""
        return None

    def action_url(self) -> str:
        """Where the pages' forms post; "" for the address of the page itself."""
        return ""

    def other_action(self, action: str) -> HttpResponse | None:
        """An app's own button (for example "Save and come back later"); None for an unknown action."""
        return None

    def form_kwargs(self, step: Step) -> dict[str, Any]:
        return dict(step.kwargs)

    # --- reading the journey ----------------------------------------------------------------------------------

    def steps(self) -> Sequence[Step]:
        if self._steps is None:
            self._steps = tuple(self.get_steps())
        return self._steps

    def step(self, name: str) -> Step | None:
        return next((step for step in self.steps() if step.name == name), None)

    def answers(self) -> Answers:
        return Answers(self.progress.answers if self.progress else {})

    def asked_steps(self) -> list[Step]:
        answers = self.answers()
        return [step for step in self.steps() if step.asked(answers)]

    def form(self, step: Step, data=None) -> forms.Form:
        """The step's form: bound to `data`, else to the stored answers if there are any, else unbound."""
        if data is None and self.progress and step.name in self.progress.answers:
            data = MultiValueDict(self.progress.answers[step.name])
        return (
            step.form_class(data, **self.form_kwargs(step))
            if data is not None
            else step.form_class(**self.form_kwargs(step))
        )

    def checked_form(self, step: Step) -> forms.Form:
        """The step's form bound to its stored answers and validated, kept for the request per step and answers:
        working out the next page, and sending, ask about each step several times."""
        stored = self.progress.answers.get(step.name) if self.progress else None
        key = (step.name, json.dumps(stored, sort_keys=True))
        memo = self.__dict__.setdefault("_checked_forms", {})
        if key not in memo:
            form = self.form(step)
            form.is_valid()
            memo[key] = form
        return memo[key]

    def cleaned(self, step: Step) -> dict[str, Any] | None:
        """The step's stored answers, cleaned by its form, or None if it has none or they are not valid."""
        if not self.progress or step.name not in self.progress.answers:
            return None
        form = self.checked_form(step)
        return form.cleaned_data if form.is_valid() else None

    def stamp(self, step: Step) -> str | None:
        """A version of everything `step`'s form checks its answers against (for a consultation: the publication),
        or None (the default: every step's answers are checked by its form again whenever they are needed).

        With a stamp, answers that passed the step's form on their own page count as complete, without the form,
        while the stamp is unchanged: the payload is sealed and authenticated, so only this server could have
        written the mark, and it writes it only after the form accepted those answers. A journey whose forms
        depend on other steps' answers must not give a stamp. The app's send still applies its own rules."""
        return None

    def keep_answers(self, step: Step, raw: dict[str, list[str]], *, checked: bool = False) -> None:
        """Keep `raw` as the step's answers; `checked` marks them as accepted by the step's form (`stamp`). Every
        change of a step's answers goes through here, so answers are never left with another answer's mark."""
        self.progress.answers[step.name] = raw
        self.progress.checked.pop(step.name, None)
        stamp = self.stamp(step) if checked else None
        if stamp is not None:
            self.progress.checked[step.name] = stamp

    def marked(self, step: Step) -> bool:
        """Whether the step's answers carry the mark of its form under the current stamp (see `stamp`)."""
        if self.progress is None or step.name not in self.progress.answers:
            return False
        stamp = self.stamp(step)
        return stamp is not None and self.progress.checked.get(step.name) == stamp

    def complete(self, step: Step) -> bool:
        """Whether the step has answers its form accepts (see `stamp`)."""
        return self.marked(step) or self.cleaned(step) is not None

    def first_incomplete(self) -> Step | None:
        return next((step for step in self.asked_steps() if not self.complete(step)), None)

    @property
    def payload(self) -> str:
        state = self.progress.to_json()
        if getattr(self, "_sealed_state", None) != state:
            self._sealed = seal(self.progress, keyring=self.keyring, max_bytes=self.max_bytes)
            self._sealed_state = state
        return self._sealed

    def position(self) -> tuple[int, int]:
        """(number of the page shown, number of pages) counting the asked steps and "Check your answers"."""
        asked = self.asked_steps()
        names = [step.name for step in asked]
        at = names.index(self.progress.at) + 1 if self.progress.at in names else len(names) + 1
        return at, len(names) + 1

    # --- running it -------------------------------------------------------------------------------------------

    def handle(self) -> HttpResponse:
        if self.request.method != "POST":
            return self.begin()
        try:
            self.progress = unseal(
                self.request.POST.get(self.field, ""),
                journey=self.name,
                keyring=self.keyring,
                max_age=self.max_age,
                max_bytes=self.max_bytes,
            )
        except ProgressError as error:
            return self.render_error(error)
        action = self.request.POST.get(ACTION) or (CHANGE if CHANGE in self.request.POST else "continue")
        try:
            refused = self.screen()
            if refused is not None:
                return refused
            return self._act(action)
        except ProgressError as error:
            return self.render_error(error)

    def begin(self, *, extra: dict[str, Any] | None = None) -> HttpResponse:
        """A new journey: its first page."""
        self.progress = Progress.new(self.name)
        self.progress.extra.update(extra or {})
        return self.show(self.asked_steps()[0].name if self.asked_steps() else CHECK)

    def _act(self, action: str) -> HttpResponse:
        at = self.step(self.progress.at)
        if action == "continue" and at is not None:
            return self._continue(at)
        if action == "back":
            return self.show(self._previous())
        if action == CHANGE:
            wanted = self.step(self.request.POST.get(CHANGE, ""))
            if wanted is None or not wanted.asked(self.answers()):
                return self.show(self.progress.at)
            self.progress.checking = True
            return self.show(wanted.name)
        if action == "send" or (action == "continue" and self.progress.at == CHECK):
            return self._send()
        response = self.other_action(action)
        return response if response is not None else self.show(self.progress.at)

    def _continue(self, step: Step) -> HttpResponse:
        form = self.form(step, self.request.POST)
        if not form.is_valid():
            raw = raw_answers(form, self.request.POST)
            # Invalid answers are kept as typed for the page shown again, but sealing measures only the
            # compressed size: text that compresses well (a megabyte of one letter) is refused by its raw length.
            if len(json.dumps(raw)) > self.max_bytes:
                form.add_error(None, ProgressError.REASONS["too_large"])
            else:
                self.keep_answers(step, raw)
            return self.render_step(step, form, status=400)
        previous = self.progress.answers.get(step.name)
        previous_stamp = self.progress.checked.get(step.name)
        self.keep_answers(step, raw_answers(form, self.request.POST), checked=True)
        try:
            self.payload  # noqa: B018  (sealing checks the size before the answer is taken)
        except ProgressError as error:
            self.progress.checked.pop(step.name, None)
            if previous is None:
                self.progress.answers.pop(step.name)
            else:
                self.progress.answers[step.name] = previous
                if previous_stamp is not None:
                    self.progress.checked[step.name] = previous_stamp
            form.add_error(None, str(error))
            return self.render_step(step, form, status=400)
        return self.show(self._next_after(step))

    def _next_after(self, step: Step) -> str:
        asked = self.asked_steps()
        if not self.progress.checking:
            names = [each.name for each in asked]
            later = asked[names.index(step.name) + 1 :] if step.name in names else []
            following = next((each for each in later if not self.complete(each)), None)
            if following is not None:
                return following.name
        incomplete = self.first_incomplete()
        return incomplete.name if incomplete is not None else CHECK

    def _previous(self) -> str:
        names = [step.name for step in self.asked_steps()]
        if self.progress.at == CHECK:
            return names[-1] if names else CHECK
        if self.progress.at in names and names.index(self.progress.at) > 0:
            return names[names.index(self.progress.at) - 1]
        return names[0] if names else CHECK

    def show(self, at: str, *, status: int = 200) -> HttpResponse:
        if at != CHECK and self.step(at) is None:
            at = CHECK
        if at == CHECK:
            incomplete = self.first_incomplete()
            if incomplete is not None:
                at = incomplete.name
        self.progress.at = at
        if at == CHECK:
            self.progress.checking = False
            return self.render_check(status=status)
        step = self.step(at)
        if step.name in self.progress.answers:
            return self.render_step(step, self.form(step), status=status)
        # Not answered yet: built only if the page is rendered (a page kept for everyone is not: cms/pageshell.py).
        return self.render_step(step, LazyForm(lambda: self.form(step)), status=status)

    def _send(self) -> HttpResponse:
        # A journey whose `done` reads the forms' cleaned data checks every step by its form here, marks or not;
        # one that sends from its own reading of the answers (`sends_from_marks`) trusts the marks.
        if self.sends_from_marks:
            incomplete = self.first_incomplete()
        else:
            incomplete = next((step for step in self.asked_steps() if self.cleaned(step) is None), None)
        if incomplete is not None:
            self.progress.at = incomplete.name
            form = self.form(incomplete, MultiValueDict(self.progress.answers.get(incomplete.name, {})))
            return self.render_step(incomplete, form, status=400)
        self.progress.at = CHECK
        return self.done(CleanedAnswers(self))

    def render_shared(
        self,
        template: str,
        context: dict[str, Any],
        *,
        status: int = 200,
        shared: tuple | None = None,
        fills: dict[str, str] | None = None,
    ) -> HttpResponse:
        """A page of the journey. With `shared` (a key naming everything the page depends on besides the journey,
        the step shown, its position and whether the person came from "Check your answers"), the page is the same
        for everyone: `cms.pageshell` keeps it and fills in the person's payload (and `fills`). Only pages without
        the person's answers or errors may be shared: a status other than 200 is always rendered."""
        if shared is None or status != 200 or self.progress is None:
            return render(self.request, template, context, status=status)
        key = (self.name, self.progress.at, self.position(), self.progress.checking, *shared)
        return pageshell.render_shared(
            self.request,
            template,
            context,
            key=key,
            fills={"journey_payload": self.payload, **(fills or {})},
            status=status,
        )

    def render_error(self, error: ProgressError) -> HttpResponse:
        return render(
            self.request,
            self.error_template,
            {"message": str(error), "reason": error.reason, "start_url": self.start_url()},
            status=400,
        )

    # --- "Check your answers" -----------------------------------------------------------------------------------

    def summary_rows(self) -> list[dict[str, Any]]:
        """One row a field of every asked step: its label, the answer as a person reads it, and the step to change."""
        rows = []
        for step in self.asked_steps():
            form = self.form(step)
            cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
            for name, form_field in form.fields.items():
                if isinstance(form_field.widget, forms.HiddenInput):
                    continue
                rows.append(
                    {
                        "step": step.name,
                        "label": str(form_field.label or name),
                        "value": display_value(form_field, cleaned.get(name)),
                    }
                )
        return rows


class LazyForm(SimpleLazyObject):
    """A step's unanswered form, built when the page uses it: `is_bound` is known (False) without building it."""

    is_bound = False

    def then(self, prepare: Callable[[forms.Form], object]) -> LazyForm:
        """This form, with `prepare(form)` applied when it is built."""
        build = self.__dict__["_setupfunc"]

        def built():
            form = build()
            prepare(form)
            return form

        return LazyForm(built)


class CleanedAnswers(Mapping):
    """Every asked step's cleaned answers, by step name, each cleaned by its form when it is first read: a journey
    with stamps (`Journey.stamp`) that sends from its own reading of the answers never pays for the forms."""

    def __init__(self, journey: Journey):
        self._journey = journey
        self._asked = {step.name: step for step in journey.asked_steps()}

    def __getitem__(self, name: str) -> dict[str, Any] | None:
        return self._journey.cleaned(self._asked[name])

    def __iter__(self):
        return iter(self._asked)

    def __len__(self) -> int:
        return len(self._asked)


def display_value(form_field: forms.Field, value) -> str:
    """An answer as a person reads it on "Check your answers"."""
    if value in (None, "", [], ()):
        return "Not answered"
    if isinstance(form_field, forms.ModelChoiceField):
        return ", ".join(str(item) for item in value) if isinstance(value, list | tuple) else str(value)
    choices = dict(getattr(form_field, "choices", []) or [])
    if isinstance(value, list | tuple):
        return ", ".join(str(choices.get(item, getattr(item, "name", item))) for item in value)
    if choices and value in choices:
        return str(choices[value])
    if hasattr(value, "strftime"):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)
