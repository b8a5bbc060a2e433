"""Parsing fixture feeds from bytes: formats, encodings, hostile documents, sanitising."""

from datetime import UTC, datetime

import pytest

from feeds.parse import FeedParseError, parse_feed, sanitise
from tests.feeds.conftest import fixture_bytes

BASE = "https://feeds.example.org/path/feed.xml"


def parse(name: str, content_type: str = "application/rss+xml", url: str = BASE):
    return parse_feed(fixture_bytes(name), {"content-type": content_type}, url=url)


def test_rss_2():
    feed = parse("rss20.xml")
    assert feed.version == "rss20"
    assert not feed.warning
    first = feed.entries[0]
    assert first.title == "ICE raid at a Texas worksite leaves families searching"
    assert first.guid == "example-1001"
    assert first.published_at == datetime(2025, 3, 3, 14, 30, tzinfo=UTC)
    # A relative link in the summary is resolved against the feed's URL.
    assert 'href="https://feeds.example.org/2025/03/more"' in first.summary
    assert len(feed.entries) == 4


def test_rss_1_rdf():
    feed = parse("rss10.rdf", "application/rdf+xml")
    assert feed.version == "rss10"
    assert [e.title for e in feed.entries] == [
        "CBP checkpoint stops school bus",
        "Weather: rain all week",
    ]
    assert feed.entries[0].published_at == datetime(2025, 2, 10, 16, tzinfo=UTC)


def test_rss_0_91():
    feed = parse("rss091.xml")
    assert feed.version.startswith("rss09")
    assert feed.entries[0].link == "http://old.example.org/deportation-flight.html"
    assert feed.entries[0].published_at is None


def test_atom_with_relative_links_and_xml_base():
    feed = parse("atom.xml", "application/atom+xml")
    assert feed.version == "atom10"
    first, second = feed.entries
    assert first.title == "ICE agent arrested after bodycam review"  # type="html" title: text only
    assert first.link == "https://atom.example.org/blog/posts/ice-agent-arrested"
    assert 'href="https://atom.example.org/docs/complaint.pdf"' in first.summary
    assert second.link == "https://other.example.net/section/memo.html"
    assert 'href="https://other.example.net/section/priorities/full-text"' in second.summary
    assert first.published_at == datetime(2025, 1, 19, 12, tzinfo=UTC)


def test_iso_8859_1_declared_windows_1252_bytes():
    [entry] = parse("latin1.xml", "text/xml").entries
    assert entry.title == "\u201cICE raid\u201d in Espa\u00f1ola, caf\u00e9 owners say"
    assert "Se\u00f1ora L\u00f3pez described the deportation \u2013 and the fear." in entry.text


def test_charset_from_the_content_type_header():
    body = fixture_bytes("latin1.xml").replace(b' encoding="ISO-8859-1"', b"")
    [entry] = parse_feed(body, {"content-type": "text/xml; charset=windows-1252"}, url=BASE).entries
    assert entry.title.startswith("\u201cICE raid\u201d")


def test_utf16_feed():
    body = fixture_bytes("rss20.xml").decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    feed = parse_feed(body.encode("utf-16"), {"content-type": "application/xml"}, url=BASE)
    assert len(feed.entries) == 4


def test_bad_utf8_is_accepted_but_noted():
    feed = parse("bad_utf8.xml")
    assert feed.entries[0].title == "Deportation in Pe\u00f1asco"
    assert "CharacterEncodingOverride" in feed.warning


def test_malformed_xml_that_still_yields_entries_is_accepted_but_noted():
    feed = parse("malformed.xml")
    assert feed.warning.startswith("parsed leniently")
    assert feed.entries[0].title == "Deportation hearing delayed & rescheduled"
    assert feed.entries[0].link == "https://broken.example.org/hearing"


@pytest.mark.parametrize("name", ["not_a_feed.html"])
def test_a_document_with_no_entries_that_is_not_a_feed_is_an_error(name):
    with pytest.raises(FeedParseError, match="not a readable RSS or Atom feed"):
        parse(name, "text/html")


def test_an_empty_but_valid_feed_is_not_an_error():
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    assert parse_feed(body, {}, url=BASE).entries == []


@pytest.mark.parametrize("name", ["billion_laughs.xml", "external_entity.xml"])
def test_entity_declarations_are_refused(name):
    with pytest.raises(FeedParseError, match="entities"):
        parse(name)


def test_entity_declarations_are_refused_in_utf16_too():
    body = fixture_bytes("billion_laughs.xml").decode().encode("utf-16")
    with pytest.raises(FeedParseError, match="entities"):
        parse_feed(body, {}, url=BASE)


def test_a_doctype_without_entities_is_fine():
    body = fixture_bytes("rss091.xml").replace(
        b'<rss version="0.91">',
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91">',
    )
    assert len(parse_feed(body, {}, url=BASE).entries) == 1


def test_script_event_handler_and_javascript_payloads_are_sanitised():
    feed = parse("xss.xml")
    first, third = feed.entries
    assert first.title == "ICE raid downtown"
    assert third.title == "DHS statement"
    for entry in (first, third):
        for bad in (
            "<script",
            "onerror",
            "onclick",
            "onmouseover",
            "onload",
            "javascript:",
            "<iframe",
            "<style",
            "<img",
            "<svg",
            "alert(",
        ):
            assert bad not in entry.summary.lower()
            assert bad not in entry.title.lower()
    assert '<a href="https://ok.example.org/a" rel="noopener noreferrer nofollow">ok link</a>' in (
        first.summary
    )
    assert "target=" not in first.summary
    # The entry whose link is javascript: is skipped and reported, not stored.
    assert len(feed.skipped) == 1
    assert "no http(s) link" in feed.skipped[0]
    # The raw text is kept as received (it is never rendered).
    assert "<script>alert(6)</script>" in first.raw_text


def test_sanitise_keeps_only_the_allowlist():
    html = (
        '<h1>T</h1><p class="x">a <em>b</em> <strong>c</strong><br></p><ul><li>1</li></ul>'
        "<ol><li>2</li></ol><blockquote>q</blockquote><table><tr><td>t</td></tr></table>"
        '<a href="mailto:x@example.org">m</a><a href="/rel">r</a><a href="http://ok.example.org/">o</a>'
    )
    assert sanitise(html, "https://site.example.org/feed") == (
        "T<p>a <em>b</em> <strong>c</strong><br></p><ul><li>1</li></ul><ol><li>2</li></ol>"
        '<blockquote>q</blockquote>t<a rel="noopener noreferrer nofollow">m</a>'
        '<a href="https://site.example.org/rel" rel="noopener noreferrer nofollow">r</a>'
        '<a href="http://ok.example.org/" rel="noopener noreferrer nofollow">o</a>'
    )


def test_feedparser_is_never_given_a_url_or_a_path(feed_server):
    """Bytes that look like a URL or a path are parsed as a (bad) document, never opened."""
    feed_server.serve_feed("/rss.xml", "rss20.xml")
    for body in (feed_server.url("/rss.xml").encode(), b"/etc/passwd", b"file:///etc/passwd"):
        with pytest.raises(FeedParseError):
            parse_feed(body, {}, url=BASE)
    assert feed_server.requests == []


def test_future_dates_are_dropped():
    body = fixture_bytes("rss20.xml").replace(b"Mon, 03 Mar 2025", b"Mon, 03 Mar 2099")
    assert parse_feed(body, {}, url=BASE).entries[0].published_at is None
