"""icetracker.redisclient: the cache's own Redis client, against redis-py and a real server.

The cache backend must not be able to tell the two clients apart: the same operations give the
same results and leave the same keys, values and expiries. Failures (a server that closes the
connection, never answers, answers half a reply, refuses a command) are raised as redis-py
raises them, and never leave a reply half read on the connection.
"""

import contextlib
import os
import random
import socket
import threading
import time

import pytest
import redis
from django.conf import settings
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from icetracker import redisclient
from icetracker.cache import RedisCache, fast_client

# --- the protocol, without a server ---------------------------------------------------------


def encode(value) -> bytes:
    """A reply as a Redis server writes it."""
    if value is None:
        return b"$-1\r\n"
    if value is True:
        return b"+OK\r\n"
    if isinstance(value, int):
        return b":%d\r\n" % value
    if isinstance(value, bytes):
        return b"$%d\r\n%s\r\n" % (len(value), value)
    if isinstance(value, str):
        return b"+%s\r\n" % value.encode()
    if isinstance(value, redis.exceptions.ResponseError):
        return b"-%s\r\n" % str(value).encode()
    return b"*%d\r\n" % len(value) + b"".join(encode(item) for item in value)


class ChunkedSocket:
    """recv() hands the bytes out in the given sizes, then reports the peer gone."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        self.data, self.sizes = data, sizes

    def recv(self, limit: int) -> bytes:
        size = min(self.sizes.pop(0) if self.sizes else len(self.data), limit) or 1
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk


status = st.text(
    st.characters(codec="ascii", exclude_characters="\r\n"), min_size=1, max_size=10
).filter(lambda text: text != "OK")
scalars = st.one_of(
    st.none(), st.just(True), st.integers(-(2**63), 2**63 - 1), st.binary(max_size=300), status
)
replies = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5), max_leaves=20)


@given(st.lists(replies, min_size=1, max_size=5), st.lists(st.integers(1, 40)))
def test_replies_read_back_whatever_chunks_they_arrive_in(values, sizes):
    data = b"".join(encode(value) for value in values)
    reader = redisclient.Reader(ChunkedSocket(data, sizes))
    assert [reader.reply() for _ in values] == values


def test_an_error_reply_is_returned_for_the_caller_to_raise_and_the_next_reply_still_reads():
    reader = redisclient.Reader(ChunkedSocket(b"-ERR wrong\r\n:5\r\n", []))
    error = reader.reply()
    assert isinstance(error, redis.exceptions.ResponseError)
    assert str(error) == "ERR wrong"
    assert reader.reply() == 5


def test_a_peer_that_goes_away_mid_reply_is_a_connection_error():
    reader = redisclient.Reader(ChunkedSocket(b"$10\r\nabc", []))
    with pytest.raises(redis.exceptions.ConnectionError):
        reader.reply()


def test_a_reply_of_an_unknown_kind_is_a_protocol_error():
    with pytest.raises(redis.exceptions.InvalidResponse):
        redisclient.Reader(ChunkedSocket(b"?what\r\n", [])).reply()


@given(
    st.lists(
        st.one_of(
            st.binary(max_size=50),
            st.text(max_size=20),
            st.integers(-(2**63), 2**63 - 1),
            st.floats(allow_nan=False, allow_infinity=False),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_commands_are_packed_as_redis_py_packs_them(args):
    command = ("SET", *args)
    assert redisclient.pack(command) == b"".join(redis.Connection().pack_command(*command))


@pytest.mark.parametrize("value", [None, {"a": 1}, [1], object()])
def test_a_value_of_another_type_is_refused_before_anything_is_sent(value):
    with pytest.raises(redis.exceptions.DataError):
        redisclient.pack(("SET", "key", value))


# --- which client the cache uses ------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "options", "ours"),
    [
        ("redis://127.0.0.1:6379/15", {}, True),
        ("redis://user:p%40ss@cache.internal:6380/2", {"socket_timeout": 1}, True),
        ("rediss://cache.internal:6380/0", {}, False),  # TLS
        ("unix:///run/redis.sock", {}, False),
        ("redis://127.0.0.1:6379/0?socket_timeout=1", {}, False),
        ("redis://127.0.0.1:6379/0", {"health_check_interval": 30}, False),
    ],
)
def test_our_client_serves_plain_addresses_and_redis_py_everything_else(url, options, ours):
    client = fast_client(url, options)
    assert (client is not None) is ours
    if ours:
        assert client.address[1] in (6379, 6380)


def test_an_address_is_read_with_its_credentials_and_database():
    client = redisclient.Client.from_url("redis://user:p%40ss@cache.internal:6380/2")
    assert client.address == ("cache.internal", 6380)
    assert (client.username, client.password, client.db) == ("user", "p@ss", 2)


def test_a_custom_pool_or_parser_keeps_redis_py():
    backend = RedisCache(
        "redis://127.0.0.1:6379/15",
        {"OPTIONS": {"pool_class": "redis.BlockingConnectionPool"}},
    )
    assert isinstance(backend._cache.get_client(), redis.Redis)


# --- against the real server ----------------------------------------------------------------

redis_only = pytest.mark.redis


@pytest.fixture
def url() -> str:
    return settings.REDIS_URL


@pytest.fixture
def client(url):
    client = redisclient.Client.from_url(url)
    yield client
    client.close()


def cache_pair(url: str):
    """The project's backend (our client) and Django's own (redis-py), on the same database,
    under different key prefixes."""
    ours = RedisCache(url, {"KEY_PREFIX": "ours"})
    theirs = DjangoRedisCache(url, {"KEY_PREFIX": "theirs"})
    assert isinstance(ours._cache.get_client(), redisclient.Client)
    return ours, theirs


def run_operations(cache) -> list:
    big = random.Random(8).randbytes(300_000)  # read back over many recv() calls
    results = [
        cache.set("a", {"x": [1, 2]}, 30),
        cache.get("a"),
        cache.get("missing", "default"),
        cache.add("a", "other", 30),
        cache.add("b", b"\x00\r\n$-1\r\n", None),
        cache.get("b"),
        cache.set("big", big, 30),
        cache.get("big") == big,
        cache.set("n", 5, None),
        cache.incr("n", 10),
        cache.decr("n", 3),
        cache.get("n"),
        cache.has_key("n"),
        cache.has_key("missing"),
        cache.touch("n", 100),
        cache.touch("missing", 100),
        cache.set_many({"m1": 1, "m2": "two", "m3": None}, 50),
        cache.get_many(["m1", "m2", "m3", "missing"]),
        cache.set_many({"p1": 1, "p2": 2}, None),
        cache.delete("m1"),
        cache.delete("m1"),
        cache.delete_many(["m2", "m3"]),
        cache.get_many(["m1", "m2", "m3"]),
        cache.add("zero", 1, 0),
        cache.get("zero"),
        cache.set("gone", 1, 0),
        cache.get("gone"),
        cache.set("ünïcode-kéy", "välue", 30),
        cache.get("ünïcode-kéy"),
    ]
    with pytest.raises(ValueError, match="not found"):
        cache.incr("missing")
    return results


def stored(raw: redis.Redis, prefix: str) -> dict:
    """Every key under the prefix: its value, and its time to live (-1: none)."""
    return {
        key.decode().split(":", 2)[2]: (raw.get(key), raw.ttl(key))
        for key in raw.scan_iter(f"{prefix}:*")
    }


def assert_same_keys(ours: dict, theirs: dict) -> None:
    assert ours.keys() == theirs.keys()
    for key, (value, ttl) in ours.items():
        their_value, their_ttl = theirs[key]
        assert value == their_value, key
        assert (ttl < 0) == (their_ttl < 0), key
        assert abs(ttl - their_ttl) <= 2, key


@redis_only
def test_every_cache_operation_gives_what_djangos_backend_gives(url):
    ours, theirs = cache_pair(url)
    assert run_operations(ours) == run_operations(theirs)
    raw = redis.Redis.from_url(url)
    assert_same_keys(stored(raw, "ours"), stored(raw, "theirs"))
    assert ours.clear() is True
    assert stored(raw, "ours") == {}


@redis_only
def test_the_throttles_counters_count_and_expire(url):
    cache = RedisCache(url, {"KEY_PREFIX": "ours"})
    windows = [("throttle:minute", 60), ("throttle:hour", 3600)]
    assert cache.incr_counters(windows) == [1, 1]
    assert cache.incr_counters(windows) == [2, 2]
    raw = redis.Redis.from_url(url)
    assert 0 < raw.ttl(cache.make_key("throttle:minute")) <= 60
    assert 3540 < raw.ttl(cache.make_key("throttle:hour")) <= 3600


@redis_only
def test_an_error_reply_is_raised_and_the_connection_goes_on(client):
    client.set("text", b"not a number")
    before = client._sock
    with pytest.raises(redis.exceptions.ResponseError, match="not an integer"):
        client.incr("text")
    assert client.get("text") == b"not a number"
    assert client._sock is before


@redis_only
def test_a_value_of_another_type_sends_nothing_and_keeps_the_connection(client):
    client.set("k", b"v")
    before = client._sock
    with pytest.raises(redis.exceptions.DataError):
        client.set("k", {"a": 1})
    with pytest.raises(redis.exceptions.DataError):
        client.pipeline().set("first", 1).set("k", None).execute()
    assert client.get("first") is None
    assert client.get("k") == b"v"
    assert client._sock is before


@redis_only
def test_a_pipeline_reads_every_reply_and_raises_the_first_error(client):
    client.set("text", b"x")
    pipeline = client.pipeline(transaction=False).incr("text").set("after", 1)
    with pytest.raises(redis.exceptions.ResponseError):
        pipeline.execute()
    assert client.get("after") == b"1"  # sent with the failing one, and run
    assert client.execute_command("PING") == "PONG"  # nothing left unread


@redis_only
def test_a_transaction_refused_when_queued_runs_none_of_its_commands(client):
    pipeline = client.pipeline().set("first", 1).mset({})
    with pytest.raises(redis.exceptions.ResponseError):
        pipeline.execute()
    assert client.get("first") is None
    assert client.pipeline().set("first", 1).expire("first", 9).execute() == [True, True]


@redis_only
def test_a_connection_the_server_closed_is_replaced_once(client, url):
    client.set("k", b"v")
    own_id = client.execute_command("CLIENT", "ID")
    redis.Redis.from_url(url).client_kill_filter(_id=own_id)
    assert client.get("k") == b"v"
    assert client.execute_command("CLIENT", "ID") != own_id


@redis_only
def test_a_fork_opens_its_own_connection(client):
    parent_id = client.execute_command("CLIENT", "ID")
    pid = os.fork()
    if pid == 0:  # the child: exit status 0 only with a connection of its own
        try:
            child_id = client.execute_command("CLIENT", "ID")
            os._exit(0 if child_id != parent_id else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert client.execute_command("CLIENT", "ID") == parent_id


@redis_only
def test_threads_sharing_a_client_never_read_each_others_replies(client):
    failures = []

    def work(number: int) -> None:
        for step in range(200):
            key, value = f"thread:{number}:{step}", os.urandom(number * 100)
            client.set(key, value)
            if client.get(key) != value:
                failures.append(key)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(1, 6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


# --- servers that misbehave (started by the tests, on 127.0.0.1) ----------------------------


@contextlib.contextmanager
def fake_server(answer):
    """A server on 127.0.0.1 that calls answer(connection, number) for each connection it
    accepts; yields (port, the list of connections accepted)."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            accepted.append(connection)
            threading.Thread(target=answer, args=(connection, len(accepted)), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield listener.getsockname()[1], accepted
    finally:
        listener.close()
        for connection in accepted:
            connection.close()


def test_nothing_listening_is_a_connection_error():
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    client = redisclient.Client("127.0.0.1", port, socket_connect_timeout=1)
    with pytest.raises(redis.exceptions.ConnectionError):
        client.get("k")


def test_a_server_that_never_answers_times_out_and_the_command_is_not_sent_again():
    def silent(connection, number):
        connection.recv(1024)

    with fake_server(silent) as (port, accepted):
        client = redisclient.Client("127.0.0.1", port, socket_timeout=0.2)
        started = time.monotonic()
        with pytest.raises(redis.exceptions.TimeoutError):
            client.incr("k")
        assert time.monotonic() - started < 2
        assert client._sock is None
        assert len(accepted) == 1


def test_half_a_reply_then_a_closed_connection_is_never_taken_for_a_value():
    def answers(connection, number):
        if number == 1:
            connection.recv(1024)
            connection.sendall(b"$1\r\nx\r\n")  # the first GET is answered in full
        connection.recv(1024)
        connection.sendall(b"$10\r\nhalf")  # then every GET gets half a reply
        connection.close()

    with fake_server(answers) as (port, accepted):
        client = redisclient.Client("127.0.0.1", port, socket_timeout=2)
        assert client.get("k") == b"x"
        with pytest.raises(redis.exceptions.ConnectionError):
            client.get("k")  # sent again once on a new connection, which fails the same way
        assert len(accepted) == 2
        assert client._sock is None


def test_a_connection_lost_while_choosing_the_database_is_a_connection_error():
    def hang_up(connection, number):
        connection.recv(1024)  # SELECT, never answered
        connection.close()

    with fake_server(hang_up) as (port, accepted):
        client = redisclient.Client("127.0.0.1", port, db=3, socket_timeout=2)
        for _ in range(2):
            with pytest.raises(redis.exceptions.ConnectionError):
                client.get("k")
            assert client._sock is None
        assert len(accepted) == 2  # a new connection each time, never one half set up


@redis_only
def test_a_wrong_password_is_refused_and_the_connection_dropped(url):
    client = redisclient.Client.from_url(url.replace("redis://", "redis://:wrong@", 1))
    with pytest.raises(redis.exceptions.RedisError):
        client.get("k")
    assert client._sock is None


@redis_only
@hypothesis_settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=5000), st.text(min_size=1, max_size=40))
def test_any_bytes_are_stored_and_read_back_as_they_were(client, value, key):
    client.set(key, value, ex=30)
    assert client.get(key) == value
    assert client.mget([key, key + "-missing"]) == [value, None]
