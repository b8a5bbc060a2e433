"""The client's IP address, as used by login lockouts and API throttles.

X-Forwarded-For is only believed for the hops added by proxies we run
(settings.TRUSTED_PROXY_COUNT, 0 by default): anything further left was written by the client,
so trusting it would let an attacker pick a new address for every request.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote_addr = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote_addr
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
    if len(addresses) < hops:
        # A trusted proxy did not add its hop: fall back to the address we can see.
        return remote_addr
    return addresses[-hops]
