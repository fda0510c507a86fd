"""Purge every kind of record whose retention period has ended (docs/records.md). Run daily.

--dry-run counts what would go, kind by kind, and changes nothing; --kind KEY (repeatable) purges only those kinds.
"""

from django.core.management.base import BaseCommand, CommandError

from cms.records.purge import BATCH_SIZE, records_purge
from cms.retention import kinds


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would go; change nothing.")
        parser.add_argument("--kind", action="append", dest="only", metavar="KEY", help="Only this kind.")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="Rows per transaction.")

    def handle(self, *args, dry_run=False, only=None, batch_size=BATCH_SIZE, **options):
        known = {kind.key for kind in kinds()}
        unknown = sorted(set(only or []) - known)
        if unknown:
            raise CommandError(
                f"Unknown kind {', '.join(unknown)}; the kinds are: {', '.join(sorted(known))}"
            )
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        results = records_purge(dry_run=dry_run, only=only, batch_size=batch_size)
        verb = "due" if dry_run else "purged"
        for result in results:
            status = "held: a legal hold covers every record" if result.held else f"{result.count} {verb}"
            self.stdout.write(f"{result.key}: {status}")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
