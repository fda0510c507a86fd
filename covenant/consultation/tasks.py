"""Background work for the consultation."""

from __future__ import annotations

import logging

from django.apps import apps
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from cms.accounts.roles import ROLES_BY_KEY
from cms.links import absolute_url
from cms.taskqueue import email_send_once
from cms.times import datetime_nhs

from . import publication, receipts, theme_analysis
from .campaign_detection import campaigns_detect
from .models.responses import ConsultationResponse
from .models.safeguarding import SafeguardingReferral

logger = logging.getLogger(__name__)


class ReceiptNotSent(Exception):
    """Raised instead of the mail error, whose text can quote the address, so the task table never holds it."""


class ResumeLinkNotSent(Exception):
    """As ReceiptNotSent, for the e-mail with a "save and come back later" link."""


@task()
def send_response_receipt(*, response_id: int, receipt_ref: str) -> None:
    """E-mail a receipt with the reference number and, when the respondent asked for one, a copy of their answers
    as they typed them; once per response however often this runs.

    The task is given a reference to the address held encrypted in the cache (receipts.py), never the address,
    and removes it when done, sent or not; a worker killed mid-send leaves it for the retried task."""
    held = receipts.held(receipt_ref)
    address = held.get("address", "")
    response = ConsultationResponse.objects.select_related("consultation").filter(pk=response_id).first()
    if response is None or not address:
        receipts.discard(receipt_ref)
        return
    context = {
        "response": response,
        "consultation": response.consultation,
        "answers": publication.respondent_copy(response) if held.get("copy") else None,
        "consultation_link": absolute_url(response.consultation.get_url_parts()[2]),
    }
    try:
        email_send_once(
            task="consultation.receipt",
            key=str(response.pk),
            subject=f"Your response to {response.consultation.title}: {response.reference}",
            body=render_to_string("consultation/email/receipt.txt", context),
            to=[address],
        )
    except Exception:
        logger.warning("The receipt for response %s could not be sent", response.pk)
        raise ReceiptNotSent(f"The receipt for response {response.reference} could not be sent") from None
    finally:
        receipts.discard(receipt_ref)


@task()
def send_resume_link(*, consultation_id: int, receipt_ref: str) -> None:
    """E-mail the link that opens a saved draft response. The address and the link (which opens the draft) are
    both held sealed in the cache (receipts.py), so neither is in the task table; the entry goes when done."""
    held = receipts.held(receipt_ref)
    consultation = (
        apps.get_model("consultation", "ConsultationPage").objects.filter(pk=consultation_id).first()
    )
    if consultation is None or not held.get("address") or not held.get("link"):
        receipts.discard(receipt_ref)
        return
    context = {"consultation": consultation, "link": held["link"]}
    try:
        email_send_once(
            task="consultation.resume_link",
            key=receipt_ref,
            subject=f"Your saved response to {consultation.title}",
            body=render_to_string("consultation/email/resume_link.txt", context),
            to=[held["address"]],
        )
    except Exception:
        logger.warning("A resume link for consultation %s could not be sent", consultation_id)
        raise ResumeLinkNotSent("The resume link could not be sent") from None
    finally:
        receipts.discard(receipt_ref)


@task()
def notify_safeguarding_lead(*, referral_id: int) -> None:
    """Tell the consultation's safeguarding lead (every safeguarding lead when it names none) that a referral is
    waiting: its reference, deadline and a link, never the words of the response."""
    referral = SafeguardingReferral.objects.select_related("lead", "response").filter(pk=referral_id).first()
    if referral is None or not referral.is_open:
        return
    if referral.lead is not None and referral.lead.is_active:
        recipients = [referral.lead.email]
    else:
        recipients = sorted(
            get_user_model()
            .objects.filter(is_active=True, groups__name=ROLES_BY_KEY["safeguarding_lead"].name)
            .values_list("email", flat=True)
            .distinct()
        )
    if not recipients:
        logger.error("Safeguarding referral %s has nobody to notify: name a safeguarding lead", referral.pk)
        return
    link = absolute_url(reverse("consultation:safeguarding_referral", args=[referral.pk]))
    context = {"referral": referral, "link": link}
    email_send_once(
        task="consultation.safeguarding_referral",
        key=str(referral.pk),
        subject=f"Safeguarding referral {referral.reference}: decide by {datetime_nhs(referral.due_at)}",
        body=render_to_string("consultation/email/safeguarding_referral.txt", context),
        to=recipients,
    )


@task()
def detect_campaigns(*, consultation_id: int) -> None:
    # The page model by name: its module's routes reach this one through the public views.
    consultation = (
        apps.get_model("consultation", "ConsultationPage").objects.filter(pk=consultation_id).first()
    )
    if consultation is not None:
        campaigns_detect(consultation=consultation)


def _analysis(run_id: int, work) -> None:
    run = theme_analysis.run_claim(run_id)
    if run is None:
        return
    try:
        work(run)
    except Exception:
        theme_analysis.run_failed(run)
        raise


@task()
def suggest_themes(*, run_id: int) -> None:
    """Candidate themes for a question (`theme_analysis.themes_suggest`), its progress on the run."""
    _analysis(run_id, theme_analysis.themes_suggest)


@task()
def assign_themes(*, run_id: int) -> None:
    """Which themes each answer to a question raises (`theme_analysis.themes_assign`), as suggestions."""
    _analysis(run_id, theme_analysis.themes_assign)
