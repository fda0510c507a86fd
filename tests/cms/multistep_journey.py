"""A small journey built on cms/multistep.py for its tests, served at /journey/ by `urlpatterns` here."""

from __future__ import annotations

import json

from django import forms
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.urls import path

from cms import multistep
from cms import urls as site_urls
from cms.forms import NHSUKDateField
from covenant.consultation.encryption import KEYS

PAGE = engines["django"].from_string(
    """{% include "multistep/back_button.html" %}
<h1>{{ title }}</h1>
{% for error in form.non_field_errors %}<p class="error">{{ error }}</p>{% endfor %}
{% for field in form %}{% for error in field.errors %}<p class="error">{{ field.name }}: {{ error }}</p>{% endfor %}{% endfor %}
<form method="post" id="main">{% csrf_token %}{{ form.as_p }}{% include "multistep/hidden.html" %}
<button>Continue</button></form>
{% include "multistep/side_form.html" %}"""
)
CHECK = engines["django"].from_string(
    """{% include "multistep/back_button.html" %}<h1>Check your answers</h1>
<dl>{% for row in rows %}<dt>{{ row.label }}</dt><dd>{{ row.value }}</dd>
<dd>{% include "multistep/change_button.html" with step=row.step label=row.label %}</dd>{% endfor %}</dl>
<form method="post">{% csrf_token %}{% include "multistep/hidden.html" %}
<button name="action" value="send">Send</button></form>
{% include "multistep/side_form.html" %}"""
)


class WhatForm(forms.Form):
    what = forms.ChoiceField(
        label="What happened",
        choices=[("verbal", "Verbal abuse"), ("physical", "Physical assault")],
        widget=forms.RadioSelect,
    )


class HurtForm(forms.Form):
    hurt = forms.ChoiceField(
        label="Were you hurt", choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect
    )


class InjuryForm(forms.Form):
    injury = forms.CharField(label="Describe the injury", max_length=2000)


class WhenForm(forms.Form):
    when = NHSUKDateField(label="When did it happen")


class NoteForm(forms.Form):
    note = forms.CharField(label="Anything else", required=False, max_length=200_000)


class ToyJourney(multistep.Journey):
    name = "test-journey"
    keyring = KEYS
    max_bytes = 16 * 1024

    def get_steps(self):
        return (
            multistep.Step("what", WhatForm, "What happened"),
            multistep.Step("hurt", HurtForm, "Were you hurt"),
            multistep.Step("injury", InjuryForm, "Injury", when=lambda a: a.value("hurt", "hurt") == "yes"),
            multistep.Step("when", WhenForm, "When"),
            multistep.Step("note", NoteForm, "Anything else"),
        )

    def render_step(self, step, form, *, status=200):
        html = PAGE.render({"form": form, "title": step.title, **self.context()})
        return HttpResponse(html, status=status)

    def render_check(self, *, status=200, error=""):
        html = CHECK.render({"rows": self.summary_rows(), **self.context()})
        return HttpResponse(html, status=status)

    def context(self):
        # Rendered without the site's context processors, so that the queries counted are the mechanism's own.
        return {"journey": self, "request": self.request, "csrf_token": get_token(self.request)}

    def done(self, cleaned):
        sent = {step: {k: str(v) for k, v in data.items()} for step, data in cleaned.items()}
        return HttpResponse(
            json.dumps({"token": self.progress.token, "sent": sent}), content_type="application/json"
        )

    def start_url(self):
        return "/journey/"

    def action_url(self):
        return "/journey/"

    def screen(self):
        # A honeypot, as the consultation's: software that fills every field is refused before anything is read.
        if self.request.POST.get("website"):
            return HttpResponse("refused", status=400)
        return None


def journey_view(request):
    return ToyJourney(request).handle()


urlpatterns = [path("journey/", journey_view), *site_urls.urlpatterns]
