from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("retention/", views.retention_schedule, name="schedule"),
    path("retention/<str:key>/", views.period_edit, name="period_edit"),
    path("holds/new/", views.hold_place, name="hold_place"),
    path("holds/<int:pk>/lift/", views.hold_lift, name="hold_lift"),
    path("subject-access/", views.subject_access, name="subject_access"),
    path("subject-access/export/", views.subject_export_view, name="subject_export"),
    path("subject-access/erase/", views.subject_erase_view, name="subject_erase"),
]
