from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "covenant.incidents"
    label = "incidents"
    verbose_name = "Zero tolerance: incidents"
