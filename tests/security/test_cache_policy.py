"""Nothing personal is ever cacheable; public pages are (tests/security/test_public_pages.py)."""

import pytest

from tests.security.conftest import sign_in_verified

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("tests.security.testurls"),
    pytest.mark.usefixtures("cheap_hashing"),
]


def directives(response) -> set[str]:
    header = response.headers.get("Cache-Control", "")
    return {part.strip().split("=")[0] for part in header.split(",") if part.strip()}


def assert_private(response):
    found = directives(response)
    assert {"private", "no-store"} <= found, response.headers.get("Cache-Control")
    assert "public" not in found


def test_the_admin_is_never_cached(client):
    assert_private(client.get("/admin/login/"))
    assert_private(client.get("/admin/"))


@pytest.mark.parametrize(
    "path", ["/about/", "/incidents/", "/rapid-response/", "/api/v1/test-ping"]
)
def test_signed_in_staff_never_get_cacheable_pages(path, client, make_staff, make_device):
    anonymous = client.get(path)
    assert "public" in directives(anonymous)
    user = make_staff("ed")
    sign_in_verified(client, user, make_device(user))
    assert_private(client.get(path))


def test_the_cached_page_is_not_served_to_staff(client, make_staff, make_device):
    client.get("/rapid-response/")  # fills the page cache for anonymous visitors
    user = make_staff("ed")
    sign_in_verified(client, user, make_device(user))
    response = client.get("/rapid-response/")
    assert "X-Page-Cache" not in response.headers
    assert_private(response)


@pytest.mark.parametrize("path", ["/test/cookie/", "/test/public-cookie/"])
def test_a_response_that_sets_a_cookie_is_never_shared(path, client):
    response = client.get(path)
    assert response.cookies
    assert_private(response)


def test_only_successful_gets_get_a_default_public_policy(client):
    assert "public" not in directives(client.post("/api/v1/test-ping"))
    assert "public" not in directives(client.get("/no-such-page/"))
    assert "public" in directives(client.get("/api/v1/test-ping"))


def test_health_stays_no_store(client):
    response = client.get("/api/v1/health")
    assert "no-store" in directives(response)
    assert "public" not in directives(response)
