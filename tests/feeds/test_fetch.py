"""The feed fetcher against a hostile local server: limits, redirects, address checks."""

import socket
import time
import tracemalloc
import zlib

import pytest

from feeds import fetch as fetch_module
from feeds.fetch import BlockedAddress, FetchError, FetchTimeout, Gone, TooLarge, fetch
from tests.feeds.conftest import Reply, fixture_bytes, gzipped


@pytest.fixture
def connections(monkeypatch):
    """Every (ip, port) the fetcher opens a socket to."""
    opened: list[tuple[str, int]] = []
    real = fetch_module.open_connection

    def spy(ip, port, timeout):
        opened.append((ip, port))
        return real(ip, port, timeout)

    monkeypatch.setattr(fetch_module, "open_connection", spy)
    return opened


def test_fetches_a_feed_with_identifying_headers(feed_server):
    url = feed_server.serve_feed("/rss.xml", "rss20.xml", ETag='"v1"')
    result = fetch(url)
    assert result.status == 200
    assert result.body == fixture_bytes("rss20.xml")
    assert result.headers["etag"] == '"v1"'
    [seen] = feed_server.requests
    assert seen.headers["host"] == f"127.0.0.1:{feed_server.port}"
    assert seen.headers["user-agent"].startswith("ICE-Accountability-Tracker/")
    assert "application/rss+xml" in seen.headers["accept"]
    assert seen.headers["accept-encoding"] == "gzip, deflate"
    assert "if-none-match" not in seen.headers


def test_conditional_get_sends_validators_and_reports_304(feed_server):
    def conditional(seen):
        if seen.headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(body=b"<rss/>", headers={"ETag": '"v1"'})

    url = feed_server.serve("/cond.xml", conditional)
    result = fetch(url, etag='"v1"', last_modified="Mon, 03 Mar 2025 14:30:00 GMT")
    assert result.not_modified
    assert result.body == b""
    assert feed_server.requests[0].headers["if-modified-since"] == "Mon, 03 Mar 2025 14:30:00 GMT"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
def test_compressed_bodies_are_decoded(feed_server, encoding):
    data = fixture_bytes("atom.xml")
    if encoding == "gzip":
        body = gzipped(data)
    elif encoding == "deflate":
        body = zlib.compress(data)
    else:
        compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        body = compressor.compress(data) + compressor.flush()
    header = "deflate" if encoding == "raw-deflate" else encoding
    url = feed_server.serve("/z.xml", Reply(body=body, headers={"Content-Encoding": header}))
    assert fetch(url).body == data


def test_a_gzip_bomb_is_refused_without_inflating_it(feed_server, settings):
    settings.FEEDS_MAX_BYTES = 256 * 1024
    bomb = gzipped(b"\0" * (64 * 1024 * 1024))  # 64 MiB of zeros, about 64 KiB compressed
    assert len(bomb) < settings.FEEDS_MAX_BYTES
    url = feed_server.serve("/bomb.xml", Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    tracemalloc.start()
    try:
        with pytest.raises(TooLarge, match="decompressed"):
            fetch(url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024, f"peak {peak} bytes: the bomb was inflated"


def test_a_declared_oversized_body_is_refused_before_reading(feed_server, settings):
    settings.FEEDS_MAX_BYTES = 1000
    url = feed_server.serve("/big.xml", Reply(body=b"x" * 5000))
    with pytest.raises(TooLarge, match="Content-Length"):
        fetch(url)


def test_an_oversized_body_without_length_is_cut_while_reading(feed_server, settings):
    settings.FEEDS_MAX_BYTES = 100_000
    body = b"x" * 300_000
    url = feed_server.serve("/nolength.xml", Reply(body=body, headers={"Content-Length": ""}))
    with pytest.raises(TooLarge, match="over the"):
        fetch(url)


def test_a_slow_trickle_is_cut_off_by_the_total_deadline(feed_server, settings):
    settings.FEEDS_TOTAL_TIMEOUT = 1
    body = fixture_bytes("rss20.xml")
    url = feed_server.serve("/slow.xml", Reply(body=body, trickle_bytes=10, trickle_delay=0.1))
    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        fetch(url)
    assert time.monotonic() - started < 1.8  # each byte arrived well within any read timeout


@pytest.mark.parametrize(("status", "transient"), [(404, False), (500, True), (503, True)])
def test_error_statuses_raise_with_transience(feed_server, status, transient):
    url = feed_server.serve("/err.xml", Reply(status=status, body=b"oops"))
    with pytest.raises(FetchError, match=f"HTTP {status}") as caught:
        fetch(url)
    assert caught.value.transient is transient
    assert caught.value.status == status


def test_retry_after_is_reported(feed_server):
    url = feed_server.serve("/busy.xml", Reply(status=429, headers={"Retry-After": "120"}))
    with pytest.raises(FetchError) as caught:
        fetch(url)
    assert caught.value.retry_after is not None
    assert caught.value.transient


def test_410_gone(feed_server):
    url = feed_server.serve("/gone.xml", Reply(status=410))
    with pytest.raises(Gone):
        fetch(url)


def test_redirects_are_followed_and_permanent_moves_reported(feed_server):
    feed_server.serve("/old.xml", Reply(301, headers={"Location": "/newer.xml"}))
    feed_server.serve("/newer.xml", Reply(308, headers={"Location": feed_server.url("/new.xml")}))
    feed_server.serve_feed("/new.xml", "rss20.xml")
    result = fetch(feed_server.url("/old.xml"))
    assert result.url == feed_server.url("/new.xml")
    assert result.permanent_url == feed_server.url("/new.xml")
    assert result.requests == 3


def test_a_temporary_redirect_does_not_move_the_source(feed_server):
    feed_server.serve("/tmp.xml", Reply(302, headers={"Location": "/new.xml"}))
    feed_server.serve_feed("/new.xml", "rss20.xml")
    assert fetch(feed_server.url("/tmp.xml")).permanent_url is None


def test_a_redirect_loop_is_refused(feed_server):
    feed_server.serve("/a.xml", Reply(302, headers={"Location": "/b.xml"}))
    feed_server.serve("/b.xml", Reply(302, headers={"Location": "/a.xml"}))
    with pytest.raises(FetchError, match="redirect loop"):
        fetch(feed_server.url("/a.xml"))
    assert len(feed_server.requests) == 2


def test_more_than_five_redirects_are_refused(feed_server):
    for hop in range(7):
        feed_server.serve(f"/hop{hop}.xml", Reply(302, headers={"Location": f"/hop{hop + 1}.xml"}))
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch(feed_server.url("/hop0.xml"))
    assert len(feed_server.requests) == 6


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/feed.xml",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:10.0.0.1]/feed.xml",
        "http://localhost:9/feed.xml",
        "file:///etc/passwd",
        "gopher://127.0.0.1/",
        "http://user:secret@example.org/feed.xml",
    ],
)
def test_a_redirect_to_a_forbidden_target_is_refused_before_connecting(
    feed_server, connections, target
):
    feed_server.serve("/evil.xml", Reply(302, headers={"Location": target}))
    with pytest.raises(BlockedAddress):
        fetch(feed_server.url("/evil.xml"))
    assert connections == [("127.0.0.1", feed_server.port)], "only the test server was contacted"


def test_private_addresses_are_refused_without_the_allowlist(feed_server, settings, connections):
    settings.FEEDS_ALLOWED_PRIVATE_HOSTS = []
    url = feed_server.serve_feed("/rss.xml", "rss20.xml")
    with pytest.raises(BlockedAddress, match="loopback"):
        fetch(url)
    assert connections == []
    assert feed_server.requests == []


def test_dns_is_resolved_once_and_the_checked_address_is_connected(
    feed_server, settings, monkeypatch, connections
):
    """A name that resolves to a public address on the check and a private one later (DNS
    rebinding) cannot slip through: the fetcher connects to the address it checked."""
    lookups = []

    def fake_getaddrinfo(host, port, *args, **kwargs):
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    settings.FEEDS_ALLOWED_PRIVATE_HOSTS = ["feeds.test"]
    feed_server.serve_feed("/rss.xml", "rss20.xml")
    result = fetch(f"http://feeds.test:{feed_server.port}/rss.xml")
    assert result.status == 200
    assert lookups == ["feeds.test"]
    assert connections == [("127.0.0.1", feed_server.port)]
    assert feed_server.requests[0].headers["host"] == f"feeds.test:{feed_server.port}"


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch, connections, settings):
    settings.FEEDS_ALLOWED_PRIVATE_HOSTS = []

    def rebinding(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with pytest.raises(BlockedAddress, match="private"):
        fetch("https://news.example.org/feed.xml")
    assert connections == []


@pytest.mark.parametrize(
    ("ip", "allowed"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("169.254.1.1", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00:ec2::254", False),
        ("::ffff:127.0.0.1", False),
        ("64:ff9b::a9fe:a9fe", False),
        ("2002:0a00:0001::1", False),
        ("ff02::1", False),
    ],
)
def test_forbidden_address_table(ip, allowed):
    assert (fetch_module.forbidden_reason(ip) is None) is allowed


def test_a_refused_connection_is_a_transient_error(settings):
    settings.FEEDS_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1"]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="cannot connect") as caught:
        fetch(f"http://127.0.0.1:{port}/feed.xml")
    assert caught.value.transient


def test_a_hanging_dns_lookup_is_cut_off(monkeypatch, settings):
    settings.FEEDS_CONNECT_TIMEOUT = 1

    def hang(*args, **kwargs):
        time.sleep(3)
        return []

    monkeypatch.setattr(socket, "getaddrinfo", hang)
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match="resolving"):
        fetch("https://slow-dns.example.org/feed.xml")
    assert time.monotonic() - started < 2


@pytest.fixture(scope="module")
def self_signed_tls_server(tmp_path_factory):
    """An HTTPS server on 127.0.0.1 with a self-signed certificate (made with openssl)."""
    import shutil
    import ssl
    import subprocess
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()


def test_https_certificates_are_verified(self_signed_tls_server, settings):
    settings.FEEDS_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1"]
    with pytest.raises(FetchError, match="certificate") as caught:
        fetch(f"https://127.0.0.1:{self_signed_tls_server}/feed.xml")
    assert not caught.value.transient
