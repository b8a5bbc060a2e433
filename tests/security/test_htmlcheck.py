"""The page checker used by the public walk really finds executable or CSP-breaking HTML."""

import pytest
from django.utils.html import escape

from tests.security.htmlcheck import executable_html_problems, feed_html_problems
from tests.security.payloads import XSS_PAYLOADS

RAW_PAYLOADS = [p for p in XSS_PAYLOADS if "<" in p]


@pytest.mark.parametrize("payload", RAW_PAYLOADS)
def test_each_payload_is_found_when_rendered_raw(payload):
    assert executable_html_problems(f"<main><p>{payload}</p></main>")


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_the_escaped_payload_is_clean(payload):
    assert executable_html_problems(f"<main><p>{escape(payload)}</p></main>") == []


@pytest.mark.parametrize(
    "html",
    [
        '<script src="/static/js/charts.js"></script>',
        '<script id="data" type="application/json">{"a": 1}</script>',
        '<link rel="stylesheet" href="/static/css/site.css">',
        '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"></iframe>',
        '<a href="https://example.org/" rel="noopener noreferrer nofollow">source</a>',
    ],
)
def test_what_the_site_legitimately_uses_passes(html):
    assert executable_html_problems(html) == []


@pytest.mark.parametrize(
    "html",
    [
        '<script src="https://cdn.example.com/lib.js"></script>',
        '<link rel="stylesheet" href="//cdn.example.com/x.css">',
        '<iframe src="https://www.youtube.com/embed/x"></iframe>',
        '<button onclick="go()">go</button>',
    ],
)
def test_third_party_code_and_handlers_are_found(html):
    assert executable_html_problems(html)


ATOM_ENTRY = (
    '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>{title}</title>'
    '<link href="{href}"/><summary type="html">{summary}</summary></entry></feed>'
)


def atom(summary: str, title: str = "t", href: str = "https://example.org/") -> str:
    return ATOM_ENTRY.format(title=escape(title), href=escape(href), summary=escape(summary))


@pytest.mark.parametrize("payload", RAW_PAYLOADS)
def test_the_feed_checker_finds_markup_in_html_summaries(payload):
    assert feed_html_problems(atom(payload))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_the_feed_checker_accepts_escaped_summaries_and_text_titles(payload):
    assert feed_html_problems(atom(escape(payload), title=payload)) == []


def test_the_feed_checker_finds_executable_links():
    assert feed_html_problems(atom("ok", href="javascript:alert(1)"))
