"""Find anything in an HTML page that the strict CSP would block or that could execute.

Reusable: the public-page walk uses it, and so can any test that pushes hostile input through
to a page (feed item -> incident -> public page).
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree import ElementTree

# <script> blocks of these types hold data, never code (json_script writes application/json).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href"}
EXECUTABLE_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
# The only hosts an <iframe> may load (the CSP's frame-src): embeds are built, never stored.
FRAME_HOSTS = {"www.youtube-nocookie.com", "www.tiktok.com"}


def _same_origin(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc


def _squash(url: str) -> str:
    # Browsers ignore whitespace and control characters inside a scheme ("java\tscript:").
    return re.sub(r"[\x00-\x20]", "", url).lower()


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        where = self.getpos()
        if tag == "style":
            self.problems.append(f"line {where[0]}: <style> block")
        if tag == "script":
            src = values.get("src")
            if src is None and values.get("type", "").lower() not in DATA_SCRIPT_TYPES:
                self.problems.append(f"line {where[0]}: inline <script>")
            if src and not _same_origin(src):
                self.problems.append(f"line {where[0]}: script from another origin: {src}")
        if tag in ("iframe", "frame", "embed", "object"):
            parts = urlsplit(values.get("src") or values.get("data") or "")
            if tag != "iframe" or parts.scheme != "https" or parts.netloc not in FRAME_HOSTS:
                self.problems.append(f"line {where[0]}: <{tag}> from {parts.netloc or '?'}")
        rel = values.get("rel", "").lower().split()
        if tag == "link" and "stylesheet" in rel and not _same_origin(values.get("href", "")):
            self.problems.append(f"line {where[0]}: stylesheet from another origin")
        for name, value in values.items():
            if name == "style":
                self.problems.append(f"line {where[0]}: style= attribute on <{tag}>")
            elif name.startswith("on"):
                self.problems.append(f"line {where[0]}: event handler {name}= on <{tag}>")
            elif name in URL_ATTRIBUTES and _squash(value).startswith(EXECUTABLE_SCHEMES):
                self.problems.append(f"line {where[0]}: {name}={value[:40]!r} on <{tag}>")

    handle_startendtag = handle_starttag


def executable_html_problems(html: str) -> list[str]:
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.problems


# Elements of an Atom or RSS document whose text a feed reader renders as HTML.
ATOM = "{http://www.w3.org/2005/Atom}"
RSS_HTML_ELEMENTS = {"description"}


def feed_html_problems(xml: str) -> list[str]:
    """executable_html_problems for every part of an Atom/RSS feed that readers render as HTML
    (Atom type="html"/"xhtml" text constructs, RSS descriptions), and executable link hrefs."""
    problems = []
    for element in ElementTree.fromstring(xml).iter():
        name = element.tag.removeprefix(ATOM)
        kind = element.get("type", "text")
        if kind in ("html", "xhtml") or (
            not element.tag.startswith(ATOM) and name in RSS_HTML_ELEMENTS
        ):
            if kind == "xhtml":
                content = "".join(ElementTree.tostring(child, "unicode") for child in element)
            else:
                content = element.text or ""
            problems += [f"<{name}>: {problem}" for problem in executable_html_problems(content)]
        href = element.get("href") or ""
        if _squash(href).startswith(EXECUTABLE_SCHEMES):
            problems.append(f"<{name} href={href[:40]!r}>")
    return problems
