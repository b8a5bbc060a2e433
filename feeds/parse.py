"""Turn fetched feed bytes into clean entries: plain-text titles, sanitised summaries.

feedparser only ever sees bytes and the response headers (never a URL or a path, which it would
open itself). Documents that declare XML entities are refused before it sees them. Summaries are
sanitised with nh3 to a small allowlist; feedparser's own sanitiser is switched off because nh3's
is stricter and faster. Relative links are resolved against the xml:base in force (which
feedparser tracks) or the feed's final URL (passed as Content-Location).
"""

import html
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from time import struct_time
from urllib.parse import urljoin

import feedparser
import nh3
from django.utils import timezone

ALLOWED_TAGS = {"a", "p", "br", "em", "strong", "ul", "ol", "li", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
LINK_REL = "noopener noreferrer nofollow"
HTTP_PREFIXES = ("http://", "https://")
ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
PROLOG_WINDOW = 64 * 1024
TAG = re.compile(r"<[^>]*>")
SPACES = re.compile(r"\s+")
# Feeds declared ISO-8859-1 are usually windows-1252 (as browsers assume): map C1 controls.
C1_TO_CP1252 = {
    code: bytes([code]).decode("cp1252", errors="ignore") or None for code in range(0x80, 0xA0)
}
MAX_TITLE = 500
MAX_GUID = 1000
FUTURE_TOLERANCE = timedelta(days=1)


class FeedParseError(Exception):
    """The document is not a feed we accept; nothing from it is stored."""


@dataclass
class Entry:
    link: str
    guid: str
    title: str
    summary: str
    text: str
    raw_text: str
    published_at: datetime | None


@dataclass
class ParsedFeed:
    entries: list[Entry]
    version: str
    title: str = ""
    warning: str = ""
    skipped: list[str] = field(default_factory=list)


def refuse_entity_declarations(body: bytes) -> None:
    """Refuse documents whose prolog declares entities (billion laughs, external entities).

    NUL bytes are dropped first so UTF-16 and UTF-32 documents are checked too.
    """
    head = body[:PROLOG_WINDOW].replace(b"\x00", b"")
    first = FIRST_ELEMENT.search(head)
    if first is None:
        head = body.replace(b"\x00", b"")
        first = FIRST_ELEMENT.search(head)
    prolog = head[: first.start()] if first else head
    if ENTITY_DECLARATION.search(prolog):
        raise FeedParseError("the document declares XML entities (<!ENTITY>), which are refused")


def _fix_c1(text: str) -> str:
    return text.translate(C1_TO_CP1252) if any("\x80" <= c <= "\x9f" for c in text) else text


def plain_text(markup: str) -> str:
    """Text content of an HTML fragment: no tags (script and style dropped with their content),
    entities decoded, whitespace collapsed."""
    text = (
        html.unescape(nh3.clean(markup, tags=set())) if "<" in markup or "&" in markup else markup
    )
    return SPACES.sub(" ", text).strip()


def text_of_sanitised(markup: str) -> str:
    """Plain text of HTML that sanitise() produced (simple, well-formed tags only)."""
    return SPACES.sub(" ", html.unescape(TAG.sub(" ", markup))).strip()


def _absolute_http(base: str):
    def keep(element: str, attribute: str, value: str) -> str | None:
        if element == "a" and attribute == "href":
            url = value.strip()
            if not url.lower().startswith(HTTP_PREFIXES):
                url = urljoin(base, url) if base else url
            return url if url.lower().startswith(HTTP_PREFIXES) else None
        return value

    return keep


def sanitise(markup: str, base: str = "") -> str:
    """The summary HTML we store: allowlisted tags, http(s) links only, rel=noopener etc."""
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel=LINK_REL,
        strip_comments=True,
        attribute_filter=_absolute_http(base),
    ).strip()


def _title(raw: str) -> str:
    title = plain_text(raw)
    if "<" in title:  # escaped markup in a title ("&lt;script&gt;") is stripped as well
        title = plain_text(title)
    return title[:MAX_TITLE]


def _published(entry: dict) -> datetime | None:
    parsed: struct_time | None = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        moment = datetime(*parsed[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None
    return None if moment > timezone.now() + FUTURE_TOLERANCE else moment


def _raw_summary(entry: dict) -> tuple[str, str]:
    """The summary (or else the first content) and the base URL in force where it was found."""
    detail = entry.get("summary_detail") or (entry.get("content") or [{}])[0]
    summary = entry.get("summary") or detail.get("value") or ""
    return summary, detail.get("base") or ""


def _entry(entry: dict, base: str) -> Entry | str:
    link = (entry.get("link") or "").strip()
    if link and base and not link.lower().startswith(HTTP_PREFIXES):
        link = urljoin(base, link)
    if not link.lower().startswith(HTTP_PREFIXES):
        return f"entry {entry.get('id') or entry.get('title', '')[:60]!r} has no http(s) link"
    raw_title = _fix_c1(entry.get("title") or "")
    raw_summary, summary_base = _raw_summary(entry)
    raw_summary = _fix_c1(raw_summary)
    title = _title(raw_title)
    if not title:
        return f"entry {link[:100]} has no title"
    summary = sanitise(raw_summary, summary_base or base)
    return Entry(
        link=link,
        guid=(entry.get("id") or "").strip()[:MAX_GUID],
        title=title,
        summary=summary,
        text=f"{title}\n{text_of_sanitised(summary)}",
        raw_text=f"{raw_title}\n\n{raw_summary}",
        published_at=_published(entry),
    )


def parse_feed(body: bytes, headers: dict[str, str], *, url: str) -> ParsedFeed:
    """Parse a fetched document. `url` is the final URL, the base for relative links."""
    if not body.strip():
        raise FeedParseError("the response is empty")
    refuse_entity_declarations(body)
    # No Content-Type at all: let the document's own XML declaration speak.
    response_headers = {"content-location": url, "content-type": "application/xml"}
    for name in ("content-type", "content-language"):
        if headers.get(name):
            response_headers[name] = headers[name]
    result = feedparser.parse(
        io.BytesIO(body),
        response_headers=response_headers,
        resolve_relative_uris=False,  # sanitise() resolves links against the entry's base
        sanitize_html=False,
    )
    problem = result.get("bozo_exception") if result.get("bozo") else None
    if not result.entries and (problem or not result.get("version")):
        reason = f"{type(problem).__name__}: {problem}" if problem else "no feed found"
        raise FeedParseError(f"not a readable RSS or Atom feed ({reason})")
    parsed = ParsedFeed(
        entries=[],
        version=result.get("version") or "unknown",
        title=plain_text(result.feed.get("title", ""))[:200],
        warning=f"parsed leniently: {type(problem).__name__}: {problem}" if problem else "",
    )
    for raw in result.entries:
        entry = _entry(raw, url)
        if isinstance(entry, str):
            parsed.skipped.append(entry)
        else:
            parsed.entries.append(entry)
    return parsed
