from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    # Reporting: anyone (anonymous), or signed-in staff (named, confidential).
    path("report/", views.report_start, name="report_start"),
    path("report/done/", views.report_done, name="report_done"),
    path("report/<slug:mode>/", views.report_form, name="report_form"),
    path("report/<slug:mode>/discard/", views.report_draft_discard, name="report_draft_discard"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path("follow-up/case/", views.follow_up_case, name="follow_up_case"),
    path("follow-up/leave/", views.follow_up_leave, name="follow_up_leave"),
    path("my-reports/", views.my_reports, name="my_reports"),
    path("my-reports/<int:pk>/", views.my_report, name="my_report"),
    # Handlers.
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/dashboard/", views.dashboard, name="dashboard"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/message/", views.case_message, name="case_message"),
    path("cases/<int:pk>/do/<slug:action>/", views.case_transition, name="case_transition"),
    path("cases/<int:pk>/exclude/", views.case_exclusion_add, name="case_exclusion_add"),
    path("cases/<int:pk>/legal-hold/", views.case_legal_hold, name="case_legal_hold"),
    path("cases/<int:pk>/identity-request/", views.case_identity_request, name="case_identity_request"),
    path("cases/<int:pk>/support/", views.support_add, name="support_add"),
    path("cases/<int:pk>/support/<int:offer_pk>/", views.support_update, name="support_update"),
    path("cases/<int:pk>/check-in/<int:check_in_pk>/", views.check_in_done, name="check_in_done"),
    path("cases/<int:pk>/riddor/", views.riddor_edit, name="riddor_edit"),
    path("cases/<int:pk>/police/", views.police_edit, name="police_edit"),
    path("cases/<int:pk>/requests/<slug:topic>/", views.request_decision, name="request_decision"),
    path("cases/<int:pk>/sanctions/", views.sanction_add, name="sanction_add"),
    path(
        "cases/<int:pk>/sanctions/<int:sanction_pk>/<slug:move>/", views.sanction_move, name="sanction_move"
    ),
    path("cases/<int:pk>/actions/", views.action_add, name="action_add"),
    path("cases/<int:pk>/actions/<int:action_pk>/done/", views.action_done, name="action_done"),
    # Identity custodians.
    path("identity-requests/", views.disclosure_list, name="disclosure_list"),
    path("identity-requests/<int:pk>/", views.disclosure_decide, name="disclosure_decide"),
    # Aggregates.
    path("statistics/", views.statistics, name="statistics"),
    path("board-report/", views.board_report, name="board_report"),
    path("survey-figures/", views.survey_figures, name="survey_figures"),
]
