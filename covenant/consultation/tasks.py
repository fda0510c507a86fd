"""Background work for the consultation."""

from __future__ import annotations

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task


@task()
def send_response_receipt(*, response_id: int, email: str) -> None:
    """E-mail a receipt with the reference number. The address is used here and never stored."""
    from .models import ConsultationResponse

    response = ConsultationResponse.objects.select_related("consultation").filter(pk=response_id).first()
    if response is None:
        return
    context = {"response": response, "consultation": response.consultation}
    send_mail(
        subject=f"Your response to {response.consultation.title}: {response.reference}",
        message=render_to_string("consultation/email/receipt.txt", context),
        from_email=None,
        recipient_list=[email],
    )


@task()
def detect_campaigns(*, consultation_id: int) -> None:
    from .models import ConsultationPage
    from .services import campaigns_detect

    consultation = ConsultationPage.objects.filter(pk=consultation_id).first()
    if consultation is not None:
        campaigns_detect(consultation=consultation)
