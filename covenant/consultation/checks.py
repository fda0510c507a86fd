"""The checks every response gets after it is stored, in the background (`response_check`, a task).

Sending stores the response and its answers and nothing else (services/sending.py); this task then reads the
answers back and records what the automatic checks find: possible personal data (`personal_data_flagged`, shown to
moderators), a possible safeguarding disclosure (`safeguarding_flagged`, and a referral to the safeguarding lead,
raised once: a lead's decision is never reopened by running the check again), and the fingerprint of the free text
that campaign detection groups identical responses by. The task is enqueued in the sending transaction, so it
exists exactly when the response does; it is safe to run twice.
"""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from . import detection, textanalysis
from .models.responses import ConsultationResponse
from .safeguarding import referral_raise
from .vocabulary import ReferralOrigin


@transaction.atomic
def response_check_run(*, response_id: int) -> ConsultationResponse | None:
    """Flag one response from its answers as sent; returns it, or None if it has gone."""
    response = ConsultationResponse.objects.select_for_update().filter(pk=response_id).first()
    if response is None:
        return None
    texts = list(
        response.answers.order_by("question__sort_order", "question_id").values_list("text", flat=True)
    )
    personal_data = any(detection.find_personal_data(text) for text in texts)
    safeguarding = any(detection.find_safeguarding(text) for text in texts)
    response.personal_data_flagged = personal_data
    # A moderator may have raised a referral already: the flag is never taken away here.
    response.safeguarding_flagged = response.safeguarding_flagged or safeguarding
    response.fingerprint = textanalysis.fingerprint(textanalysis.response_text(texts))
    response.save(update_fields=["personal_data_flagged", "safeguarding_flagged", "fingerprint"])
    if safeguarding and not response.safeguarding_referrals.exists():
        referral_raise(response=response, origin=ReferralOrigin.DETECTED)
    return response


@task()
def response_check(*, response_id: int) -> None:
    response_check_run(response_id=response_id)
