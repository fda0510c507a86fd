from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move


class ConsultationConfig(AppConfig):
    name = "covenant.consultation"
    label = "consultation"
    verbose_name = "Covenant consultation"

    def ready(self):
        # Imported here, not at the top: Django loads this module before the app's models.
        from wagtail.models import PageViewRestriction

        from . import encryption  # noqa: F401  (registers its deploy check)
        from .models.pages import ConsultationPage
        from .models.questions import Question
        from .selectors.live import page_changed, question_changed, restriction_changed
        from .services.questions import questions_on_publish

        page_published.connect(
            questions_on_publish, sender=ConsultationPage, dispatch_uid="consultation_questions"
        )
        # The journey's cached snapshot of a consultation (selectors/live.py) is rebuilt after any change to it.
        for signal, name in (
            (page_published, "published"),
            (page_unpublished, "unpublished"),
            (post_page_move, "moved"),
            (post_save, "saved"),
            (post_delete, "deleted"),
        ):
            signal.connect(page_changed, sender=ConsultationPage, dispatch_uid=f"consultation_live_{name}")
        post_save.connect(question_changed, sender=Question, dispatch_uid="consultation_live_question_saved")
        post_delete.connect(question_changed, sender=Question, dispatch_uid="consultation_live_question_gone")
        # A private consultation is not served by the journey: a restriction added or removed forgets snapshots.
        post_save.connect(
            restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid="consultation_live_restriction_saved",
        )
        post_delete.connect(
            restriction_changed, sender=PageViewRestriction, dispatch_uid="consultation_live_restriction_gone"
        )
