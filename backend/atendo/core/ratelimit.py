"""Fixed-window rate limits in the shared cache (Redis), for public and abuse-prone endpoints."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.utils.translation import gettext as _

from atendo.core.errors import RateLimitedError


def rate_limit_hit(*, key: str, limit: int, window: timedelta) -> None:
    """Count one hit for `key`; raise RateLimitedError once `limit` is exceeded in the window."""
    seconds = int(window.total_seconds())
    cache_key = f"ratelimit:{key}"
    cache.add(cache_key, 0, seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, seconds)
        count = 1
    if count > limit:
        raise RateLimitedError(_("Too many attempts. Please wait a few minutes and try again."), retry_after=seconds)
