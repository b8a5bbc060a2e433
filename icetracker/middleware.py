"""Response policy shared by every page: caching headers, extra security headers, the
PostgreSQL statement timeout for web requests, and the Content-Security-Policy headers."""

import functools
from collections.abc import Callable
from contextvars import ContextVar
from http import HTTPStatus

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.signals import request_finished, setting_changed
from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

from icetracker.api import json_error
from icetracker.pagecache import sent_session_cookie

Handler = Callable[[HttpRequest], HttpResponse]


def _signed_in(request: HttpRequest) -> bool:
    # Only look at the session when the browser sent one: touching it for anonymous visitors
    # would add "Vary: Cookie" to every public page.
    if not sent_session_cookie(request):
        return False
    # The session, not request.user: DRF replaces request.user with its own (None) user.
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SESSION_KEY))


class CachePolicyMiddleware:
    """Public pages are cacheable by browsers and proxies; nothing personal ever is.

    - The admin, and every response to a signed-in user, gets `private, no-store`.
    - A response that sets a cookie is never shared (`private`), whatever the view said.
    - Other successful anonymous GETs without a policy of their own (pages not using the page
      cache, the API) get `public, max-age=settings.PUBLIC_CACHE_MAX_AGE`.

    It sits above the session and CSRF middleware so it sees the cookies they add.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        self.apply_security_headers(response)
        if request.path.startswith(self.admin_prefix) or _signed_in(request):
            add_never_cache_headers(response)
        elif response.cookies:
            patch_cache_control(response, private=True, no_store=True)
        elif (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.has_header("Cache-Control")
        ):
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
        return response

    @staticmethod
    def apply_security_headers(response: HttpResponse) -> None:
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)


# --- Statement timeout ----------------------------------------------------------------------
# Web requests get `statement_timeout`; management commands, importers and Celery tasks (which
# never pass through this middleware) keep the server default, so long imports still finish.

_serving_request: ContextVar[bool] = ContextVar("serving_request", default=False)
QUERY_CANCELED = "57014"  # PostgreSQL SQLSTATE for a statement cancelled by statement_timeout


def _set_timeout(connection: BaseDatabaseWrapper, milliseconds: int | None) -> None:
    """Set or reset the session's timeout with a raw cursor (not counted as a query in tests)."""
    if connection.vendor != "postgresql" or connection.connection is None:
        return
    with connection.connection.cursor() as cursor:
        if milliseconds is None:
            cursor.execute("RESET statement_timeout")
        else:
            cursor.execute("SELECT set_config('statement_timeout', %s, false)", [f"{milliseconds}"])


def _timeout_before_first_statement(execute, sql, params, many, context):
    """Execute wrapper on every connection: give the session the timeout the statement needs.

    While a request is served, the request's first statement on a connection sets the timeout
    (a page served from the cache runs none and pays nothing). It is left in place for the next
    requests on the same persistent connection, which then pay no round trip at all, and reset
    before the first statement that runs outside a request (a shell, a test, a command sharing
    the process). A timeout set inside a transaction may be rolled back with it, so it is only
    trusted until the request ends.
    """
    connection = context["connection"]
    wanted = settings.DB_STATEMENT_TIMEOUT_MS if _serving_request.get() else None
    known = getattr(connection, "_timeout_state", None)  # (driver connection, ms) or None
    current = known[1] if known and known[0] is connection.connection else None
    if current != (wanted or None):
        _set_timeout(connection, wanted or None)
        connection._timeout_state = (connection.connection, wanted) if wanted else None
        connection._timeout_in_transaction = bool(wanted) and connection.in_atomic_block
    return execute(sql, params, many, context)


def _install_timeout_wrapper(connection: BaseDatabaseWrapper, **kwargs) -> None:
    # First in the list: `with connection.execute_wrapper(...)` pops the last one on exit.
    if _timeout_before_first_statement not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _timeout_before_first_statement)


def _timeout_new_connection(sender, connection: BaseDatabaseWrapper, **kwargs) -> None:
    _install_timeout_wrapper(connection)


def _end_request_timeout(sender, **kwargs) -> None:
    if not _serving_request.get():
        return
    _serving_request.set(False)
    for connection in connections.all(initialized_only=True):
        if getattr(connection, "_timeout_in_transaction", False):
            # Set inside a transaction: a rollback may have undone it. "Unknown": the next
            # statement sets or resets it whatever it finds.
            connection._timeout_state = (connection.connection, "unknown")
            connection._timeout_in_transaction = False


connection_created.connect(_timeout_new_connection, dispatch_uid="icetracker.statement_timeout")
request_finished.connect(_end_request_timeout, dispatch_uid="icetracker.statement_timeout_end")


def _is_query_timeout(exc: BaseException) -> bool:
    cause = exc.__cause__ if isinstance(exc, DatabaseError) else None
    return getattr(cause, "sqlstate", None) == QUERY_CANCELED


class StatementTimeoutMiddleware:
    """Cap every SQL statement a web request runs, and answer a timeout with a clean 503.

    The timeout is set before the request's first SQL statement on a connection (a cached page
    runs none and costs no round trip) and kept for the next requests on that connection; the
    first statement outside a request resets it, so a process that serves requests and also
    runs commands (tests, a shell) is not left capped (_timeout_before_first_statement).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DB_STATEMENT_TIMEOUT_MS:
            _serving_request.set(True)
            for connection in connections.all():
                _install_timeout_wrapper(connection)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not _is_query_timeout(exc):
            return None
        message = _("The server took too long to answer. Please try again in a moment.")
        if request.path.startswith("/api/"):
            response = json_error(503, message, "timeout")
        else:
            response = render(request, "503.html", {"message": message}, status=503)
        response["Retry-After"] = "30"
        add_never_cache_headers(response)
        return response


# What django-csp's decorators set on a response to change its policy.
CSP_RESPONSE_ATTRIBUTES = tuple(
    f"_csp_{name}{suffix}"
    for name in ("config", "update", "replace", "exempt")
    for suffix in ("", "_ro")
)
CSP_SETTINGS = {
    HEADER: "CONTENT_SECURITY_POLICY",
    HEADER_REPORT_ONLY: "CONTENT_SECURITY_POLICY_REPORT_ONLY",
}


@functools.cache
def _settings_policies() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """Each CSP header with the policy the settings give it and the path prefixes it skips."""
    policies = []
    for header, name in CSP_SETTINGS.items():
        policy = build_policy(report_only=header == HEADER_REPORT_ONLY)
        excluded = (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
        policies.append((header, policy, tuple(excluded)))
    return tuple(policies)


@receiver(setting_changed)
def _forget_policies(setting: str, **kwargs) -> None:
    if setting in CSP_SETTINGS.values():
        _settings_policies.cache_clear()


class RememberedCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the settings' policies built once per process.

    django-csp builds both headers from the settings for every response: a quarter of the CPU
    of a response that does little else (0.34 of 1.42 million instructions for the benchmark's
    constant view, README, Performance). A response whose policy no view changed (no attribute
    of django-csp's decorators, no nonce asked for) gets the same headers every time, so they
    are built once and kept until the settings change. Any other response is django-csp's own;
    tests/security/test_csp_middleware.py compares the two.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        changed = any(hasattr(response, name) for name in CSP_RESPONSE_ATTRIBUTES)
        if changed or getattr(request, "_csp_nonce", None) is not None:
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (
            HTTPStatus.NOT_FOUND,
            HTTPStatus.INTERNAL_SERVER_ERROR,
        ):
            return response
        for header, policy, excluded in _settings_policies():
            if policy and header not in response and not request.path_info.startswith(excluded):
                response[header] = policy
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
