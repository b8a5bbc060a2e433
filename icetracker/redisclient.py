"""A small Redis client for the cache's own commands: RESP2 over one socket per process.

Django's Redis cache backend drives redis-py, whose every command checks a connection out of
a pool and back, runs it through retry, event and observability wrappers, and parses the reply
through several layers: about 80 µs of CPU for one MGET, against 14 µs for the same bytes sent
and read on a plain socket (best of three runs of 5,000, redis-py 8.2; README, Performance).
Every page the page cache serves makes one such command, and every page it renders two or three.

This client speaks the protocol itself, for the commands Django's backend and
icetracker.cache send (GET, SET with EX and NX, MGET, DEL, EXISTS, INCRBY, EXPIRE, PERSIST,
FLUSHDB, and pipelines of them, with or without MULTI/EXEC), with redis-py's return values and
its exception classes (redis.exceptions), so the backend and its callers cannot tell the two
apart. It is used only for a plain `redis://` address with no options beyond the two socket
timeouts (icetracker.cache.fast_client); TLS, Unix sockets, Sentinel and every other option go
through redis-py.

- One connection per process, opened on first use and again after a fork; a lock keeps two
  threads from interleaving commands on it.
- A connection that fails when it was last used fine (the server restarted, or closed an idle
  connection) is replaced and the command sent once more, on a new connection, as redis-py's
  default retry does; a failure on a new connection is raised. After a timeout the command is
  not sent again: the server may have run it.
- After any failure the socket is closed, so a reply half read can never be taken for the next
  command's.
"""

import os
import socket
import threading
from typing import Any
from urllib.parse import unquote, urlsplit

from redis import exceptions

DEFAULT_TIMEOUT = 5.0  # seconds, to connect and for each reply; redis-py waits for ever
CHUNK = 65536


def pack(args: tuple) -> bytes:
    """A command as RESP: an array of bulk strings. Values are bytes, str (UTF-8), int or
    float, as redis-py encodes them; Django's RedisSerializer hands over pickles, and integers
    left raw."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        if isinstance(arg, str):
            arg = arg.encode()
        elif type(arg) is int:
            arg = b"%d" % arg
        elif type(arg) is float:
            arg = repr(arg).encode()
        elif not isinstance(arg, bytes | bytearray | memoryview):
            raise exceptions.DataError(
                f"Invalid input of type {type(arg).__name__!r}: bytes, str, int or float only."
            )
        parts.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(parts)


class Reader:
    """RESP2 replies from a socket, through one growing buffer."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()
        self.position = 0

    def _fill(self) -> None:
        chunk = self.sock.recv(CHUNK)
        if not chunk:
            raise exceptions.ConnectionError("Connection closed by server.")
        if self.position:
            del self.buffer[: self.position]
            self.position = 0
        self.buffer += chunk

    def _line(self) -> bytes:
        while (end := self.buffer.find(b"\r\n", self.position)) < 0:
            self._fill()
        line = bytes(self.buffer[self.position : end])
        self.position = end + 2
        return line

    def _exactly(self, size: int) -> bytes:
        while len(self.buffer) - self.position < size + 2:
            self._fill()
        data = bytes(self.buffer[self.position : self.position + size])
        self.position += size + 2
        return data

    def reply(self) -> Any:
        """One reply: bytes, int, None, True for "+OK", a str for another status, a list, or
        a ResponseError (returned, not raised, so that a pipeline reads every reply)."""
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"$":
            size = int(rest)
            return None if size < 0 else self._exactly(size)
        if kind == b":":
            return int(rest)
        if kind == b"+":
            return True if rest == b"OK" else rest.decode()
        if kind == b"-":
            return exceptions.ResponseError(rest.decode(errors="replace"))
        if kind == b"*":
            count = int(rest)
            return None if count < 0 else [self.reply() for _ in range(count)]
        raise exceptions.InvalidResponse(f"Protocol error, got {line[:40]!r}.")


class Client:
    """The part of redis.Redis that Django's Redis cache backend uses, on one connection."""

    def __init__(
        self,
        host: str,
        port: int = 6379,
        db: int = 0,
        username: str | None = None,
        password: str | None = None,
        socket_timeout: float | None = DEFAULT_TIMEOUT,
        socket_connect_timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        self.address = (host, port)
        self.db = db
        self.username, self.password = username, password
        self.socket_timeout = socket_timeout
        self.socket_connect_timeout = socket_connect_timeout
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._reader: Reader | None = None
        self._pid = os.getpid()

    @classmethod
    def from_url(cls, url: str, **options: Any) -> "Client":
        """A client for a plain redis:// address (host, port, database, credentials); a
        ValueError for any other (TLS, a Unix socket, query parameters...)."""
        parts = urlsplit(url)
        if parts.scheme != "redis" or not parts.hostname or parts.query or parts.fragment:
            raise ValueError(f"Not a plain redis:// address with a host: {url!r}")
        path = parts.path.strip("/")
        return cls(
            parts.hostname,
            parts.port or 6379,
            db=int(path) if path else 0,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            **options,
        )

    # --- connection -----------------------------------------------------------------------
    def _connect(self) -> None:
        try:
            sock = socket.create_connection(self.address, self.socket_connect_timeout)
        except OSError as error:
            raise self._failure(error, f"connecting to {self.address}") from error
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(self.socket_timeout)
        self._sock, self._reader = sock, Reader(sock)
        setup = []
        if self.password is not None:
            auth = (self.username, self.password) if self.username else (self.password,)
            setup.append(("AUTH", *auth))
        if self.db:
            setup.append(("SELECT", self.db))
        try:
            replies = self._round_trip(pack_all(setup), len(setup))
        except BaseException as error:
            failure = self._failure(error, "setting up the connection")
            if failure is error:
                raise
            raise failure from error
        for reply in replies:
            if isinstance(reply, exceptions.ResponseError):
                self.close()
                if str(reply).startswith(("WRONGPASS", "NOAUTH", "invalid password")):
                    raise exceptions.AuthenticationError(str(reply))
                raise reply

    def _failure(self, error: BaseException, doing: str) -> BaseException:
        """What to raise after `error`, the connection closed: redis-py's TimeoutError or
        ConnectionError for a socket's error, any other error as it is."""
        self.close()
        if isinstance(error, TimeoutError):
            return exceptions.TimeoutError(f"Timeout {doing}.")
        if isinstance(error, OSError):
            return exceptions.ConnectionError(f"Error {doing}: {error}")
        return error

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = self._reader = None

    def _round_trip(self, payload: bytes, count: int) -> list[Any]:
        """Send `count` packed commands at once and read their replies, on the open
        connection."""
        if not count:
            return []
        self._sock.sendall(payload)
        return [self._reader.reply() for _ in range(count)]

    def _execute(self, commands: list[tuple]) -> list[Any]:
        # Packed first: a value of the wrong type is refused before the connection is touched.
        payload = pack_all(commands)
        with self._lock:
            if self._pid != os.getpid():
                # Forked: the connection is the parent's. Closing this process's descriptor
                # of it leaves the parent's open.
                self.close()
                self._pid = os.getpid()
            for attempt in (1, 2):
                reused = self._sock is not None
                if not reused:
                    self._connect()
                try:
                    return self._round_trip(payload, len(commands))
                except BaseException as error:
                    failure = self._failure(error, f"talking to Redis at {self.address}")
                    # A connection that had worked broke: once more, on a new one. Not after
                    # a timeout (a TimeoutError, not a ConnectionError): the server may have
                    # run the commands.
                    if reused and attempt == 1 and isinstance(failure, exceptions.ConnectionError):
                        continue
                    if failure is error:
                        raise
                    raise failure from error
        raise AssertionError("unreachable")

    # --- commands -------------------------------------------------------------------------
    def execute_command(self, *args: Any) -> Any:
        reply = self._execute([args])[0]
        if isinstance(reply, exceptions.ResponseError):
            raise reply
        return reply

    def get(self, key: str) -> bytes | None:
        return self.execute_command("GET", key)

    def mget(self, keys, *args: str) -> list[bytes | None]:
        keys = [keys] if isinstance(keys, str | bytes) else list(keys)
        return self.execute_command("MGET", *keys, *args)

    def set(self, key: str, value: Any, ex: int | None = None, nx: bool = False) -> bool | None:
        return self.execute_command(*set_args(key, value, ex, nx))

    def delete(self, *keys: str) -> int:
        return self.execute_command("DEL", *keys)

    def exists(self, *keys: str) -> int:
        return self.execute_command("EXISTS", *keys)

    def incr(self, key: str, amount: int = 1) -> int:
        return self.execute_command("INCRBY", key, amount)

    def expire(self, key: str, seconds: int) -> bool:
        return bool(self.execute_command("EXPIRE", key, seconds))

    def persist(self, key: str) -> bool:
        return bool(self.execute_command("PERSIST", key))

    def flushdb(self) -> bool:
        return self.execute_command("FLUSHDB")

    def pipeline(self, transaction: bool = True) -> "Pipeline":
        return Pipeline(self, transaction)


def pack_all(commands: list[tuple]) -> bytes:
    return b"".join(pack(command) for command in commands)


def set_args(key: str, value: Any, ex: int | None, nx: bool) -> tuple:
    args: tuple = ("SET", key, value)
    if ex is not None:
        args += ("EX", ex)
    if nx:
        args += ("NX",)
    return args


class Pipeline:
    """Commands sent together and answered together, as redis-py's pipeline: in MULTI/EXEC
    with `transaction` (the default), and the first error reply raised once all are read."""

    def __init__(self, client: Client, transaction: bool) -> None:
        self.client = client
        self.transaction = transaction
        self.commands: list[tuple] = []
        self.returns: list = []

    def _add(self, args: tuple, convert=None) -> "Pipeline":
        self.commands.append(args)
        self.returns.append(convert)
        return self

    def set(self, key: str, value: Any, ex: int | None = None, nx: bool = False) -> "Pipeline":
        return self._add(set_args(key, value, ex, nx))

    def incr(self, key: str, amount: int = 1) -> "Pipeline":
        return self._add(("INCRBY", key, amount))

    def mset(self, mapping: dict) -> "Pipeline":
        return self._add(("MSET", *(item for pair in mapping.items() for item in pair)))

    def expire(self, key: str, seconds: int) -> "Pipeline":
        return self._add(("EXPIRE", key, seconds), bool)

    def execute(self) -> list[Any]:
        commands, self.commands = self.commands, []
        returns, self.returns = self.returns, []
        if not commands:
            return []
        if self.transaction:
            replies = self.client._execute([("MULTI",), *commands, ("EXEC",)])
            queued, replies = replies[:-1], replies[-1]
            errors = [reply for reply in queued if isinstance(reply, exceptions.ResponseError)]
            if errors:  # refused when queued: EXEC discarded the transaction
                raise errors[0]
            if isinstance(replies, exceptions.ResponseError):
                raise replies
            if replies is None:
                raise exceptions.WatchError("Transaction aborted.")
        else:
            replies = self.client._execute(commands)
        for reply in replies:
            if isinstance(reply, exceptions.ResponseError):
                raise reply
        return [
            convert(reply) if convert else reply
            for reply, convert in zip(replies, returns, strict=True)
        ]
