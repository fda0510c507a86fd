from django.apps import AppConfig
from wagtail.signals import page_published


class ConsultationConfig(AppConfig):
    name = "covenant.consultation"
    label = "consultation"
    verbose_name = "Covenant consultation"

    def ready(self):
        # Imported here, not at the top: Django loads this module before the app's models.
        from . import encryption  # noqa: F401  (registers its deploy check)
        from .models.pages import ConsultationPage
        from .services.questions import questions_on_publish

        page_published.connect(
            questions_on_publish, sender=ConsultationPage, dispatch_uid="consultation_questions"
        )
