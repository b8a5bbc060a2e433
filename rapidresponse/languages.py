"""Languages a hotline answers in: ISO 639 codes where the published text is clear, else a note."""

import re

from django.utils.translation import gettext_lazy as _

# Codes we store, with the name shown to readers (translated).
LANGUAGE_NAMES = {
    "en": _("English"),
    "es": _("Spanish"),
    "ht": _("Haitian Creole"),
    "ko": _("Korean"),
    "pt": _("Portuguese"),
    "vi": _("Vietnamese"),
    "zh": _("Chinese (Mandarin)"),
    "ar": _("Arabic"),
    "fr": _("French"),
    "ru": _("Russian"),
    "tl": _("Tagalog"),
    "so": _("Somali"),
    "am": _("Amharic"),
    "hmn": _("Hmong"),
    "uk": _("Ukrainian"),
    "fa": _("Persian (Farsi)"),
    "ps": _("Pashto"),
    "quc": _("K'iche'"),
    "mam": _("Mam"),
}
LANGUAGE_CHOICES = list(LANGUAGE_NAMES.items())

# Names as they appear in published listings (lower case) -> code. Only unambiguous names:
# "Chinese" alone could be Cantonese, so it is kept in the note, not guessed.
PUBLISHED_NAMES = {
    "english": "en",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
    "haitian creole": "ht",
    "kreyòl": "ht",
    "korean": "ko",
    "portuguese": "pt",
    "vietnamese": "vi",
    "mandarin": "zh",
    "arabic": "ar",
    "french": "fr",
    "russian": "ru",
    "tagalog": "tl",
    "somali": "so",
    "amharic": "am",
    "hmong": "hmn",
    "ukrainian": "uk",
    "farsi": "fa",
    "persian": "fa",
    "pashto": "ps",
    "k'iche'": "quc",
}
_NAME = re.compile(
    r"(?<![\w'])("
    + "|".join(re.escape(name) for name in sorted(PUBLISHED_NAMES, key=len, reverse=True))
    + r")(?![\w])",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s*[;,/]\s*")


def parse_languages(published: str) -> tuple[list[str], str]:
    """Return (codes, note) for a published languages text.

    Codes are the languages clearly named, in order; the note keeps the published text whenever
    it says more than a plain list of names or codes ("Spanish (dispatchers)", "multilingual").
    """
    text = " ".join((published or "").split())
    if not text:
        return [], ""
    parts = [part for part in _SEPARATORS.split(text) if part]
    if all(part.lower() in LANGUAGE_NAMES for part in parts):
        return _unique(part.lower() for part in parts), ""
    codes = _unique(PUBLISHED_NAMES[match.group(1).lower()] for match in _NAME.finditer(text))
    plain = all(part.lower() in PUBLISHED_NAMES for part in parts)
    return codes, "" if plain else text


def _unique(codes) -> list[str]:
    seen: list[str] = []
    for code in codes:
        if code not in seen:
            seen.append(code)
    return seen


def language_names(codes: list[str]) -> list[str]:
    return [str(LANGUAGE_NAMES.get(code, code)) for code in codes]
