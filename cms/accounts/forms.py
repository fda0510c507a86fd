from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from .throttling import normalise_email


class NormalisedEmailField(forms.EmailField):
    """An e-mail address folded (Unicode compatibility forms, spaces, case) before it is validated."""

    def to_python(self, value):
        return normalise_email(super().to_python(value))


class SignInForm(AuthenticationForm):
    username = NormalisedEmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Enter a correct email address and password. Both may be case sensitive.",
        "inactive": "This account has been switched off. Contact your organisation's administrator.",
    }


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code shown in your authenticator app.",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "nhsuk-input--width-10"}
        ),
        error_messages={
            "required": "Enter the 6-digit security code",
            "min_length": "The security code must be 6 digits",
            "max_length": "The security code must be 6 digits",
        },
    )

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = self.cleaned_data["token"].strip().replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError("The security code must be 6 digits")
        if self.device is None or not self.device.verify_token(token):
            raise forms.ValidationError("The security code is wrong or has expired. Enter the current code.")
        return token


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label="Recovery code",
        help_text="One of the recovery codes you saved when you set up two-factor authentication.",
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "nhsuk-input--width-10"}
        ),
        error_messages={"required": "Enter a recovery code"},
    )

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"].strip().replace(" ", "").replace("-", "").lower()
        # django-otp's static device throttles failures and deletes a code once it has been used.
        if self.device is None or not self.device.verify_token(code):
            raise forms.ValidationError("The recovery code is wrong or has already been used")
        return code


class TwoFactorResetForm(forms.Form):
    email = NormalisedEmailField(
        label="Email address of the person who lost their device",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter a valid email address",
        },
    )
    reason = forms.CharField(
        label="Why are you resetting their two-factor authentication?",
        help_text="For example, how you confirmed who they are. This goes to the audit log.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are resetting their two-factor authentication"},
    )

    def __init__(self, *args, candidates=None, may_reset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.may_reset = may_reset

    def clean_email(self):
        email = self.cleaned_data["email"]
        user = self.candidates.filter(email__iexact=email).first() if self.candidates is not None else None
        if user is None or not self.may_reset(user):
            raise forms.ValidationError(
                "There is no one with that email address whose two-factor authentication you administer. Their "
                "roles that need it must be at organisations where you are an HR administrator"
            )
        self.target = user
        return email


class ConfirmForm(forms.Form):
    """A POST with nothing to fill in: a button that changes something."""


class ResetRequestForm(PasswordResetForm):
    email = NormalisedEmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": "Enter your email address", "invalid": "Enter a valid email address"},
    )
