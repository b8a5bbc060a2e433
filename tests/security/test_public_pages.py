"""Walk every public URL (every pattern outside /admin/, including ones added later) and check
the security headers, cookies, caching and HTML of each page."""

import re

import pytest
from django.conf import settings

from tests.security.htmlcheck import executable_html_problems, feed_html_problems
from tests.security.public_urls import build_world, public_route_ids, samples_for

pytestmark = pytest.mark.django_db

ROUTES = public_route_ids()

# The policy from the issue, written out so that a weakened setting fails here.
EXPECTED_CSP = {
    "default-src": {"'none'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "frame-src": {"https://www.youtube-nocookie.com", "https://www.tiktok.com"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
    "base-uri": {"'none'"},
    "manifest-src": {"'self'"},
}
# Responses that must never be stored anywhere.
NO_STORE = {"health"}


def parse_csp(header: str) -> dict[str, set[str]]:
    policy = {}
    for directive in filter(None, (part.strip() for part in header.split(";"))):
        name, *sources = directive.split()
        assert name not in policy, f"directive {name} appears twice"
        policy[name] = set(sources)
    return policy


@pytest.fixture
def world():
    return build_world()


def test_the_walk_sees_the_whole_site():
    names = {route.name for _id, route in ROUTES}
    assert {"stats:dashboard", "incidents:list", "rapidresponse:index", "health"} <= names
    assert {
        "stats:facility",
        "stats:facility-csv",
        "stats:chart-csv-removals",
        "incidents:feed",
        "sitemap-index",
        "django.contrib.sitemaps.views.sitemap",
        "data-dictionary",
        "schema",
    } <= names
    assert not any(route.route.startswith("admin/") for _id, route in ROUTES)


@pytest.mark.parametrize("route", [r for _id, r in ROUTES], ids=[i for i, _r in ROUTES])
def test_public_page(route, client, world):
    for sample in samples_for(route, world):
        response = client.get(sample.path)
        where = f"GET {sample.path}"
        assert response.status_code == sample.status, where

        csp = response.headers.get("Content-Security-Policy")
        assert csp, f"{where}: no Content-Security-Policy"
        assert "unsafe-inline" not in csp, where
        assert "unsafe-eval" not in csp, where
        assert parse_csp(csp) == EXPECTED_CSP, where
        assert response.headers["X-Content-Type-Options"] == "nosniff", where
        assert response.headers["X-Frame-Options"] == "DENY", where
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", where
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", where
        assert "camera=()" in response.headers["Permissions-Policy"], where

        # Anonymous visitors get no cookie of any kind: no session, CSRF token or language.
        assert not response.cookies, f"{where} set cookies: {list(response.cookies)}"
        assert not client.cookies, where

        cache_control = response.headers.get("Cache-Control", "")
        if route.name in NO_STORE:
            assert "no-store" in cache_control, where
        elif sample.status == 200:
            directives = {d.strip().split("=")[0] for d in cache_control.split(",")}
            assert "public" in directives, f"{where}: {cache_control}"
            assert "max-age" in directives, f"{where}: {cache_control}"
            assert not directives & {"private", "no-store"}, where

        content_type = response.headers.get("Content-Type", "")
        if content_type.startswith("text/html"):
            problems = executable_html_problems(response.content.decode())
            assert not problems, f"{where}: {problems}"
        elif content_type.startswith(("application/atom+xml", "application/rss+xml")):
            problems = feed_html_problems(response.content.decode())
            assert not problems, f"{where}: {problems}"


def test_an_anonymous_404_sets_no_cookie_and_keeps_the_policy(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response.cookies
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert not executable_html_problems(response.content.decode())


def without_template_tags(source: str) -> str:
    source = re.sub(r"\{#.*?#\}|\{%.*?%\}", "", source, flags=re.DOTALL)
    return re.sub(r"\{\{.*?\}\}", "x", source, flags=re.DOTALL)


def test_templates_have_no_inline_code():
    """Every template, including branches the walk did not render (empty states, errors)."""
    template_dirs = [settings.BASE_DIR / "templates"] + [
        path / "templates" for path in settings.BASE_DIR.iterdir() if (path / "apps.py").exists()
    ]
    checked = 0
    for directory in template_dirs:
        for template in directory.rglob("*.html"):
            problems = executable_html_problems(without_template_tags(template.read_text()))
            assert not problems, f"{template.relative_to(settings.BASE_DIR)}: {problems}"
            checked += 1
    assert checked > 5
