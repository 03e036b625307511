from __future__ import annotations

from django.http import HttpRequest

from torget.accounts.permissions import (
    can_handle_records,
    can_manage_dialogues,
    can_moderate,
    is_signed_in_staff,
)


def authority(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    signed_in = user is not None and is_signed_in_staff(user)
    return {
        "authority": getattr(request, "organisation", None),
        "staff_signed_in": signed_in,
        "nav_can_moderate": signed_in and user is not None and can_moderate(user),
        "nav_can_manage": signed_in and user is not None and can_manage_dialogues(user),
        "nav_can_handle_records": signed_in and user is not None and can_handle_records(user),
    }
