"""The timeline's repeated parts (incident cards, facet selects, options), rendered in Python.

A page shows up to 100 cards and about 80 facet options. As `{% include %}`d templates they
cost about 0.3 ms per card, a third of an uncached timeline page; built here with f-strings
(every value escaped) they cost a tenth of that. tests/incidents/test_timeline_tags.py checks
the markup.
"""

import functools
import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import template
from django.db.models import TextChoices
from django.utils import formats, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from incidents.models import (
    IncidentType,
    Outcome,
    Verification,
    choice_label_in,
    detail_urls,
    place,
)

register = template.Library()

SUMMARY_WORDS = 40


@register.simple_tag
def incident_cards(rows: Iterable[dict[str, Any]]) -> SafeString:
    """Each incident's card in an <li>, for the timeline's <ol>, from rows of
    IncidentFilter.page_rows() (or IncidentQuerySet.page())."""
    words, url = card_words(translation.get_language()), detail_urls()
    return mark_safe(  # noqa: S308 - _card() escapes every value
        "\n".join(f"<li>{_card(row, words, url)}</li>" for row in rows)
    )


def incident_card(row: dict[str, Any]) -> SafeString:
    """The card of an incident in a list: what, when, where, how sure, and how it ended."""
    words = card_words(translation.get_language())
    return mark_safe(_card(row, words, detail_urls()))  # noqa: S308


@dataclass(frozen=True)
class CardWords:
    """What every card says in one language, translated once (labels: choice_label_in)."""

    language: str | None
    video: str
    outcome: str  # "Outcome: %(outcome)s"
    ellipsis: str  # Truncator's "%(truncated_text)s…"

    def label(self, choices: type[TextChoices], value: str) -> str:
        return escaped(choice_label_in(choices, value, self.language))

    def sources(self, count: int) -> str:
        return _sources(count, self.language)


@functools.lru_cache(maxsize=16)
def card_words(language: str | None) -> CardWords:
    """A card's words in `language` (the active one: the key only keeps languages apart).

    Looked up for each card, they were two thirds of its cost: each gettext() goes through
    the active language's thread-local, about 7 µs, and a timeline page shows up to 100 cards.
    """
    return CardWords(
        language=language,
        video=f'<span class="video-mark small">{escape(gettext("Video"))}</span>',
        outcome=gettext("Outcome: %(outcome)s"),
        ellipsis=pgettext("String to return when truncating text", "%(truncated_text)s…"),
    )


@functools.lru_cache(maxsize=1024)
def _sources(count: int, language: str | None) -> str:
    return escape(ngettext("%(n)s source", "%(n)s sources", count) % {"n": count})


def _card(row: dict[str, Any], words: CardWords, url: Callable[[int, str], str]) -> str:
    where = place(row["city"], row["state"])
    where = f" · <span>{escape(where)}</span>" if where else ""
    video = words.video if row["has_video"] else ""
    outcome = words.outcome % {"outcome": choice_label_in(Outcome, row["outcome"], words.language)}
    status = row["verification_status"]
    day = row["incident_date"]
    return (
        '<article class="card incident-card">\n'
        f'  <h3><a href="{escape(url(row["id"], row["slug"]))}">'
        f"{escape(row['headline'])}</a>"
        "</h3>\n"
        '  <p class="incident-meta small">\n'
        f'    <time datetime="{day.isoformat()}">'
        f"{escaped(long_date(day, words.language))}</time>"
        f"{where} · <span>{words.label(IncidentType, row['incident_type'])}</span>\n"
        "  </p>\n"
        '  <p class="badges">\n'
        f'    <span class="badge badge-{escaped(status)}">'
        f"{words.label(Verification, status)}</span>\n"
        f'    <span class="badge badge-outcome">{escaped(outcome)}</span>\n'
        f'    <span class="evidence-count small">{words.sources(row["evidence_count"])}</span>\n'
        f"    {video}\n"
        "  </p>\n"
        f'  <p class="incident-summary">{escape(truncate_words(row["summary"], words))}</p>\n'
        "</article>"
    )


def truncate_words(text: str, words: CardWords) -> str:
    """Truncator(text).words(SUMMARY_WORDS), with the ellipsis looked up once per language."""
    parts = text.split()
    if len(parts) <= SUMMARY_WORDS:
        return " ".join(parts)
    kept = " ".join(parts[:SUMMARY_WORDS])
    if "%(truncated_text)s" in words.ellipsis:
        return words.ellipsis % {"truncated_text": kept}
    return kept if kept.endswith(words.ellipsis) else kept + words.ellipsis


@register.simple_tag
def facet_select(name: str, facet: dict) -> SafeString:
    """A facet's <select>: "any" first, then each value with its count, the chosen one selected.

    `facet` is one of views.facet_options(): {"label", "any_label", "options": [{value, label,
    count, selected}], "invalid"}. The labels are few and the same on every page, so each is
    escaped once.
    """
    count = counter()
    options = "".join(
        f'\n    <option value="{escaped(option["value"])}"'
        f"{' selected' if option['selected'] else ''}>"
        f"{escaped(option['label'])} ({count(option['count'])})</option>"
        for option in facet["options"]
    )
    name = escape(name)
    invalid = ' aria-invalid="true"' if facet["invalid"] else ""
    return mark_safe(  # noqa: S308 - every value below is escaped
        '<div class="form-row">\n'
        f'  <label for="id_{name}">{escaped(facet["label"])}</label>\n'
        f'  <select name="{name}" id="id_{name}"'
        f"{invalid}>\n"
        f'    <option value="">{escaped(facet["any_label"])}</option>{options}\n'
        "  </select>\n"
        "</div>"
    )


@register.simple_tag
def select_options(choices: Iterable[tuple[Any, Any]], selected: Any) -> SafeString:
    """<option>s of (value, label) pairs, the one equal to `selected` marked, empty values left
    out. As a loop of template tags, the sort and page-size selects cost 5-10 times as much."""
    chosen = str(selected)
    return mark_safe(  # noqa: S308 - every value below is escaped
        "".join(
            f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>'
            f"{escape(label)}</option>"
            for value, label in choices
            if value not in ("", None)
        )
    )


def escape(value) -> str:
    """Django's escape() (the same five characters), without its lazy-string wrapper."""
    return html.escape(str(value))


@functools.lru_cache(maxsize=4096)
def escaped(text: str) -> str:
    """escape() remembered, for the few texts every page repeats (choice values and labels)."""
    return escape(text)


@functools.lru_cache(maxsize=8192)
def long_date(day, language: str) -> str:
    """The date as the language writes it (DATE_FORMAT); the language is part of the key."""
    return formats.date_format(day, "DATE_FORMAT")


def counter() -> Callable[[int], str]:
    """Formats counts with the active language's thousands separator, as `intcomma` does."""
    if formats.get_format("NUMBER_GROUPING") != 3:
        return functools.partial(formats.number_format, force_grouping=True)
    separator = formats.get_format("THOUSAND_SEPARATOR")
    return lambda count: f"{count:,}".replace(",", separator)
