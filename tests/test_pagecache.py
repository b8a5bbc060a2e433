import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpResponse
from django.test import RequestFactory

from icetracker.pagecache import bump, cached_page

calls = []


@cached_page("things")
def view(request):
    calls.append(request.GET.get("q"))
    return HttpResponse(f"page {len(calls)}")


def get(path="/things/", user=None, **params):
    request = RequestFactory().get(path, params)
    request.user = user or AnonymousUser()
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


def test_a_page_cached_before_a_bump_is_replaced_not_served():
    get(q="x")
    bump("things")
    assert get(q="x")["X-Page-Cache"] == "miss"
    assert get(q="x")["X-Page-Cache"] == "hit"
    assert calls == ["x", "x"]
