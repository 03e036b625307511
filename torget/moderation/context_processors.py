from __future__ import annotations

from django.http import HttpRequest

from torget.moderation.permissions import can_view_threats


def navigation(request: HttpRequest) -> dict[str, object]:
    """Politicians reach the threats recorded against them from every page, not only from
    the e-mail that told them."""
    user = getattr(request, "user", None)
    return {"nav_can_view_threats": user is not None and can_view_threats(user)}
