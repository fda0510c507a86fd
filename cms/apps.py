from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Site"

    def ready(self):
        from cms import checks  # noqa: F401  (registers the deployment checks)
        from cms.navigation import connect_invalidation
        from cms.tables import speed_up_table_cells

        speed_up_table_cells()
        connect_invalidation()
