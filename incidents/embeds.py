"""Video embeds built from an allowlisted provider and a strictly validated video ID.

Stored embed HTML is never rendered. A URL is parsed into (provider, video ID) only when its
scheme is http(s), its host is exactly one of the allowlisted hosts (no user info, no port, no
look-alike domains), its path has one of the known shapes and the ID matches the provider's
pattern. The iframe is then generated from the ID alone:

- YouTube: https://www.youtube-nocookie.com/embed/<11-character ID>
- TikTok:  https://www.tiktok.com/player/v1/<numeric ID>
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

YOUTUBE = "YouTube"
TIKTOK = "TikTok"
EXAMPLES = {
    YOUTUBE: "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    TIKTOK: "https://www.tiktok.com/@user/video/7301234567890123456",
}

YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
TIKTOK_ID = re.compile(r"[0-9]{15,21}")
YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com"})
NOCOOKIE_HOSTS = frozenset({"youtube-nocookie.com", "www.youtube-nocookie.com"})
YOUTU_BE = "youtu.be"
TIKTOK_HOSTS = frozenset({"www.tiktok.com", "tiktok.com", "m.tiktok.com"})
YOUTUBE_PATH = re.compile(r"/(?:shorts|embed)/([A-Za-z0-9_-]{11})/?")
NOCOOKIE_PATH = re.compile(r"/embed/([A-Za-z0-9_-]{11})/?")
YOUTU_BE_PATH = re.compile(r"/([A-Za-z0-9_-]{11})/?")
TIKTOK_PATH = re.compile(r"/@[A-Za-z0-9_.]{1,24}/video/([0-9]{15,21})/?")
# Anything a browser might silently strip or reinterpret makes the URL ambiguous: reject it.
UNSAFE_CHARS = re.compile(r"[\s\\\x00-\x1f\x7f]")
MAX_URL_LENGTH = 2048

SANDBOX = "allow-scripts allow-same-origin allow-presentation"
ALLOW = "encrypted-media; picture-in-picture; fullscreen"
REFERRER_POLICY = "strict-origin-when-cross-origin"


@dataclass(frozen=True)
class Embed:
    provider: str
    video_id: str

    @property
    def src(self) -> str:
        if self.provider == YOUTUBE:
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}"
        return f"https://www.tiktok.com/player/v1/{self.video_id}"

    def render(self, title: str = "") -> SafeString:
        label = _("%(provider)s video: %(title)s") % {
            "provider": self.provider,
            "title": title or self.video_id,
        }
        portrait = self.provider == TIKTOK
        return format_html(
            '<iframe class="embed-frame {}" src="{}" title="{}" width="{}" height="{}" '
            'loading="lazy" referrerpolicy="{}" sandbox="{}" allow="{}" allowfullscreen>'
            "</iframe>",
            "embed-portrait" if portrait else "embed-landscape",
            self.src,
            label,
            325 if portrait else 560,
            575 if portrait else 315,
            REFERRER_POLICY,
            SANDBOX,
            ALLOW,
        )


def _host(url: str) -> tuple[str, str, str] | None:
    """(host, path, query) of a plain http(s) URL, or None if anything about it is unusual."""
    if not isinstance(url, str) or len(url) > MAX_URL_LENGTH or UNSAFE_CHARS.search(url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    # netloc must be the bare host: no user info ("youtube.com@evil.org"), no port.
    if parts.scheme not in ("http", "https") or port is not None or parts.netloc.lower() != host:
        return None
    return host, parts.path, parts.query


def _youtube_watch_id(query: str) -> str | None:
    values = parse_qs(query, keep_blank_values=True).get("v", [])
    if len(values) == 1 and YOUTUBE_ID.fullmatch(values[0]):
        return values[0]
    return None


def parse(url: str) -> Embed | None:
    """The embeddable video behind a URL, or None if it is not a recognised video URL."""
    found = _host(url)
    if found is None:
        return None
    host, path, query = found
    video_id = None
    provider = YOUTUBE
    if host == YOUTU_BE:
        match = YOUTU_BE_PATH.fullmatch(path)
        video_id = match and match.group(1)
    elif host in NOCOOKIE_HOSTS:
        match = NOCOOKIE_PATH.fullmatch(path)
        video_id = match and match.group(1)
    elif host in YOUTUBE_HOSTS:
        if path in ("/watch", "/watch/"):
            video_id = _youtube_watch_id(query)
        else:
            match = YOUTUBE_PATH.fullmatch(path)
            video_id = match and match.group(1)
    elif host in TIKTOK_HOSTS:
        provider = TIKTOK
        match = TIKTOK_PATH.fullmatch(path)
        video_id = match and match.group(1)
    return Embed(provider, video_id) if video_id else None


def render(url: str, title: str = "") -> SafeString | str:
    """The iframe for a URL, or "" when the URL is not an embeddable video."""
    embed = parse(url)
    return embed.render(title) if embed else ""
