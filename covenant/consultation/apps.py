from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "covenant.consultation"
    label = "consultation"
    verbose_name = "Covenant consultation"
