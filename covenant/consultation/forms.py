"""Forms for responding, moderating and theming. Rendered with the NHS.UK form renderer."""

from __future__ import annotations

from django import forms

from cms.forms import NHSUKDateField
from workforce.models import Region

from .models.questions import Question
from .vocabulary import (
    AGREE_SCALE_OPTIONS,
    Channel,
    ModerationState,
    PublishConsent,
    QuestionKind,
    RedactionReason,
    RespondentType,
)


class AboutYouForm(forms.Form):
    respondent_type = forms.ChoiceField(
        label="Who are you responding as?",
        choices=RespondentType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who you are responding as"},
    )
    organisation_name = forms.CharField(
        label="Organisation name",
        required=False,
        max_length=200,
        help_text="If you are responding for an organisation",
        error_messages={"max_length": "Organisation name must be 200 characters or fewer"},
    )
    region = forms.ChoiceField(
        label="Where do you live or work? (optional)",
        choices=[("", "Prefer not to say"), *Region.choices],
        required=False,
        error_messages={"invalid_choice": "Select a region from the list"},
    )
    publish_consent = forms.ChoiceField(
        label="Can we publish your response?",
        choices=PublishConsent.choices,
        widget=forms.RadioSelect,
        help_text="We remove personal details such as phone numbers before publishing anything.",
        error_messages={"required": "Select whether we may publish your response"},
    )
    respondent_name = forms.CharField(
        label="Your name (optional)",
        required=False,
        max_length=120,
        help_text="Only if you want your response published with your name",
        error_messages={"max_length": "Your name must be 120 characters or fewer"},
    )
    email = forms.EmailField(
        label="E-mail address (optional)",
        required=False,
        help_text="If you want a receipt. We use it only to send the receipt and do not keep it.",
        error_messages={"invalid": "Enter an e-mail address in the correct format, like name@example.com"},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, *args, lenient: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # "Save and come back later" keeps what is typed so far: nothing is required yet, the rest still applies.
        self.lenient = lenient
        if lenient:
            for field in self.fields.values():
                field.required = False

    def clean(self):
        cleaned = super().clean()
        if self.lenient:
            return cleaned
        respondent_type = cleaned.get("respondent_type")
        if (
            respondent_type == RespondentType.ORGANISATION
            and not cleaned.get("organisation_name", "").strip()
        ):
            self.add_error("organisation_name", "Enter the name of your organisation")
        if (
            cleaned.get("publish_consent") == PublishConsent.NAMED
            and respondent_type
            and respondent_type != RespondentType.ORGANISATION
            and not cleaned.get("respondent_name", "").strip()
        ):
            self.add_error(
                "respondent_name", "Enter your name, or choose to publish your response anonymously"
            )
        return cleaned


# Bump when a rule the responding journey's forms apply changes in code in a way `FORM_RULES` below does not see
# (a validator, a clean() method, how a question's kind becomes a field): answers marked as checked under the
# earlier rules then go through the forms again at send (views/journey.py `stamp`, selectors/live.py `rules_of`).
FORMS_VERSION = 1


def _form_rules() -> str:
    """What the journey's forms check answers against in code, as text: `FORMS_VERSION`, the agree scale, and each
    field of "About you" with its type, whether it is required, its length and the values it accepts."""
    about = [
        (
            name,
            type(field).__name__,
            field.required,
            getattr(field, "max_length", None),
            [value for value, _label in getattr(field, "choices", [])],
        )
        for name, field in AboutYouForm.base_fields.items()
    ]
    return repr((FORMS_VERSION, AGREE_SCALE_OPTIONS, about))


FORM_RULES = _form_rules()


class QuestionsForm(forms.Form):
    """The questions of one section. Field names carry each question's stable UUID."""

    def __init__(self, *args, questions: list[Question], lenient: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            label = f"{question.number}. {question.text}"
            required_message = f"Answer question {question.number}"
            if question.kind == QuestionKind.FREE_TEXT:
                field = forms.CharField(
                    label=label,
                    required=question.required,
                    max_length=question.max_length,
                    widget=forms.Textarea(attrs={"rows": 6}),
                )
            elif question.kind == QuestionKind.MULTIPLE_CHOICE:
                field = forms.MultipleChoiceField(
                    label=label,
                    required=question.required,
                    choices=[(option, option) for option in question.options],
                    widget=forms.CheckboxSelectMultiple,
                )
            else:
                field = forms.ChoiceField(
                    label=label,
                    required=question.required,
                    choices=[(option, option) for option in question.options],
                    widget=forms.RadioSelect,
                )
            field.help_text = question.help_text + ("" if question.required else " (optional)")
            field.help_text = field.help_text.strip()
            field.error_messages.update(
                {
                    "required": required_message,
                    "invalid_choice": f"Choose one of the options for question {question.number}",
                    "max_length": (
                        f"Your answer to question {question.number} must be {question.max_length:,} "
                        "characters or fewer"
                    ),
                }
            )
            # "Save and come back later" keeps what is answered so far: no question is required yet.
            field.required = field.required and not lenient
            self.fields[question.field_name] = field
            if question.kind != QuestionKind.FREE_TEXT and question.why_prompt:
                self.fields[f"{question.field_name}-why"] = forms.CharField(
                    label=question.why_prompt,
                    required=False,
                    max_length=question.max_length,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    help_text="Optional",
                    error_messages={
                        "max_length": f"Your explanation must be {question.max_length:,} characters or fewer"
                    },
                )

    @classmethod
    def field_names(cls, questions: list[Question]) -> set[str]:
        """The names of the fields a form of these questions has, without building it."""
        names = {question.field_name for question in questions}
        names |= {
            f"{question.field_name}-why"
            for question in questions
            if question.kind != QuestionKind.FREE_TEXT and question.why_prompt
        }
        return names

    @classmethod
    def initial_from(cls, questions: list[Question], stored: dict) -> dict:
        initial = {}
        for question in questions:
            answer = stored.get(str(question.uuid)) or {}
            if question.kind == QuestionKind.FREE_TEXT:
                initial[question.field_name] = answer.get("text", "")
            elif question.kind == QuestionKind.MULTIPLE_CHOICE:
                initial[question.field_name] = answer.get("selected", [])
            else:
                initial[question.field_name] = (answer.get("selected") or [""])[0]
                initial[f"{question.field_name}-why"] = answer.get("text", "")
        return initial

    def answers(self) -> dict[str, dict]:
        result = {}
        for question in self.questions:
            value = self.cleaned_data.get(question.field_name)
            if question.kind == QuestionKind.FREE_TEXT:
                result[str(question.uuid)] = {"selected": [], "text": (value or "").strip()}
            else:
                selected = value if isinstance(value, list) else ([value] if value else [])
                why = (self.cleaned_data.get(f"{question.field_name}-why") or "").strip()
                result[str(question.uuid)] = {"selected": selected, "text": why}
        return result


class SubmitForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)


class SendForm(SubmitForm):
    """The "Send response" form: the token, and the optional copy of the answers by e-mail. The address goes the
    receipt's way (receipts.py): to the task through the cache, never to the database."""

    copy = forms.BooleanField(label="E-mail me a copy of my answers", required=False)
    copy_email = forms.EmailField(
        label="E-mail address for the copy",
        required=False,
        help_text="We send your reference number and your answers to this address once, and do not keep it.",
        error_messages={"invalid": "Enter an e-mail address in the correct format, like name@example.com"},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("copy") and not cleaned.get("copy_email") and "copy_email" not in self.errors:
            self.add_error("copy_email", "Enter the e-mail address to send the copy of your answers to")
        return cleaned


class SaveForLaterForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address (optional)",
        required=False,
        help_text="We will e-mail you the link. We use the address only to send it and do not keep it.",
        error_messages={"invalid": "Enter an e-mail address in the correct format, like name@example.com"},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


# --- staff ---------------------------------------------------------------------------------------------------


class OfflineResponseForm(forms.Form):
    """How and when a response sent by e-mail or post arrived. The respondent's details and answers use the
    online form's own classes (`StaffAboutYouForm`, `QuestionsForm`), so the same rules apply."""

    channel = forms.ChoiceField(
        label="How was the response received?",
        choices=[(value, label) for value, label in Channel.choices if value != Channel.ONLINE],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how the response was received",
            "invalid_choice": "Select how the response was received",
        },
    )
    received_on = NHSUKDateField(
        label="Date received",
        help_text="The date the e-mail or letter arrived, for example 15 3 2026",
        error_messages={"required": "Enter the date the response was received"},
    )
    token = forms.UUIDField(widget=forms.HiddenInput)


class StaffAboutYouForm(AboutYouForm):
    """'About you' as a moderator transcribes it: the same fields and rules, asked about the respondent. No
    receipt address: the respondent wrote to us, so we reply the way they wrote."""

    labels = {
        "respondent_type": "Who is the respondent responding as?",
        "organisation_name": "Organisation name",
        "region": "Where do they live or work? (optional)",
        "publish_consent": "What did they say about publishing their response?",
        "respondent_name": "Their name (optional)",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["email"]
        for name, label in self.labels.items():
            self.fields[name].label = label
        self.fields["publish_consent"].help_text = "If they did not say, choose “Do not publish my response”."
        self.fields["respondent_name"].help_text = "Only if they asked to be published with their name"
        self.fields["respondent_name"].error_messages["max_length"] = (
            "The name must be 120 characters or fewer"
        )

    def clean(self):
        cleaned = super().clean()
        if "respondent_name" in self.errors:
            self.errors["respondent_name"] = self.error_class(
                [
                    "Enter their name, or choose to publish the response anonymously"
                    if "Enter your name" in message
                    else message
                    for message in self.errors["respondent_name"]
                ]
            )
        return cleaned

    def about(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in self.labels}


class ThemeChangeForm(forms.Form):
    name = forms.CharField(
        label="Theme name",
        max_length=120,
        error_messages={
            "required": "Enter a name for the theme",
            "max_length": "The theme name must be 120 characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The description must be 400 characters or fewer"},
    )


class ThemeMergeForm(forms.Form):
    target = forms.TypedChoiceField(
        label="Merge into",
        coerce=int,
        help_text="Its tags move to the theme you choose, and this theme is removed",
        error_messages={
            "required": "Choose the theme to merge into",
            "invalid_choice": "Choose a theme from the list",
        },
    )

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", "Choose a theme")] + [
            (theme.pk, theme.name) for theme in themes
        ]


class ModerationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            (ModerationState.APPROVED, "Approve for publication"),
            (ModerationState.REJECTED, "Do not publish (still counted)"),
            (ModerationState.INVALID, "Invalid: spam or a test, not counted"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision"},
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)


class RedactForm(forms.Form):
    """Redact suggested spans (checkboxes, each redacted under the kind that was found) and/or every occurrence
    of a phrase the moderator types (which needs a reason)."""

    suggestions = forms.MultipleChoiceField(
        label="Suggested redactions",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each is redacted as what was found, for example “[redacted: e-mail address]”",
    )
    phrase = forms.CharField(
        label="Other text to redact",
        required=False,
        max_length=500,
        help_text="Every occurrence in this field is redacted",
    )
    reason = forms.ChoiceField(
        label="Reason for the other text",
        required=False,
        choices=[("", "Choose a reason"), *RedactionReason.choices],
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)

    def __init__(self, *args, suggestion_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggestions"].choices = list(suggestion_choices)

    def clean(self):
        cleaned = super().clean()
        phrase = (cleaned.get("phrase") or "").strip()
        if not cleaned.get("suggestions") and not phrase:
            self.add_error("phrase", "Enter the text to redact, or choose a suggested redaction")
        if phrase and not cleaned.get("reason"):
            self.add_error("reason", "Choose a reason for the redaction")
        return cleaned

    def suggested_spans(self) -> list[tuple[int, int, str]]:
        spans = []
        for value in self.cleaned_data["suggestions"]:
            start, end, kind = value.split(":", 2)
            spans.append((int(start), int(end), kind))
        return spans


class DismissForm(forms.Form):
    """Dismiss one suggestion: the moderator says why it is not personal data."""

    suggestion = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label="Why is this not personal data?",
        max_length=300,
        error_messages={"required": "Say why this is not personal data"},
    )

    def __init__(self, *args, suggestion_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = {value for value, _ in suggestion_choices}

    def clean_suggestion(self):
        value = self.cleaned_data["suggestion"]
        if value not in self.allowed:
            raise forms.ValidationError("That suggestion has already been resolved")
        start, end, kind = value.split(":", 2)
        return int(start), int(end), kind


class ThemeForm(forms.Form):
    name = forms.CharField(label="Theme name", max_length=120, error_messages={"required": "Enter a name"})
    description = forms.CharField(label="Description (optional)", required=False, max_length=400)
    question = forms.TypedChoiceField(label="Question", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [("", "All questions")] + [
            (question.pk, f"{question.number}. {question.text[:80]}") for question in questions
        ]


class TagForm(forms.Form):
    theme = forms.TypedChoiceField(label="Theme", coerce=int, error_messages={"required": "Choose a theme"})

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", "Choose a theme")] + [(theme.pk, theme.name) for theme in themes]


class SafeguardingConcernForm(forms.Form):
    concern = forms.CharField(
        label="What is the concern?",
        help_text="Goes to the safeguarding lead with the response. Do not copy the respondent's words",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the concern is"},
    )


class SafeguardingNoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter a note"},
    )


class SafeguardingDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            ("referred", "Referred to the local authority"),
            ("no_action", "No further action"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose referred to the local authority or no further action"},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the reason for the decision"},
    )
