"""Cached reads of rarely changed rows, dropped when the row changes."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction


def forget(key: str) -> None:
    """Drop ``key`` now and again once the changing transaction commits: a request that read
    the old row in between (it cannot see the uncommitted change) may have cached it again."""
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
