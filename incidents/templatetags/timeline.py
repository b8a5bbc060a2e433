"""The timeline's repeated parts (incident cards, facet selects), rendered in Python.

A page shows up to 100 cards and about 80 facet options. As `{% include %}`d templates they
cost about 0.3 ms per card, a third of an uncached timeline page; built here with f-strings
(every value escaped) they cost a tenth of that. tests/incidents/test_timeline_tags.py checks
the markup.
"""

import functools
import html
from collections.abc import Callable

from django import template
from django.utils import formats, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from incidents.models import Incident

register = template.Library()

SUMMARY_WORDS = 40


@register.simple_tag
def incident_card(incident: Incident) -> SafeString:
    """The card of an incident in a list: what, when, where, how sure, and how it ended."""
    place = f" · <span>{escape(incident.place)}</span>" if incident.place else ""
    video = (
        f'<span class="video-mark small">{escape(gettext("Video"))}</span>'
        if incident.has_video
        else ""
    )
    count = incident.evidence_count
    sources = ngettext("%(n)s source", "%(n)s sources", count) % {"n": count}
    outcome = gettext("Outcome: %(outcome)s") % {"outcome": incident.get_outcome_display()}
    return mark_safe(  # noqa: S308 - every value below is escaped
        '<article class="card incident-card">\n'
        f'  <h3><a href="{escape(incident.get_absolute_url())}">{escape(incident.headline)}</a>'
        "</h3>\n"
        '  <p class="incident-meta small">\n'
        f'    <time datetime="{incident.incident_date.isoformat()}">'
        f"{escape(long_date(incident.incident_date, translation.get_language()))}</time>"
        f"{place} · <span>{escape(incident.get_incident_type_display())}</span>\n"
        "  </p>\n"
        '  <p class="badges">\n'
        f'    <span class="badge badge-{escape(incident.verification_status)}">'
        f"{escape(incident.get_verification_status_display())}</span>\n"
        f'    <span class="badge badge-outcome">{escape(outcome)}</span>\n'
        f'    <span class="evidence-count small">{escape(sources)}</span>\n'
        f"    {video}\n"
        "  </p>\n"
        f'  <p class="incident-summary">{escape(Truncator(incident.summary).words(SUMMARY_WORDS))}'
        "</p>\n"
        "</article>"
    )


@register.simple_tag
def facet_select(name: str, label: str, any_label: str, facet: dict) -> SafeString:
    """A facet's <select>: "any" first, then each value with its count, the chosen one selected.

    `facet` is one of views.facet_options(): {"options": [{value, label, count}], "invalid"}.
    """
    count = counter()
    options = "".join(
        f'\n    <option value="{escape(option["value"])}"'
        f"{' selected' if option['selected'] else ''}>"
        f"{escape(option['label'])} ({count(option['count'])})</option>"
        for option in facet["options"]
    )
    name = escape(name)
    invalid = ' aria-invalid="true"' if facet["invalid"] else ""
    return mark_safe(  # noqa: S308 - every value below is escaped
        '<div class="form-row">\n'
        f'  <label for="id_{name}">{escape(label)}</label>\n'
        f'  <select name="{name}" id="id_{name}"'
        f"{invalid}>\n"
        f'    <option value="">{escape(any_label)}</option>{options}\n'
        "  </select>\n"
        "</div>"
    )


def escape(value) -> str:
    """Django's escape() (the same five characters), without its lazy-string wrapper."""
    return html.escape(str(value))


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
