"""Request types for views, so the attributes our middleware adds are known to mypy."""

from __future__ import annotations

from django.http import HttpRequest

from torget.accounts.models import Organisation, User


class TorgetRequest(HttpRequest):
    organisation: Organisation | None


class StaffRequest(TorgetRequest):
    user: User
    organisation: Organisation
