from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "covenant.consultation"
    label = "consultation"
    verbose_name = "Covenant consultation"

    def ready(self):
        from wagtail.signals import page_published

        from . import encryption  # noqa: F401  (registers its deploy check)
        from .models import ConsultationPage

        page_published.connect(
            _questions_on_publish, sender=ConsultationPage, dispatch_uid="consultation_questions"
        )


def _questions_on_publish(sender, instance, revision=None, **kwargs):
    # Publishing is the moment a question's wording reaches the public form: give it its stable record.
    from .services import questions_sync

    user = getattr(revision, "user", None) if revision is not None else None
    questions_sync(page=instance, actor=user)
