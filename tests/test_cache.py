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
