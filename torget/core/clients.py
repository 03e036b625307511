"""Who is asking, as little as we need to know: a keyed hash of the client address, and a
cache-backed counter for rate limits. The raw address is never stored."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def keyed_hash(value: str, *, purpose: str) -> str:
    """A hash of ``value`` that only this installation can recompute (keyed by SECRET_KEY),
    different for every ``purpose``."""
    key = hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def client_hash(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    return keyed_hash(address, purpose="client-hash")


def hit_rate_limit(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True when this attempt goes over ``limit`` within the window."""
    cache_key = f"rate:{scope}:{key}"
    if cache.add(cache_key, 1, timeout=window_seconds):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window_seconds)
            count = 1
    return count > limit


def attempts_so_far(*, scope: str, key: str) -> int:
    value = cache.get(f"rate:{scope}:{key}", 0)
    return int(value)


def reset_rate_limit(*, scope: str, key: str) -> None:
    cache.delete(f"rate:{scope}:{key}")
