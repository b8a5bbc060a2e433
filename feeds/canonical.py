"""Canonical form of an article URL, so the same story reached through two links is queued once.

Lower-case scheme and host, no default port, no fragment, no tracking parameters (utm_*, fbclid,
gclid, mc_* and friends); the remaining query parameters keep their order, because some sites
use the order meaningfully. Only http and https URLs have a canonical form.
"""

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "mtm_", "hsa_", "_hs", "oly_")
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mkt_tok",
        "_ga",
        "_gl",
        "cmpid",
        "ocid",
        "icid",
        "s_cid",
        "ref_src",
        "ref_url",
        "smid",
        "sr_share",
        "vero_id",
    }
)
DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters a path may keep unescaped (RFC 3986 pchar plus "/"); everything else is %-encoded.
SAFE_PATH = "/:@!$&'()*+,;=-._~%"
HOST_CHARS = re.compile(r"^[a-z0-9.\-\[\]:]+$")


class NotCanonical(ValueError):
    """The URL is not an absolute http(s) URL with a valid host."""


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _host(hostname: str) -> str:
    try:
        host = hostname.encode("idna").decode("ascii") if not hostname.isascii() else hostname
    except UnicodeError as exc:
        raise NotCanonical(f"invalid host name {hostname!r}") from exc
    host = host.lower().rstrip(".")
    if not host or not HOST_CHARS.match(host):
        raise NotCanonical(f"invalid host name {hostname!r}")
    return host


def canonicalise_url(url: str) -> str:
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise NotCanonical(str(exc)) from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise NotCanonical(f"not an http(s) URL: {url[:100]!r}")
    if not parts.hostname:
        raise NotCanonical(f"no host in {url[:100]!r}")
    host = _host(parts.hostname)
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(parts.path, safe=SAFE_PATH) if parts.path else "/"
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(name)
    ]
    return urlunsplit((scheme, netloc, path, urlencode(query, quote_via=quote), ""))
