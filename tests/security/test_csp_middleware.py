"""RememberedCSPMiddleware gives every response the headers django-csp's own middleware gives
it, whether the policy comes from the settings (built once) or from a view's decorator."""

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.decorators import csp_exempt, csp_replace, csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from icetracker.middleware import RememberedCSPMiddleware, _settings_policies


def plain(request):
    return HttpResponse("plain")


def existing_header(request):
    response = HttpResponse("own policy")
    response[HEADER] = "default-src 'self'"
    return response


def nonce(request):
    return HttpResponse(f"nonce {request.csp_nonce}")


def not_found(request):
    return HttpResponse("missing", status=404)


VIEWS = [
    plain,
    existing_header,
    nonce,
    not_found,
    csp_update({"img-src": ["https://example.org"]})(plain),
    csp_replace({"script-src": ["'self'", "https://example.org"]})(plain),
    csp_exempt()(plain),
]
REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"], "report-uri": "/csp-report/"}}


def headers_from(middleware_class, view, path: str = "/incidents/") -> dict[str, str | None]:
    request = RequestFactory().get(path)
    response = middleware_class(view)(request)
    return {name: response.headers.get(name) for name in (HEADER, HEADER_REPORT_ONLY)}


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: getattr(view, "__name__", "view"))
@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"CONTENT_SECURITY_POLICY_REPORT_ONLY": REPORT_ONLY},
        {"DEBUG": True},
    ],
    ids=["settings", "report-only", "debug"],
)
def test_the_same_headers_as_django_csp(view, changes):
    with override_settings(**changes):
        expected = headers_from(CSPMiddleware, view)
        assert headers_from(RememberedCSPMiddleware, view) == expected
        if not changes and view is plain:
            assert "default-src 'none'" in (expected[HEADER] or "")


def test_excluded_prefixes_and_changed_settings_are_followed(settings):
    policy = dict(settings.CONTENT_SECURITY_POLICY)
    assert headers_from(RememberedCSPMiddleware, plain, "/skipped/x")[HEADER]
    settings.CONTENT_SECURITY_POLICY = policy | {"EXCLUDE_URL_PREFIXES": ["/skipped/"]}
    assert headers_from(RememberedCSPMiddleware, plain, "/skipped/x")[HEADER] is None
    assert headers_from(CSPMiddleware, plain, "/skipped/x")[HEADER] is None
    kept = headers_from(RememberedCSPMiddleware, plain)[HEADER]
    assert kept == headers_from(CSPMiddleware, plain)[HEADER]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    assert headers_from(RememberedCSPMiddleware, plain)[HEADER] == "default-src 'self'"


def test_built_once_until_the_settings_change(settings):
    _settings_policies.cache_clear()
    for _ in range(3):
        headers_from(RememberedCSPMiddleware, plain)
    assert _settings_policies.cache_info().misses == 1
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = REPORT_ONLY
    assert headers_from(RememberedCSPMiddleware, plain)[HEADER_REPORT_ONLY] == (
        "default-src 'self'; report-uri /csp-report/"
    )


def test_a_nonce_asked_for_after_the_response_is_an_error():
    request = RequestFactory().get("/")
    RememberedCSPMiddleware(plain)(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
