from django.urls import path

from .views import (
    case_records,
    cases,
    custodian,
    evidence,
    figures,
    perpetrators,
    reassignment,
    reporters,
    reporting,
    sanctions,
    support,
)

app_name = "incidents"

urlpatterns = [
    # Reporting: anyone (anonymous), or signed-in staff (named, confidential).
    path("report/", reporting.report_start, name="report_start"),
    path("report/<slug:mode>/", reporting.report_form, name="report_form"),
    path("report/<slug:mode>/more/", reporting.report_more, name="report_more"),
    path("follow-up/", reporters.follow_up, name="follow_up"),
    path("follow-up/case/", reporters.follow_up_case, name="follow_up_case"),
    path("follow-up/leave/", reporters.follow_up_leave, name="follow_up_leave"),
    path("my-reports/", reporters.my_reports, name="my_reports"),
    path("follow-up/case/evidence/", evidence.follow_up_evidence_upload, name="follow_up_evidence_upload"),
    # The file is named in the query (?file=<id>): the follow-up pages are exact paths (cms.accounts.middleware).
    path("follow-up/case/evidence/file/", evidence.follow_up_evidence, name="follow_up_evidence"),
    path("my-reports/<int:pk>/", reporters.my_report, name="my_report"),
    path(
        "my-reports/<int:pk>/evidence/", evidence.my_report_evidence_upload, name="my_report_evidence_upload"
    ),
    path(
        "my-reports/<int:pk>/evidence/<int:evidence_pk>/",
        evidence.my_report_evidence,
        name="my_report_evidence",
    ),
    # Handlers.
    path("cases/", cases.CaseListView.as_view(), name="case_list"),
    path("cases/dashboard/", cases.dashboard, name="dashboard"),
    path("cases/repeat-perpetrators/", perpetrators.repeat_perpetrators, name="repeat_perpetrators"),
    path("cases/needs-new-owner/", reassignment.cases_needing_owner, name="cases_needing_owner"),
    path("cases/reassign/", reassignment.cases_reassign_view, name="cases_reassign"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/reassign/", reassignment.case_reassign_view, name="case_reassign"),
    path("cases/<int:pk>/evidence/", evidence.evidence_upload, name="evidence_upload"),
    path("cases/<int:pk>/evidence/<int:evidence_pk>/", evidence.evidence_download, name="evidence_download"),
    path("cases/<int:pk>/witness-statements/", evidence.witness_statement_add, name="witness_statement_add"),
    path("cases/<int:pk>/notes/", evidence.case_note_add, name="case_note_add"),
    path("cases/<int:pk>/message/", cases.case_message, name="case_message"),
    path("cases/<int:pk>/do/<slug:action>/", cases.case_transition, name="case_transition"),
    path("cases/<int:pk>/exclude/", case_records.case_exclusion_add, name="case_exclusion_add"),
    path("cases/<int:pk>/who-did-it/", perpetrators.case_perpetrator, name="case_perpetrator"),
    path("cases/<int:pk>/legal-hold/", case_records.case_legal_hold, name="case_legal_hold"),
    path(
        "cases/<int:pk>/identity-request/", case_records.case_identity_request, name="case_identity_request"
    ),
    path("cases/<int:pk>/support/", support.support_add, name="support_add"),
    path("cases/<int:pk>/support/<int:offer_pk>/", support.support_update, name="support_update"),
    path("cases/<int:pk>/check-in/<int:check_in_pk>/", support.check_in_done, name="check_in_done"),
    path("cases/<int:pk>/riddor/", case_records.riddor_edit, name="riddor_edit"),
    path("cases/<int:pk>/police/", case_records.police_edit, name="police_edit"),
    path("cases/<int:pk>/requests/<slug:topic>/", case_records.request_decision, name="request_decision"),
    path("cases/<int:pk>/sanctions/", sanctions.sanction_add, name="sanction_add"),
    path(
        "cases/<int:pk>/sanctions/<int:sanction_pk>/<slug:move>/",
        sanctions.sanction_move,
        name="sanction_move",
    ),
    path("cases/<int:pk>/actions/", case_records.action_add, name="action_add"),
    path("cases/<int:pk>/actions/<int:action_pk>/done/", case_records.action_done, name="action_done"),
    # Identity custodians.
    path("identity-requests/", custodian.disclosure_list, name="disclosure_list"),
    path("identity-requests/<int:pk>/", custodian.disclosure_decide, name="disclosure_decide"),
    # Aggregates.
    path("statistics/", figures.statistics, name="statistics"),
    path("board-report/", figures.board_report, name="board_report"),
    path("survey-figures/", figures.survey_figures, name="survey_figures"),
]
