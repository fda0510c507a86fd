"""Remind holders and issuing HR of passport credentials expiring soon, and tell the organisations that relied on
a credential once it has expired. Each e-mail goes once, however often this runs. Run daily (cms/schedule.py)."""

from django.core.management.base import BaseCommand

from workforce.tasks import EXPIRY_REMINDER_DAYS, passport_expiries_chase


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=EXPIRY_REMINDER_DAYS,
            help=f"remind of credentials expiring within this many days (default {EXPIRY_REMINDER_DAYS})",
        )

    def handle(self, *args, days, **options):
        if days < 1:
            self.stderr.write("--days must be at least 1")
            raise SystemExit(2)
        run = passport_expiries_chase(days=days)
        self.stdout.write(
            f"{run.holders_reminded} holder(s) and {run.issuers_reminded} issuer(s) reminded; "
            f"{run.relying_told} relying organisation(s) told of an expiry."
        )
