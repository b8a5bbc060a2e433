"""API rate limits: a per-minute burst limit and an hourly sustained limit per client address.

Each limit counts requests in fixed windows (the current minute, the current hour) with a
counter in the default cache: Redis in production, so every web process shares them. Both
counters are bumped in one round trip to Redis. DRF's own throttles keep a list of the
timestamps of every request in the window, read and written back whole on each request: up to
2,000 floats twice per request for the hourly limit, and four round trips for the two limits.

A client over a limit gets 429 with Retry-After: the seconds until that window ends. Rates come
from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] ("burst", "sustained"), read at request time.
"""

import math
import time
from typing import TYPE_CHECKING

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from icetracker.clientip import client_ip

if TYPE_CHECKING:  # rest_framework.views imports this module while it loads
    from rest_framework.request import Request
    from rest_framework.views import APIView

SCOPES = ("burst", "sustained")
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "120/min" -> (120, 60): requests allowed, and the window in seconds."""
    count, period = rate.split("/")
    return int(count), PERIODS[period[0]]


def count_hits(windows: list[tuple[str, int]]) -> list[int]:
    """Add one to each (key, seconds) counter, created for that long, and return the counts."""
    bump = getattr(cache, "incr_counters", None)
    if bump is not None:  # icetracker.cache.RedisCache: one round trip for them all
        return bump(windows)
    counts = []
    for key, seconds in windows:
        cache.add(key, 0, seconds)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between the two calls
            cache.add(key, 1, seconds)
            counts.append(1)
    return counts


class ClientRateThrottle(BaseThrottle):
    """Throttle every API client, signed in or not, by its address, with both limits."""

    def allow_request(self, request: "Request", view: "APIView") -> bool:
        now = time.time()
        ident = client_ip(request)
        limits = []
        for scope in SCOPES:
            rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
            if rate:
                allowed, seconds = parse_rate(rate)
                start = math.floor(now / seconds) * seconds
                limits.append((f"throttle:{scope}:{ident}:{start}", seconds, allowed, start))
        counts = count_hits([(key, seconds) for key, seconds, _allowed, _start in limits])
        waits = [
            start + seconds - now
            for (_key, seconds, allowed, start), count in zip(limits, counts, strict=True)
            if count > allowed
        ]
        self._wait = max(waits) if waits else None
        return not waits

    def wait(self) -> float | None:
        return self._wait
