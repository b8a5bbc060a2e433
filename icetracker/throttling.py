"""API rate limits: a per-minute burst limit and an hourly sustained limit per client address.

Counters live in the default cache (Redis in production, so every web process shares them).
Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], read at request time.
"""

from typing import TYPE_CHECKING

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from icetracker.clientip import client_ip

if TYPE_CHECKING:  # rest_framework.views imports this module while it loads
    from rest_framework.request import Request
    from rest_framework.views import APIView


class ClientRateThrottle(SimpleRateThrottle):
    """Throttle every API client, signed in or not, by its address."""

    def get_rate(self) -> str | None:
        # DRF copies the rates onto the class at import; read the live settings instead.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request: "Request") -> str:
        return client_ip(request)

    def get_cache_key(self, request: "Request", view: "APIView") -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class BurstRateThrottle(ClientRateThrottle):
    scope = "burst"


class SustainedRateThrottle(ClientRateThrottle):
    scope = "sustained"
