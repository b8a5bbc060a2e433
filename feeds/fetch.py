"""Our own HTTP client for fetching feeds, built to be pointed at hostile servers.

- http and https only, no credentials in URLs;
- the host is resolved once, every resolved address is checked (private, loopback, link-local,
  multicast, reserved and cloud-metadata addresses are refused, also when embedded in IPv6),
  and the socket connects to that checked address while Host and SNI carry the name: there is
  no second DNS lookup an attacker could rebind;
- a connect timeout and a total deadline that covers TLS, headers and body, enforced on every
  read, so a server trickling a byte a second is cut off;
- a body cap enforced while reading and again while decompressing gzip/deflate incrementally,
  so a compression bomb is refused without being inflated in memory;
- at most N redirects, each one re-checked like the first request;
- conditional GET with the stored ETag and Last-Modified.

Hosts in settings.FEEDS_ALLOWED_PRIVATE_HOSTS (as written in the URL: a name or an address) may
resolve to private addresses; the tests use it for their own server on 127.0.0.1.
"""

import concurrent.futures
import http.client
import io
import ipaddress
import socket
import ssl
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils import timezone

ALLOWED_SCHEMES = {"http": 80, "https": 443}
REDIRECTS = {301, 302, 303, 307, 308}
PERMANENT_REDIRECTS = {301, 308}
TRANSIENT_STATUSES = {408, 425, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524}
CHUNK_SIZE = 64 * 1024
MAX_RETRY_AFTER = timedelta(days=7)
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("fd00:ec2::254"),
    ipaddress.ip_address("100.100.100.200"),
}
NAT64 = ipaddress.ip_network("64:ff9b::/96")
_RESOLVER = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="feeds-dns")


class FetchError(Exception):
    """The feed could not be fetched. `transient` errors are worth retrying soon."""

    transient = False

    def __init__(
        self,
        message: str,
        *,
        transient: bool | None = None,
        status: int | None = None,
        retry_after: datetime | None = None,
    ) -> None:
        super().__init__(message)
        if transient is not None:
            self.transient = transient
        self.status = status
        self.retry_after = retry_after


class BlockedAddress(FetchError):
    """The URL points at an address the fetcher must never connect to."""


class TooLarge(FetchError):
    """The body (compressed or not) is over the size cap."""


class FetchTimeout(FetchError):
    transient = True


class Gone(FetchError):
    """HTTP 410: the publisher removed the feed for good."""


@dataclass(frozen=True)
class Limits:
    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            connect_timeout=settings.FEEDS_CONNECT_TIMEOUT,
            total_timeout=settings.FEEDS_TOTAL_TIMEOUT,
            max_bytes=settings.FEEDS_MAX_BYTES,
            max_redirects=settings.FEEDS_MAX_REDIRECTS,
        )


@dataclass
class FetchResult:
    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    permanent_url: str | None = None
    requests: int = 1

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == ALLOWED_SCHEMES[self.scheme] else f"{host}:{self.port}"


def user_agent() -> str:
    return f"ICE-Accountability-Tracker/{settings.APP_VERSION} (feed reader)"


def _target(url: str) -> _Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BlockedAddress(f"invalid URL {url[:200]!r}: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedAddress(f"only http and https URLs are fetched, not {scheme or 'none'!r}")
    if parts.username or parts.password:
        raise BlockedAddress("URLs with credentials are not fetched")
    if not parts.hostname:
        raise BlockedAddress(f"no host in {url[:200]!r}")
    try:
        host = parts.hostname.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise BlockedAddress(f"invalid host name {parts.hostname!r}") from exc
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Target(scheme, host, port or ALLOWED_SCHEMES[scheme], path)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour:
        return address.sixtofour
    return None


def forbidden_reason(ip: str) -> str | None:
    """Why a connection to this address must not be made, or None if it is a public address."""
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if address in METADATA_ADDRESSES:
        return "cloud metadata address"
    if address.version == 6:
        if address.teredo:
            return "Teredo tunnel address"
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            reason = forbidden_reason(str(embedded))
            return reason and f"{reason} (embedded in IPv6)"
    checks = (
        ("is_unspecified", "unspecified address"),
        ("is_loopback", "loopback address"),
        ("is_link_local", "link-local address"),
        ("is_multicast", "multicast address"),
        ("is_private", "private address"),
        ("is_reserved", "reserved address"),
    )
    for attribute, reason in checks:
        if getattr(address, attribute):
            return reason
    return None if address.is_global else "non-global address"


def _getaddrinfo(host: str, port: int, timeout: float) -> list:
    """getaddrinfo has no timeout of its own: run it on a small pool and stop waiting."""
    future = _RESOLVER.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        return future.result(timeout=timeout)
    except concurrent.futures.TimeoutError as exc:
        raise FetchTimeout(f"resolving {host} timed out") from exc


def resolve(host: str, port: int, timeout: float = 10.0) -> list[str]:
    """Resolve once and check every address; any forbidden one refuses the whole host."""
    try:
        infos = _getaddrinfo(host, port, timeout)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}", transient=True) from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    # Matched on the host as written in the URL, so a name resolving to an allowed address is
    # still refused.
    allowed = host in settings.FEEDS_ALLOWED_PRIVATE_HOSTS
    for ip in addresses:
        reason = forbidden_reason(ip)
        if reason and not allowed:
            raise BlockedAddress(f"refused to connect to {host} ({ip}): {reason}")
    if not addresses:
        raise FetchError(f"cannot resolve {host}: no addresses", transient=True)
    return addresses


def open_connection(ip: str, port: int, timeout: float) -> socket.socket:
    """Connect to an already checked address, with no further name lookup (the tests spy on it)."""
    sock = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect((ip, port))
    except BaseException:
        sock.close()
        raise
    return sock


def _remaining(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchTimeout("timed out: the total time allowed for the fetch ran out")
    return remaining


class _DeadlineReader(io.RawIOBase):
    def __init__(self, owner: "_DeadlineSocket") -> None:
        self._owner = owner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self._owner.arm()
        try:
            return self._owner.sock.recv_into(buffer)
        except TimeoutError as exc:
            raise FetchTimeout("timed out while reading the response") from exc

    def close(self) -> None:
        if not self.closed:
            super().close()
            self._owner.release()


class _DeadlineSocket:
    """The part of a socket http.client uses, with the total deadline armed before every I/O."""

    def __init__(self, sock: socket.socket, deadline: float, read_timeout: float) -> None:
        self.sock, self.deadline, self.read_timeout = sock, deadline, read_timeout
        self.open_files, self.closing = 0, False

    def arm(self) -> None:
        self.sock.settimeout(min(_remaining(self.deadline), self.read_timeout))

    def sendall(self, data: bytes) -> None:
        self.arm()
        self.sock.sendall(data)

    def makefile(self, mode: str, *args, **kwargs) -> io.BufferedReader:
        self.open_files += 1
        return io.BufferedReader(_DeadlineReader(self), CHUNK_SIZE)

    # Like a real socket, stay open while a file made from it is open: http.client closes the
    # connection as soon as it hands a "Connection: close" response its file.
    def release(self) -> None:
        self.open_files -= 1
        if self.closing and not self.open_files:
            self.sock.close()

    def close(self) -> None:
        self.closing = True
        if not self.open_files:
            self.sock.close()


class _Inflater:
    """Incremental gzip/deflate decompression that stops one byte past the cap."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.encoding = encoding
        self._decompressor = (
            zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding in ("gzip", "x-gzip") else None
        )

    def _start_deflate(self, data: bytes) -> None:
        # "deflate" should be zlib-wrapped, but some servers send raw deflate.
        wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
        self._decompressor = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def feed(self, data: bytes, out: bytearray) -> None:
        if self._decompressor is None:
            self._start_deflate(data)
        try:
            while data and not self._decompressor.eof:
                out += self._decompressor.decompress(data, self.limit - len(out) + 1)
                if len(out) > self.limit:
                    raise TooLarge(f"the decompressed body is over {self.limit} bytes")
                data = self._decompressor.unconsumed_tail
        except zlib.error as exc:
            raise FetchError(f"the {self.encoding} body is corrupt: {exc}") from exc

    def finish(self, out: bytearray) -> None:
        if self._decompressor is None:
            return
        try:
            out += self._decompressor.flush()
        except zlib.error as exc:
            raise FetchError(f"the {self.encoding} body is corrupt: {exc}") from exc
        if len(out) > self.limit:
            raise TooLarge(f"the decompressed body is over {self.limit} bytes")
        if not self._decompressor.eof:
            raise FetchError(f"the {self.encoding} body is truncated")


def _read_body(response: http.client.HTTPResponse, headers: dict[str, str], limit: int) -> bytes:
    length = headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > limit:
        raise TooLarge(f"Content-Length {length} is over the {limit}-byte cap")
    encoding = headers.get("content-encoding", "identity").strip().lower() or "identity"
    if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
        raise FetchError(f"unsupported Content-Encoding {encoding!r}")
    inflater = None if encoding == "identity" else _Inflater(encoding, limit)
    out, received = bytearray(), 0
    while chunk := response.read(CHUNK_SIZE):
        received += len(chunk)
        if received > limit:
            raise TooLarge(f"the body is over the {limit}-byte cap")
        if inflater is None:
            out += chunk
        else:
            inflater.feed(chunk, out)
    if inflater is not None:
        inflater.finish(out)
    return bytes(out)


def _headers(response: http.client.HTTPResponse) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in response.getheaders():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def retry_after(value: str | None, now: datetime | None = None) -> datetime | None:
    """The moment a Retry-After header (seconds or an HTTP date) points at, capped at a week."""
    if not value:
        return None
    now = now or timezone.now()
    value = value.strip()
    try:
        moment = now + timedelta(seconds=int(value)) if value.isdigit() else None
        moment = moment or parsedate_to_datetime(value)
    except (ValueError, TypeError, OverflowError):
        return None
    if moment.tzinfo is None:
        return None
    return min(max(moment, now), now + MAX_RETRY_AFTER)


def _connect(target: _Target, limits: Limits, deadline: float) -> socket.socket:
    addresses = resolve(target.host, target.port, min(limits.connect_timeout, _remaining(deadline)))
    errors = []
    for ip in addresses:
        try:
            timeout = min(limits.connect_timeout, _remaining(deadline))
            sock = open_connection(ip, target.port, timeout)
        except TimeoutError:
            errors.append(f"{ip}: connect timed out")
        except OSError as exc:
            errors.append(f"{ip}: {exc.strerror or exc}")
        else:
            if target.scheme == "https":
                sock = _wrap_tls(sock, target.host, deadline, limits)
            return sock
    raise FetchError(f"cannot connect to {target.host}: {'; '.join(errors)}", transient=True)


def _wrap_tls(sock: socket.socket, host: str, deadline: float, limits: Limits) -> ssl.SSLSocket:
    context = ssl.create_default_context()
    sock.settimeout(min(limits.connect_timeout, _remaining(deadline)))
    try:
        return context.wrap_socket(sock, server_hostname=host)
    except ssl.SSLCertVerificationError as exc:
        sock.close()
        raise FetchError(f"TLS certificate of {host} rejected: {exc.verify_message}") from exc
    except (ssl.SSLError, OSError) as exc:
        sock.close()
        raise FetchError(f"TLS handshake with {host} failed: {exc}", transient=True) from exc


def _request(
    url: str, etag: str, last_modified: str, limits: Limits, deadline: float
) -> tuple[int, dict[str, str], bytes]:
    target = _target(url)
    sock = _connect(target, limits, deadline)
    connection = http.client.HTTPConnection(target.host, target.port)
    connection.sock = _DeadlineSocket(sock, deadline, limits.total_timeout)
    response = None
    try:
        connection.putrequest("GET", target.path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", target.host_header)
        connection.putheader("User-Agent", user_agent())
        connection.putheader("Accept", ACCEPT)
        connection.putheader("Accept-Encoding", "gzip, deflate")
        connection.putheader("Connection", "close")
        if etag:
            connection.putheader("If-None-Match", etag)
        if last_modified:
            connection.putheader("If-Modified-Since", last_modified)
        connection.endheaders()
        response = connection.getresponse()
        headers = _headers(response)
        ok = response.status in (200, 203)
        body = _read_body(response, headers, limits.max_bytes) if ok else b""
        return response.status, headers, body
    except FetchError:
        raise
    except TimeoutError as exc:
        raise FetchTimeout(f"timed out talking to {target.host}") from exc
    except http.client.IncompleteRead as exc:
        raise FetchError(
            "the connection closed before the whole body arrived", transient=True
        ) from exc
    except (http.client.HTTPException, OSError) as exc:
        raise FetchError(f"HTTP error from {target.host}: {exc!r}", transient=True) from exc
    finally:
        if response is not None:
            response.close()
        connection.close()


def _status_error(status: int, headers: dict[str, str]) -> FetchError:
    if status == 410:
        return Gone("HTTP 410 Gone: the publisher removed this feed", status=status)
    return FetchError(
        f"HTTP {status}",
        status=status,
        transient=status in TRANSIENT_STATUSES,
        retry_after=retry_after(headers.get("retry-after")),
    )


def fetch(
    url: str, *, etag: str = "", last_modified: str = "", limits: Limits | None = None
) -> FetchResult:
    """GET a feed, following at most `max_redirects` redirects. Raises FetchError."""
    limits = limits or Limits.from_settings()
    deadline = time.monotonic() + limits.total_timeout
    visited: list[str] = []
    permanent = True
    current = url
    while True:
        status, headers, body = _request(current, etag, last_modified, limits, deadline)
        visited.append(current)
        if status not in REDIRECTS:
            break
        location = headers.get("location", "").strip()
        if not location:
            raise FetchError(f"HTTP {status} redirect without a Location header", status=status)
        if len(visited) > limits.max_redirects:
            raise FetchError(f"more than {limits.max_redirects} redirects", status=status)
        permanent = permanent and status in PERMANENT_REDIRECTS
        current = urljoin(current, location)
        if current in visited:
            raise FetchError(f"redirect loop back to {current}", status=status)
    if status not in (200, 203, 304):
        raise _status_error(status, headers)
    moved = permanent and len(visited) > 1
    return FetchResult(
        url=current,
        status=status,
        headers=headers,
        body=body,
        permanent_url=current if moved else None,
        requests=len(visited),
    )
