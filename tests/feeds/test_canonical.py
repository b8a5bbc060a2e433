import pytest

from feeds.canonical import NotCanonical, canonicalise_url


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTPS://News.Example.ORG:443/a/b?utm_source=rss&id=7&fbclid=x#frag",
            "https://news.example.org/a/b?id=7",
        ),
        ("http://example.org:80", "http://example.org/"),
        ("http://example.org:8080/x", "http://example.org:8080/x"),
        (
            "https://example.org/p?gclid=1&mc_cid=2&mc_eid=3&UTM_Medium=4&b=2&a=1",
            "https://example.org/p?b=2&a=1",
        ),
        ("https://example.org/path with space", "https://example.org/path%20with%20space"),
        ("https://example.org/caf%C3%A9", "https://example.org/caf%C3%A9"),
        ("https://example.org/café", "https://example.org/caf%C3%A9"),
        ("https://bücher.example/x", "https://xn--bcher-kva.example/x"),
        ("https://user:pw@example.org/x", "https://example.org/x"),
        ("https://example.org./x?", "https://example.org/x"),
        ("https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x"),
    ],
)
def test_canonical_form(url, canonical):
    assert canonicalise_url(url) == canonical


def test_canonicalising_is_idempotent():
    once = canonicalise_url("HTTPS://A.example.org/x y?utm_term=z&q=1#top")
    assert canonicalise_url(once) == once


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://example.org/x", "/relative", "", "https://", "http://:80/"],
)
def test_only_absolute_http_urls_have_a_canonical_form(url):
    with pytest.raises(NotCanonical):
        canonicalise_url(url)
