"""With DJANGO_DEBUG=0 the site sends HSTS and marks every cookie Secure, HttpOnly and SameSite.

Runs Django in a subprocess, because these values are decided when settings load.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PROBE = """
import json
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="tracker.example.org")
login = client.get("/admin/login/", secure=True)
plain = client.get("/about/", secure=False)
csrf = login.cookies[settings.CSRF_COOKIE_NAME]
print(json.dumps({
    "hsts": login.headers.get("Strict-Transport-Security"),
    "csrf_cookie": {"secure": bool(csrf["secure"]), "httponly": bool(csrf["httponly"]),
                    "samesite": csrf["samesite"], "path": csrf["path"], "domain": csrf["domain"]},
    "plain_http": [plain.status_code, plain.headers.get("Location")],
    "settings": {name: getattr(settings, name) for name in (
        "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
        "LANGUAGE_COOKIE_SECURE", "LANGUAGE_COOKIE_HTTPONLY", "LANGUAGE_COOKIE_SAMESITE",
        "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "REQUIRE_2FA", "DEBUG")},
}))
"""


def run_probe(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-long-random-production-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="tracker.example.org",
        DJANGO_TESTING="1",  # plain static storage: no collectstatic manifest in tests
        **env,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production():
    return run_probe()


def test_hsts_for_a_year_with_subdomains_and_preload(production):
    assert production["hsts"] == "max-age=31536000; includeSubDomains; preload"


def test_plain_http_is_redirected_to_https(production):
    status, location = production["plain_http"]
    assert status == 301
    assert location == "https://tracker.example.org/about/"


def test_cookies_are_secure_httponly_and_samesite(production):
    assert production["csrf_cookie"] == {
        "secure": True,
        "httponly": True,
        "samesite": "Lax",
        "path": "/",
        "domain": "",
    }
    # __Host- cookies are only accepted when Secure, host-only and for the whole site.
    assert production["settings"]["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert production["settings"]["CSRF_COOKIE_NAME"].startswith("__Host-")
    values = production["settings"]
    for cookie in ("SESSION", "CSRF", "LANGUAGE"):
        assert values[f"{cookie}_COOKIE_SECURE"] is True, cookie
        assert values[f"{cookie}_COOKIE_HTTPONLY"] is True, cookie
        assert values[f"{cookie}_COOKIE_SAMESITE"] in ("Lax", "Strict"), cookie


def test_two_factor_is_on_by_default_in_production(production):
    assert production["settings"]["REQUIRE_2FA"] is True
    assert run_probe(DJANGO_REQUIRE_2FA="0")["settings"]["REQUIRE_2FA"] is False


def test_a_malformed_throttle_rate_stops_startup_with_a_clear_message():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "API_"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={**clean, "API_THROTTLE_BURST": "lots"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "API_THROTTLE_BURST must look like 120/min" in result.stderr
