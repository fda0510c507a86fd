from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "cms.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from . import signals  # noqa: F401
        from .roles import roles_sync

        # Groups and their permissions are (re)built after every migrate, idempotently.
        post_migrate.connect(_sync_roles_after_migrate, sender=self, dispatch_uid="accounts_roles_sync")
        self._roles_sync = roles_sync


def _sync_roles_after_migrate(sender, using="default", **kwargs):
    sender._roles_sync(using=using)
