"""The handler's dashboard: what is open, and what is due, across their cases."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from cms import disclosure
from cms.disclosure import AdditiveTable, Audience

from ..models import (
    OPEN_STATUSES,
    IncidentReport,
    RiddorAssessment,
    Sanction,
    Status,
    SupportCheckIn,
    SupportOffer,
)
from .cases import cases_for_handler


@dataclass
class HandlerDashboard:
    open_by_state: list[tuple[str, int]]
    overdue_acknowledgements: list[IncidentReport]
    check_ins_due: list[SupportCheckIn]
    riddor_deadlines: list[RiddorAssessment]
    sanctions_for_review: list[Sanction]


def handler_dashboard(*, user, limit: int = 20) -> HandlerDashboard:
    cases = cases_for_handler(user=user)
    labels = dict(Status.choices)
    by_state = dict(cases.filter(status__in=OPEN_STATUSES).values_list("status").annotate(n=Count("pk")))
    today = timezone.localdate()
    case_ids = cases.values("pk")
    return HandlerDashboard(
        # A handler's own working list, on screen: exact (cms/disclosure.py, Audience.HANDLER).
        open_by_state=[
            (labels[s], n)
            for s, n in disclosure.protect(
                AdditiveTable.one_way({s: by_state.get(s, 0) for s in OPEN_STATUSES}),
                audience=Audience.HANDLER,
            ).items()
            if s != disclosure.TOTAL
        ],
        overdue_acknowledgements=list(
            cases.filter(status=Status.SUBMITTED, acknowledge_by__lt=timezone.now()).order_by(
                "acknowledge_by"
            )[:limit]
        ),
        check_ins_due=list(
            SupportCheckIn.objects.filter(
                offer__report__in=case_ids,
                done_at__isnull=True,
                due_on__lte=today + datetime.timedelta(days=7),
            )
            .exclude(offer__state__in=[SupportOffer.State.DECLINED, SupportOffer.State.COMPLETED])
            .select_related("offer__report")
            .order_by("due_on")[:limit]
        ),
        riddor_deadlines=list(
            RiddorAssessment.objects.filter(report__in=case_ids, state=RiddorAssessment.State.CANDIDATE)
            .select_related("report")
            .order_by("report__occurred_at")[:limit]
        ),
        sanctions_for_review=list(
            Sanction.objects.filter(
                report__in=case_ids,
                state__in=[Sanction.State.ISSUED, Sanction.State.ACKNOWLEDGED, Sanction.State.REVIEW_DUE],
                review_on__lte=today + datetime.timedelta(days=14),
            )
            .select_related("report")
            .order_by("review_on")[:limit]
        ),
    )
