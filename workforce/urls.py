from django.urls import path

from .views import arrangements, employments, home, imports, moves, passport, people, posts, reports, teams

app_name = "workforce"

urlpatterns = [
    path("", home.home, name="home"),
    path("people/", people.PersonListView.as_view(), name="person_list"),
    path("people/new/", people.person_add, name="person_add"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:person_pk>/contracts/new/", employments.employment_add, name="employment_add"),
    path("contracts/<int:pk>/edit/", employments.employment_edit, name="employment_edit"),
    path("people/<int:person_pk>/move/", moves.move_record, name="move_record"),
    path("people/<int:person_pk>/arrival/", moves.arrival_record, name="arrival_record"),
    path("people/<int:pk>/reporting/", people.person_reporting, name="person_reporting"),
    path("posts/", posts.PostListView.as_view(), name="post_list"),
    path("posts/new/", posts.post_create, name="post_create"),
    path("posts/<int:pk>/", posts.post_detail, name="post_detail"),
    path("posts/<int:pk>/edit/", posts.post_edit, name="post_edit"),
    path("joint-arrangements/", arrangements.JointArrangementListView.as_view(), name="arrangement_list"),
    path("joint-arrangements/new/", arrangements.arrangement_create, name="arrangement_create"),
    path("joint-arrangements/<int:pk>/", arrangements.arrangement_detail, name="arrangement_detail"),
    path("joint-arrangements/<int:pk>/edit/", arrangements.arrangement_edit, name="arrangement_edit"),
    path(
        "joint-arrangements/<int:pk>/agreement/",
        arrangements.arrangement_agreement,
        name="arrangement_agreement",
    ),
    path(
        "joint-arrangements/<int:pk>/documents/<int:document_pk>/",
        arrangements.agreement_document_download,
        name="agreement_document",
    ),
    path("joint-arrangements/<int:arrangement_pk>/teams/new/", teams.team_create, name="team_create"),
    path("teams/<int:pk>/", teams.team_detail, name="team_detail"),
    path("moves/", moves.SectorMoveListView.as_view(), name="move_list"),
    path("moves/<int:pk>/", moves.move_detail, name="move_detail"),
    path("moves/<int:pk>/confirm/", moves.move_confirm, name="move_confirm"),
    path("import/", imports.import_csv, name="import"),
    path("import/template.<str:file_format>", imports.import_template, name="import_template"),
    path("passport-rules/", passport.acceptance_rules, name="acceptance_rules"),
    path("reports/sector-flow/", reports.sector_flow_report, name="sector_flow_report"),
    path("reports/headcount/", reports.headcount_report, name="headcount_report"),
]
