"""Background work for the consultation."""

from __future__ import annotations

from django.template.loader import render_to_string
from django_tasks import task

from cms.taskqueue import email_send_once


@task()
def send_response_receipt(*, response_id: int, email: str) -> None:
    """E-mail a receipt with the reference number, once per response however often this runs.

    The address is used here and never stored."""
    from .models import ConsultationResponse

    response = ConsultationResponse.objects.select_related("consultation").filter(pk=response_id).first()
    if response is None:
        return
    context = {"response": response, "consultation": response.consultation}
    email_send_once(
        task="consultation.receipt",
        key=str(response.pk),
        subject=f"Your response to {response.consultation.title}: {response.reference}",
        body=render_to_string("consultation/email/receipt.txt", context),
        to=[email],
    )


@task()
def detect_campaigns(*, consultation_id: int) -> None:
    from .models import ConsultationPage
    from .services import campaigns_detect

    consultation = ConsultationPage.objects.filter(pk=consultation_id).first()
    if consultation is not None:
        campaigns_detect(consultation=consultation)
