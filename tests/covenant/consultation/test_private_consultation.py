"""Review 2, F2: a consultation with a view restriction (password, login, groups; on the page or an ancestor) is
not served by the plain-URL response journey, and adding or removing the restriction takes effect at once even
though the journey keeps a cached snapshot of the consultation."""

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from covenant.consultation.models import ConsultationResponse, Question

from .journey import ABOUT, answer_everything, payload_of, respond_url, send

pytestmark = pytest.mark.django_db


def first_question(consultation) -> str:
    return Question.objects.filter(consultation=consultation).order_by("sort_order").first().text[:40]


def test_a_password_protected_consultation_is_not_served_by_the_journey(consultation, client):
    started = client.get(respond_url(consultation))  # the snapshot is cached before the restriction
    assert started.status_code == 200
    PageViewRestriction.objects.create(page=consultation, restriction_type="password", password="s3cret")

    assert client.get(respond_url(consultation)).status_code == 404
    about = client.post(respond_url(consultation), {"journey": payload_of(started), **ABOUT})
    assert about.status_code == 404
    assert first_question(consultation) not in about.content.decode()
    resume = client.get(reverse("consultation:resume", args=[consultation.pk, "A" * 43]))
    assert resume.status_code == 404


def test_a_login_only_consultation_takes_no_response_from_the_journey(consultation, client):
    check = answer_everything(client, consultation)
    PageViewRestriction.objects.create(page=consultation, restriction_type="login")
    done = send(client, consultation, check)
    assert done.status_code == 404
    assert not ConsultationResponse.objects.exists()
    sent_again = client.post(
        reverse("consultation:send", args=[consultation.pk]), {"journey": payload_of(check), "action": "send"}
    )
    assert sent_again.status_code == 404
    assert not ConsultationResponse.objects.exists()


def test_a_restriction_on_an_ancestor_hides_the_consultation_and_removing_it_restores_it(
    consultation, client
):
    restriction = PageViewRestriction.objects.create(
        page=consultation.get_parent(), restriction_type="password", password="s3cret"
    )
    assert client.get(respond_url(consultation)).status_code == 404
    restriction.delete()
    check = answer_everything(client, consultation)
    assert send(client, consultation, check).status_code == 200
    assert ConsultationResponse.objects.count() == 1
