"""`torget democode USER`: the current second-factor code of a demo login (demo only)."""

from __future__ import annotations

import base64
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from torget.demo.builder import DEMO_SLUG


class Command(BaseCommand):
    help = "Print the current TOTP code for a demo login. Refuses for anyone outside the demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        device = TOTPDevice.objects.filter(
            user__username=username, user__organisation__slug=DEMO_SLUG, confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"{username!r} is not a demo login with a second factor")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        key = base64.b32encode(device.bin_key).decode().rstrip("=")
        self.stdout.write(f"{code:0{device.digits}d}")
        self.stderr.write(f"(authenticator key for {username}: {key}; codes change every 30 s)")
