"""The Redis cache backend (icetracker/cache.py): Django's, with one client per pool."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.redis


def test_the_redis_cache_reuses_one_client_per_pool():
    backend = cache._cache
    assert backend.get_client("a") is backend.get_client("b", write=True)


def test_the_redis_cache_still_behaves_like_djangos():
    cache.set("bench:key", {"a": 1}, 30)
    assert cache.get("bench:key") == {"a": 1}
    assert cache.get_many(["bench:key", "bench:missing"]) == {"bench:key": {"a": 1}}
    cache.set("bench:counter", 1, 30)
    assert cache.incr("bench:counter") == 2
    cache.delete("bench:key")
    assert cache.get("bench:key") is None


def test_get_many_gives_every_stored_value_and_leaves_out_the_missing_ones():
    values = {"bench:int": 7, "bench:bytes": b"\x00gz", "bench:tuple": ([1, 2], "gzip-1", b"x")}
    cache.set_many(values, 30)
    cache.set("bench:none", None, 30)  # a stored None is a value, as in Django's backend
    wanted = [*values, "bench:none", "bench:missing"]
    assert cache.get_many(wanted) == {**values, "bench:none": None}
    assert cache.get_many(["bench:missing"]) == {}
