"""Delete the saved draft responses of consultations that have closed. Run hourly (docs/deployment.md)."""

from django.core.management.base import BaseCommand

from covenant.consultation.services.drafts import drafts_purge_closed


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        deleted = drafts_purge_closed()
        self.stdout.write(f"{deleted} saved draft(s) of closed consultations deleted.")
