"""Whole-page caching for anonymous GETs, invalidated by bumping a namespace version.

A cached page is stored with the versions of the namespaces it depends on, and is only served
while they are still current, so `bump("incidents")` after a write makes every dependent page
miss at once, with no key scanning. The versions and the page are read in one cache round trip
(a single MGET on Redis). Anything that writes data a page shows must bump that page's
namespaces (model signals for admin edits, importers and services for bulk writes).

Pages are stored gzip-compressed (once, when rendered) and sent as they are to clients that
accept gzip, as browsers do: a fifth of the bytes for readers on slow connections, and less
for the cache and the server to move. Other clients get them decompressed. Only anonymous
pages that set no cookie are cached, so no secret is ever compressed alongside a reader's
input (BREACH).
"""

import gzip
import re
from collections.abc import Callable
from functools import wraps
from hashlib import blake2s
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

VERSION_KEY = "pagecache:version:{}"
PUBLIC_MAX_AGE = 60
# gzip levels. A page without a query string (the dashboard, /incidents/, an incident, a
# state's rapid-response page) is read again and again, so it is compressed hard, once. A page
# with one (filters, a search, an API query) is one combination among millions, usually read
# once: it is compressed fast. Level 3 takes 0.3-0.45 of level 6's time, for 7 % more bytes on
# a filtered timeline page (4,962 against 4,619) and 19 % more on an API page of 100 incidents
# (6,229 against 5,216), measured on the benchmark's pages (README, Performance).
GZIP_LEVEL_PAGE, GZIP_LEVEL_QUERY = 6, 3
STORED_FORMAT = "gzip-1"  # entries are (versions, STORED_FORMAT, gzipped body, content type)
ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as django.middleware.gzip


def versions(namespaces: tuple[str, ...]) -> list[int]:
    keys = [VERSION_KEY.format(ns) for ns in namespaces]
    found = cache.get_many(keys)
    missing = {key: 1 for key in keys if key not in found}
    if missing:
        cache.set_many(missing, None)
        found.update(missing)
    return [found[key] for key in keys]


def bump(*namespaces: str) -> None:
    for namespace in namespaces:
        key = VERSION_KEY.format(namespace)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 2, None)


def _page_key(request: HttpRequest, namespaces: tuple[str, ...]) -> str:
    query = sorted(request.GET.lists())
    raw = f"{request.path}|{query}|{get_language()}|{namespaces}"
    return "pagecache:page:" + blake2s(raw.encode(), digest_size=16).hexdigest()


def _lookup(key: str, namespaces: tuple[str, ...]) -> tuple[list[int], Any]:
    """The namespaces' current versions and the page stored under `key` if it is still
    current, from one get_many."""
    version_keys = [VERSION_KEY.format(ns) for ns in namespaces]
    found = cache.get_many([*version_keys, key])
    missing = {k: 1 for k in version_keys if k not in found}
    if missing:
        cache.set_many(missing, None)
        found.update(missing)
    current = [found[k] for k in version_keys]
    stored = found.get(key)
    if not (isinstance(stored, tuple) and stored[:2] == (current, STORED_FORMAT)):
        return current, None  # missing, from before a bump, or in an older format
    return current, stored


def accepts_gzip(request: HttpRequest) -> bool:
    return bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))


def _stored_response(request: HttpRequest, body: bytes, content_type: str) -> HttpResponse:
    if not accepts_gzip(request):
        return HttpResponse(gzip.decompress(body), content_type=content_type)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Encoding"] = "gzip"
    return response


def sent_session_cookie(request: HttpRequest) -> bool:
    """Whether the browser sent a session cookie: without one, nobody is signed in, and the
    session and request.user need not be loaded at all."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def cacheable(request: HttpRequest) -> bool:
    """A GET or HEAD from a visitor who is not signed in.

    Without a session cookie, request.user is left unevaluated (loading the user, through the
    session and django-otp, cost about a tenth of a page served from the cache). The pages say
    "Vary: Cookie" themselves (cached_page).
    """
    if request.method not in ("GET", "HEAD"):
        return False
    if not sent_session_cookie(request):
        return True
    user = getattr(request, "user", None)
    return not (user and user.is_authenticated)


def cached_page(*namespaces: str, timeout: int = 3600) -> Callable:
    """Cache a view's 200 responses for anonymous visitors until a namespace is bumped."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not cacheable(request):
                return view(request, *args, **kwargs)
            key = _page_key(request, namespaces)
            current, stored = _lookup(key, namespaces)
            if stored is not None:
                _versions, _format, body, content_type = stored
                response = _stored_response(request, body, content_type)
                response["X-Page-Cache"] = "hit"
            else:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
                if (
                    response.status_code != 200
                    or response.streaming
                    or response.cookies
                    or response.has_header("Content-Encoding")
                ):
                    return response
                level = GZIP_LEVEL_QUERY if request.META.get("QUERY_STRING") else GZIP_LEVEL_PAGE
                body = gzip.compress(response.content, compresslevel=level, mtime=0)
                entry = (current, STORED_FORMAT, body, response["Content-Type"])
                cache.set(key, entry, timeout)
                if accepts_gzip(request):
                    response.content = body
                    response["Content-Encoding"] = "gzip"
                response["X-Page-Cache"] = "miss"
            # Cookie: a signed-in visitor gets the page rendered for them, never this one.
            patch_vary_headers(response, ("Accept-Encoding", "Cookie"))
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
            return response

        return wrapper

    return decorator
