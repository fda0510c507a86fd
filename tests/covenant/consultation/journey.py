"""Walking the response journey (views/journey.py) through the views, as a browser does: each POST carries the
payload of the page it answers."""

from __future__ import annotations

import re

from django.urls import reverse

from covenant.consultation.selectors.questions import question_sections, questions_for

ABOUT = {
    "respondent_type": "nhs_staff",
    "organisation_name": "",
    "region": "north_east_yorkshire",
    "publish_consent": "anonymous",
    "respondent_name": "",
    "email": "",
}

FULL_ANSWERS = {
    1: ("Strongly agree", "Because staff deserve it. Call me on 07700 900123."),
    2: ["Safe workplaces", "Fair treatment"],
    3: ("Yes", ""),
    4: "Yes",
    5: "A simple online form that works on a phone.",
    6: ("Agree", ""),
    7: "Make training records transfer automatically.",
    8: "",
}


def respond_url(page) -> str:
    return reverse("consultation:respond", args=[page.pk])


def payload_of(response) -> str:
    return re.search(rb'name="journey" value="([^"]+)"', response.content).group(1).decode()


def heading(response) -> str:
    return re.search(rb"<h1[^>]*>(.*?)</h1>", response.content, re.S).group(1).decode().strip()


def post(client, page, response, data=None, **fields):
    return client.post(respond_url(page), {"journey": payload_of(response), **(data or {}), **fields})


def section_data(page, step, answers):
    """POST data for one question page, from {question number: value} (list for multiple, (choice, why))."""
    section = question_sections(questions_for(consultation=page))[step - 1]
    data = {}
    for question in section:
        value = answers.get(question.number)
        if value is None:
            continue
        if isinstance(value, tuple):
            data[question.field_name], data[f"{question.field_name}-why"] = value
        else:
            data[question.field_name] = value
    return data


def answer_everything(client, page, about=None, answers=None):
    """From the first page to "Check your answers"; returns the check page."""
    response = client.get(respond_url(page))
    assert response.status_code == 200, response.content.decode()[:2000]
    response = post(client, page, response, about or ABOUT)
    assert response.status_code == 200, response.content.decode()[:2000]
    for step in (1, 2, 3):
        response = post(client, page, response, section_data(page, step, answers or FULL_ANSWERS))
        assert response.status_code == 200, response.content.decode()[:3000]
    assert "Check your answers" in heading(response)
    return response


def send(client, page, check, **fields):
    return post(client, page, check, action="send", **fields)


def reference_of(response) -> str:
    return re.search(rb"<strong>([A-Z0-9-]+)</strong>", response.content).group(1).decode()
