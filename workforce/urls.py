from django.urls import path

from . import views

app_name = "workforce"

urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:person_pk>/move/", views.move_record, name="move_record"),
    path("people/<int:pk>/reporting/", views.person_reporting, name="person_reporting"),
    path("posts/", views.PostListView.as_view(), name="post_list"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("joint-arrangements/", views.JointArrangementListView.as_view(), name="arrangement_list"),
    path("joint-arrangements/new/", views.arrangement_create, name="arrangement_create"),
    path("joint-arrangements/<int:pk>/", views.arrangement_detail, name="arrangement_detail"),
    path("joint-arrangements/<int:pk>/edit/", views.arrangement_edit, name="arrangement_edit"),
    path("joint-arrangements/<int:pk>/agreement/", views.arrangement_agreement, name="arrangement_agreement"),
    path(
        "joint-arrangements/<int:pk>/documents/<int:document_pk>/",
        views.agreement_document_download,
        name="agreement_document",
    ),
    path("moves/", views.SectorMoveListView.as_view(), name="move_list"),
    path("moves/<int:pk>/", views.move_detail, name="move_detail"),
    path("moves/<int:pk>/confirm/", views.move_confirm, name="move_confirm"),
    path("import/", views.import_csv, name="import"),
    path("passport-rules/", views.acceptance_rules, name="acceptance_rules"),
    path("reports/sector-flow/", views.sector_flow_report, name="sector_flow_report"),
    path("reports/headcount/", views.headcount_report, name="headcount_report"),
]
