"""Writes about people: roles and second-factor devices."""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from torget.accounts.models import Role, RoleGrant, User


@transaction.atomic
def grant_roles(*, user: User, roles: list[Role]) -> None:
    for role in roles:
        RoleGrant.objects.get_or_create(user=user, role=role)
    user.__dict__.pop("_roles_cache", None)


def pending_totp_device(*, user: User) -> TOTPDevice:
    """The unconfirmed device a person is enrolling, created on first visit."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "Authenticator"}
    )
    return device


def confirmed_totp_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def confirm_totp_device(*, device: TOTPDevice) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
