from django.urls import path

from . import views

app_name = "signatories"

urlpatterns = [
    path("signatories/", views.SignatoryListView.as_view(), name="list"),
    path("signatories/<int:pk>/", views.signatory_detail, name="detail"),
    path("recognition/", views.recognition, name="recognition"),
    path("recognition/award/", views.award_new, name="award_new"),
    path("how-to-sign/", views.how_to_sign, name="how_to_sign"),
    path("sign/", views.sign, name="sign_start"),
    path("my-organisation/", views.my_signatures, name="my_signatures"),
    path("pledges/<int:pk>/progress/", views.pledge_progress, name="pledge_progress"),
    path("review/", views.review_list, name="review_list"),
    path("review/<int:pk>/", views.review_detail, name="review_detail"),
    path("report/", views.report_index, name="report_index"),
    path("report/<str:year>/", views.annual_report, name="annual_report"),
    path("report/<str:year>/pdf/", views.annual_report_pdf, name="annual_report_pdf"),
]
