from django.urls import path

from . import views

app_name = "consultation"

urlpatterns = [
    path("", views.hub, name="hub"),
    path("respond/<int:page_id>/send/", views.send_response, name="send"),
    path("moderation/", views.ModerationQueueView.as_view(), name="moderation_queue"),
    path("moderation/<int:pk>/", views.moderate, name="moderate"),
    path("safeguarding/", views.safeguarding_queue, name="safeguarding_queue"),
    path("safeguarding/<int:pk>/", views.safeguarding_referral, name="safeguarding_referral"),
    path("analysis/", views.analysis_index, name="analysis"),
    path("analysis/<int:pk>/answers/", views.AnswerTableView.as_view(), name="answers"),
    path("analysis/<int:pk>/themes/", views.themes, name="themes"),
    path("analysis/<int:pk>/responses/add/", views.response_add, name="response_add"),
    path("analysis/themes/<int:pk>/", views.theme_edit, name="theme_edit"),
    path("analysis/answers/<int:pk>/", views.answer_detail, name="answer"),
]
