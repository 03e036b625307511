from __future__ import annotations

from torget.accounts.models import Organisation


def current_organisation() -> Organisation | None:
    """The authority this installation serves (the first one created)."""
    return Organisation.objects.order_by("pk").first()
