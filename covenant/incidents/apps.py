from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "covenant.incidents"
    label = "incidents"
    verbose_name = "Zero tolerance: incidents"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from workforce.models import Organisation

        from .selectors.reporters import report_organisations_changed

        # The report's organisation page is kept for every anonymous reporter (views/report_journey.py).
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(
                report_organisations_changed,
                sender=Organisation,
                dispatch_uid=f"incidents.organisations.{name}",
            )
