"""Who may read which evidence. Handlers: every file and witness statement on a case they may see
(`case_get_for_handler`, whose access rules apply unchanged). The reporter: the files sent from the reporter's side
only, on their own report (signed in: `report_get_for_reporter`) or the one their follow-up code opened. Witness
statements are for handlers only."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from ..encryption import decrypt_bytes
from ..models import Evidence, IncidentReport, WitnessStatement
from .cases import case_get_for_handler, case_record_get
from .refusals import refuse


def evidence_for_case(*, report: IncidentReport) -> QuerySet[Evidence]:
    return report.evidence.select_related("uploaded_by")


def evidence_for_reporter(*, report: IncidentReport) -> QuerySet[Evidence]:
    return report.evidence.filter(from_reporter=True)


def witness_statements_for_case(*, report: IncidentReport) -> QuerySet[WitnessStatement]:
    return report.witness_statements.select_related("recorded_by", "evidence")


def evidence_get_for_handler(*, user, case_pk: int, pk: int, request=None) -> Evidence:
    """A file on a case the handler may see; refused (and audited) like the case, or a file of another case."""
    report = case_get_for_handler(user=user, pk=case_pk, request=request)
    return case_record_get(user=user, records=evidence_for_case(report=report), pk=pk, request=request)


def evidence_get_for_reporter(*, report: IncidentReport, pk: int, user=None, request=None) -> Evidence:
    """A file the reporter sent on their report. `user` for a signed-in reporter, whose refusals are audited;
    None by follow-up code, where nothing may record who asked."""
    evidence = evidence_for_reporter(report=report).filter(pk=pk).first()
    if evidence is None:
        if user is not None:
            refuse(user=user, request=request, model=Evidence, pk=pk, reason="not_their_file")
        raise Http404("No such file")
    return evidence


def evidence_bytes(*, evidence: Evidence) -> bytes:
    """The file itself, decrypted. Callers have got `evidence` through a selector above and audit the read."""
    return decrypt_bytes(evidence.content.ciphertext)
