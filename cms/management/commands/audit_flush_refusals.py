from django.core.management.base import BaseCommand

from cms.audit import audit_refusals_flush


class Command(BaseCommand):
    help = (
        "Write to the audit trail the refused requests counted in the cache but not yet written (all but the "
        "first of each person's minute). Run every few minutes, so a cache restart cannot lose them."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{audit_refusals_flush()} audit row(s) of refused requests written.")
