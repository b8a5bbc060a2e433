"""Django's Redis cache backend, with one client per server instead of one per cache operation,
and for a plain `redis://` address our own small client (icetracker.redisclient).

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` object for every get or set.
With redis-py 5+ that costs more than the round trip itself (each new client fills a table of
about 170 response callbacks): about 0.4 ms of CPU per cached page, which needs two cache
reads. One client per server is enough: redis-py's is thread-safe and borrows connections from
its pool, and ours holds one connection per process behind a lock. Measured with bench/run.py
(see the README's Performance section).
"""

from typing import Any

from django.core.cache.backends import redis as django_redis

from icetracker import redisclient

# OPTIONS that icetracker.redisclient understands; any other sends the server to redis-py.
FAST_CLIENT_OPTIONS = {"socket_timeout", "socket_connect_timeout"}


def fast_client(url: str, options: dict[str, Any]) -> redisclient.Client | None:
    """Our client for an address it serves (redisclient.Client.from_url: a plain redis://
    one) with options it understands; None for anything else (TLS, a Unix socket, query
    parameters, a custom pool or parser...), which redis-py serves."""
    if not set(options) <= FAST_CLIENT_OPTIONS:
        return None
    try:
        return redisclient.Client.from_url(url, **options)
    except ValueError:
        return None


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, servers, serializer=None, pool_class=None, parser_class=None, **options):
        super().__init__(servers, serializer, pool_class, parser_class, **options)
        self._clients: dict[int, object] = {}
        # Our client only where nothing asks for redis-py's pool or parser.
        self._fast_options = None if pool_class or parser_class else options

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None and self._fast_options is not None:
            client = fast_client(self._servers[index], self._fast_options)
            if client is not None:
                self._clients[index] = client
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client

    def get_many(self, keys):
        """Django's get_many through a plain MGET: redis-py's mget() wrapper costs about a
        quarter of the call's CPU (16 of 66 µs), and every page served from the page cache
        makes one."""
        values = self.get_client(None).execute_command("MGET", *keys)
        return {
            key: self._serializer.loads(value)
            for key, value in zip(keys, values, strict=True)
            if value is not None
        }


class RedisCache(django_redis.RedisCache):
    """settings.CACHES backend "icetracker.cache.RedisCache": same options as Django's."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def incr_counters(self, windows: list[tuple[str, int]]) -> list[int]:
        """Add one to each (key, seconds) counter, created to expire after that many seconds,
        in one round trip; the counts after adding (icetracker/throttling.py)."""
        keys = [(self.make_and_validate_key(key), seconds) for key, seconds in windows]
        pipeline = self._cache.get_client(write=True).pipeline(transaction=False)
        for key, seconds in keys:
            pipeline.set(key, 0, ex=seconds, nx=True)
            pipeline.incr(key)
        return pipeline.execute()[1::2]
