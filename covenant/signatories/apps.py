from django.apps import AppConfig


class SignatoriesConfig(AppConfig):
    name = "covenant.signatories"
    label = "signatories"
    verbose_name = "Covenant signatories"
