"""The first run of a new installation: the first platform administrator, who then adds or imports the
organisations and invites each one's administrator from the screens (docs/deployment.md)."""

from __future__ import annotations

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cms.accounts.models import User
from cms.accounts.services import platform_admin_grant, user_account_create

PASSWORD_VARIABLE = "PLATFORM_ADMIN_PASSWORD"  # noqa: S105  # nosec B105  # the name of a variable, not a password


class Command(BaseCommand):
    help = (
        "Create a platform administrator (or make an existing account one). They set up two-factor "
        f"authentication at first sign-in. The password is asked for, or read from {PASSWORD_VARIABLE} with "
        "--no-input."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--no-input", action="store_true", help=f"Read the password from {PASSWORD_VARIABLE}"
        )

    def handle(self, *args, email, first_name, last_name, no_input, **options):
        existing = User.objects.filter(email__iexact=email.strip()).first()
        with transaction.atomic():
            if existing is None:
                if not (first_name.strip() and last_name.strip()):
                    raise CommandError("Give --first-name and --last-name for a new account.")
                password = self._password(no_input)
                try:
                    user = user_account_create(
                        email=email, first_name=first_name, last_name=last_name, password=password
                    )
                except ValidationError as exc:
                    raise CommandError(" ".join(exc.messages)) from exc
            else:
                user = existing
            platform_admin_grant(user=user)
        self.stdout.write(
            self.style.SUCCESS(
                f"{user.email} is a platform administrator. Sign in at /account/sign-in/, set up two-factor "
                "authentication, then add organisations at /workforce/organisations/."
            )
        )

    def _password(self, no_input: bool) -> str:
        if no_input:
            password = os.environ.get(PASSWORD_VARIABLE, "")
            if not password:
                raise CommandError(f"Set {PASSWORD_VARIABLE} to the password, or leave out --no-input.")
            return password
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return password
