"""Destroy archived incident cases whose retention period has ended (legal holds are kept): the records purge
(`manage.py records_purge`, docs/records.md) for the two incident kinds only."""

from django.core.management.base import BaseCommand

from covenant.incidents.purge import incidents_purge_expired


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        destroyed = incidents_purge_expired()
        self.stdout.write(f"{destroyed} incident case(s) destroyed.")
