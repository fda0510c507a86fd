import factory.random
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import consultation, incidents, signatories, site, workforce

# In this order: each part builds on the records the parts before it made (organisations and logins first).
PARTS = (site, workforce, incidents, consultation, signatories)


class Command(BaseCommand):
    help = (
        "Build the synthetic demo world: an integrated care system's organisations, staff, joint roles and moves, "
        "incident reports in every state, a consultation with responses, and site pages. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=400, help="People in the workforce records")
        parser.add_argument("--incidents", type=int, default=120, help="Incident reports")
        parser.add_argument("--responses", type=int, default=300, help="Consultation responses")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed, so worlds are repeatable")
        parser.add_argument("--force", action="store_true", help="Allow seeding outside development")
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins")

    def handle(self, *args, **options):
        # The demo accounts share a published password: only in development (the dev settings, or DEBUG on).
        development = settings.DEBUG or settings.DEMO_DATA_ALLOWED
        if not development:
            if not options["force"]:
                raise CommandError(
                    "Refusing to create demo accounts outside development (DEBUG off and not the dev settings). "
                    "Pass --force if you mean it."
                )
            # Even forced, never beside real records: the demo's accounts (a platform administrator among them)
            # share the published password, and whoever signs in first would set up their second factor.
            others = site.organisations_not_of_the_demo()
            if others:
                raise CommandError(
                    f"Refusing to add demo accounts to a database that holds other organisations ({others[0]}"
                    f"{' and more' if len(others) > 1 else ''}): seed the demo into a database of its own."
                )
        factory.random.reseed_random(options["seed"])
        sizes = {key: options[key] for key in ("people", "incidents", "responses", "seed")}
        world = site.DemoWorld()
        for part in PARTS:
            part.seed(world=world, sizes=sizes, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo world ready."))
        if not options["quiet_logins"]:
            self.stdout.write(f"\nDemo logins (password for all: {site.DEMO_PASSWORD})")
            for email, roles in site.demo_logins():
                self.stdout.write(f"  {email:<42} {roles}")
