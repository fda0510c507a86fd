"""How a selector refuses: every getter that refuses a signed-in person a record (404: not theirs to see; 403: not
their role) records the refusal with `cms.audit.audit_refusal` before raising, so probing other organisations'
cases leaves a trace (rate-limited: one row a minute per person and record type, with a count). Pass `request` for
the method and address; anonymous follow-up by code never comes through here."""

from __future__ import annotations

from cms.audit import audit_refusal


def refuse(*, user, request, model, pk, reason: str) -> None:
    audit_refusal(
        user=user, request=request, object_type=model._meta.label_lower, object_id=pk, reason=reason
    )
