from __future__ import annotations

from django.core.cache import cache

from torget.accounts.models import Organisation
from torget.core.caching import forget

# Every request needs the authority, and it changes perhaps once a year: keep it in the cache
# (a pickled copy, so a view that changes its own copy never touches another request's).
# Saving or deleting an organisation drops it (signals in AccountsConfig.ready); another
# worker process with its own in-process cache sees the change within this many seconds,
# one sharing REDIS_URL at once.
ORGANISATION_CACHE_KEY = "torget:current-organisation"
ORGANISATION_CACHE_SECONDS = 60


def current_organisation() -> Organisation | None:
    """The authority this installation serves (the first one created)."""
    organisation: Organisation | None = cache.get(ORGANISATION_CACHE_KEY)
    if organisation is None:
        # "None yet" is not kept: the demo may be loading it from another process right now.
        organisation = Organisation.objects.order_by("pk").first()
        if organisation is not None:
            cache.set(ORGANISATION_CACHE_KEY, organisation, ORGANISATION_CACHE_SECONDS)
    return organisation


def forget_current_organisation(**_signal: object) -> None:
    forget(ORGANISATION_CACHE_KEY)
