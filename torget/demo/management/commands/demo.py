"""`torget demo`: load the demo authority once; running it again changes nothing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from torget.demo.builder import DEMO_PASSWORD, PEOPLE, build_demo, demo_exists


class Command(BaseCommand):
    help = "Load the demo authority Solby Kommune (idempotent) and print how to sign in."

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_exists():
            self.stdout.write(
                "The demo authority Solby Kommune is already loaded; nothing changed."
            )
        else:
            build_demo()
            self.stdout.write(self.style.SUCCESS("Loaded the demo authority Solby Kommune."))
        base = settings.SITE_URL
        self.stdout.write(f"\n  Public pages:   {base}/")
        self.stdout.write(f"  Live chat:      {base}/chat/spoergetime-cykelstien/")
        self.stdout.write(f"  Staff sign-in:  {base}/staff/account/sign-in/")
        self.stdout.write(f"  Password for every demo login: {DEMO_PASSWORD}\n")
        for person in PEOPLE:
            roles = ", ".join(str(role.label) for role in person.roles)
            second = (
                "  (second factor: run `torget democode " + person.username + "`)"
                if person.totp_key_hex
                else ""
            )
            self.stdout.write(f"    {person.username:<9} {roles}{second}")
        self.stdout.write(
            "\n  Administrators, moderators and records officers need a six-digit code after the"
            "\n  password. In the demo, `torget democode USERNAME` prints the current code (or add"
            "\n  the key it shows to any authenticator app).\n"
        )
