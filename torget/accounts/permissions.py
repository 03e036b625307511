"""Typed predicates about people and their roles. Import them by name; never test role strings."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from torget.accounts.models import SECOND_FACTOR_ROLES, Role, User

AnyUser = User | AnonymousUser


def _staff(user: AnyUser) -> User | None:
    if isinstance(user, User) and user.is_authenticated and user.is_active:
        return user
    return None


def is_staff_member(user: AnyUser) -> bool:
    staff = _staff(user)
    return staff is not None and bool(staff.roles)


def requires_second_factor(user: AnyUser) -> bool:
    staff = _staff(user)
    return staff is not None and bool(staff.roles & SECOND_FACTOR_ROLES)


def has_passed_second_factor(user: AnyUser) -> bool:
    """True when the session was verified with a TOTP code (django-otp sets is_verified)."""
    staff = _staff(user)
    if staff is None:
        return False
    is_verified = getattr(staff, "is_verified", None)
    return bool(is_verified and is_verified())


def is_signed_in_staff(user: AnyUser) -> bool:
    """A staff member whose session satisfies the second-factor rule for their roles."""
    if not is_staff_member(user):
        return False
    return not requires_second_factor(user) or has_passed_second_factor(user)


def _holds(user: AnyUser, *roles: Role) -> bool:
    staff = _staff(user)
    return staff is not None and is_signed_in_staff(staff) and bool(staff.roles & set(roles))


def can_administer(user: AnyUser) -> bool:
    return _holds(user, Role.ADMINISTRATOR)


def can_manage_dialogues(user: AnyUser) -> bool:
    return _holds(user, Role.ADMINISTRATOR, Role.DIALOGUE_OWNER)


def can_moderate(user: AnyUser) -> bool:
    return _holds(user, Role.MODERATOR)


def is_politician(user: AnyUser) -> bool:
    """Sits on chat panels and answers the questions handed to them."""
    return _holds(user, Role.POLITICIAN)


def can_handle_records(user: AnyUser) -> bool:
    """Requests for public records, the archive search, redaction and release."""
    return _holds(user, Role.RECORDS_OFFICER)


def can_see_staff_dashboard(user: AnyUser) -> bool:
    return is_signed_in_staff(user)
