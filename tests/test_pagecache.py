import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.functional import SimpleLazyObject

from icetracker.pagecache import GZIP_LEVEL_PAGE, GZIP_LEVEL_QUERY, bump, cached_page

calls = []


@cached_page("things")
def view(request):
    calls.append(request.GET.get("q"))
    return HttpResponse(f"page {len(calls)}")


def get(path="/things/", user=None, **params):
    request = RequestFactory().get(path, params)
    request.user = user or AnonymousUser()
    if user is not None:  # signed in: the browser sends its session cookie
        request.COOKIES[settings.SESSION_COOKIE_NAME] = "session-key"
    return view(request)


@pytest.fixture(autouse=True)
def _reset():
    calls.clear()


def test_second_anonymous_get_is_served_from_cache_with_public_cache_control():
    first, second = get(), get()
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert len(calls) == 1
    assert "public" in second["Cache-Control"]
    assert "max-age=" in second["Cache-Control"]


def test_bump_invalidates_at_once():
    get()
    bump("things")
    assert get().content == b"page 2"


def test_query_string_is_part_of_the_key():
    get(q="a")
    get(q="b")
    get(q="a")
    assert calls == ["a", "b"]


@pytest.mark.django_db
def test_logged_in_users_bypass_the_cache():
    user = User(username="editor")
    get(user=user)
    get(user=user)
    assert len(calls) == 2


def test_without_a_session_cookie_the_user_is_not_even_loaded():
    request = RequestFactory().get("/things/")
    request.user = SimpleLazyObject(lambda: pytest.fail("request.user was evaluated"))
    assert view(request)["X-Page-Cache"] == "miss"
    assert "Cookie" in view(request)["Vary"]  # a signed-in visitor is sent another page


def test_a_page_cached_before_a_bump_is_replaced_not_served():
    get(q="x")
    bump("things")
    assert get(q="x")["X-Page-Cache"] == "miss"
    assert get(q="x")["X-Page-Cache"] == "hit"
    assert calls == ["x", "x"]


def test_pages_go_gzipped_to_clients_that_accept_it_and_plain_to_others():
    import gzip

    plain_miss = get(q="z")
    gzipped_hit = view(gzip_request(q="z"))
    plain_hit = get(q="z")
    assert calls == ["z"]
    assert gzipped_hit["Content-Encoding"] == "gzip"
    assert gzip.decompress(gzipped_hit.content) == plain_miss.content == plain_hit.content
    assert not plain_hit.has_header("Content-Encoding")
    for response in (plain_miss, gzipped_hit, plain_hit):
        assert "Accept-Encoding" in response["Vary"]


def test_a_gzip_client_gets_even_the_first_render_gzipped():
    import gzip

    response = view(gzip_request(q="first"))
    assert response["X-Page-Cache"] == "miss"
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == b"page 1"


def gzip_request(**params):
    request = RequestFactory().get("/things/", params, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    request.user = AnonymousUser()
    return request


TEXT = " ".join(f"incident {n * 7919 % 1000} in state {n % 56}" for n in range(3000)).encode()


@cached_page("things")
def long_view(request):
    return HttpResponse(TEXT)


@pytest.mark.parametrize(
    ("params", "level"), [({}, GZIP_LEVEL_PAGE), ({"state": "TX"}, GZIP_LEVEL_QUERY)]
)
def test_pages_with_a_query_string_are_compressed_faster(params, level):
    import gzip

    assert gzip.compress(TEXT, 3, mtime=0) != gzip.compress(TEXT, 6, mtime=0)
    request = RequestFactory().get("/long/", params, HTTP_ACCEPT_ENCODING="gzip")
    request.user = AnonymousUser()
    assert long_view(request).content == gzip.compress(TEXT, compresslevel=level, mtime=0)
    hit = long_view(request)
    assert hit["X-Page-Cache"] == "hit"
    assert hit.content == gzip.compress(TEXT, compresslevel=level, mtime=0)
