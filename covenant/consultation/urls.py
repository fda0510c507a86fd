from django.urls import path

from .views import analysis, comments, moderation, offline, public, question_analysis, safeguarding, themes

app_name = "consultation"

urlpatterns = [
    path("", public.hub, name="hub"),
    path("comments/", comments.CommentSearchView.as_view(), name="comments"),
    path("respond/<int:page_id>/", public.respond, name="respond"),
    path("respond/<int:page_id>/send/", public.send_response, name="send"),
    path("respond/<int:page_id>/resume/<str:token>/", public.resume, name="resume"),
    path("moderation/", moderation.ModerationQueueView.as_view(), name="moderation_queue"),
    path("moderation/<int:pk>/", moderation.moderate, name="moderate"),
    path("safeguarding/", safeguarding.safeguarding_queue, name="safeguarding_queue"),
    path("safeguarding/<int:pk>/", safeguarding.safeguarding_referral, name="safeguarding_referral"),
    path("analysis/", analysis.analysis_index, name="analysis"),
    path("analysis/<int:pk>/answers/", analysis.AnswerTableView.as_view(), name="answers"),
    path("analysis/<int:pk>/themes/", themes.themes, name="themes"),
    path("analysis/<int:pk>/responses/add/", offline.response_add, name="response_add"),
    path("analysis/themes/<int:pk>/", themes.theme_edit, name="theme_edit"),
    path("analysis/questions/<int:pk>/", question_analysis.question_analysis, name="question_analysis"),
    path("analysis/answers/<int:pk>/", analysis.answer_detail, name="answer"),
]
