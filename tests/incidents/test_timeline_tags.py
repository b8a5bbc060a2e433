"""The timeline's cards and facet selects (incidents/templatetags/timeline.py) and the fast
detail address they use."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse, set_script_prefix
from django.utils import translation
from django.utils.text import Truncator
from hypothesis import given
from hypothesis import strategies as st

from incidents.models import EvidenceType, Incident, Outcome, detail_url, detail_urls
from incidents.templatetags.timeline import (
    SUMMARY_WORDS,
    card_words,
    counter,
    facet_select,
    incident_card,
    incident_cards,
    select_options,
    truncate_words,
)
from tests.incidents.factories import EvidenceFactory, IncidentFactory

pytestmark = pytest.mark.django_db


def card_for(incident: Incident) -> str:
    return incident_card(Incident.objects.filter(pk=incident.pk).page(0, 1)[0])


def test_card_shows_what_the_timeline_promises_and_escapes_every_value():
    incident = IncidentFactory(
        headline='Raid <script>alert("x")</script> & more',
        summary="word " * 60,
        incident_date=datetime.date(2025, 3, 4),
        city="Houston",
        state="TX",
    )
    EvidenceFactory(incident=incident)
    EvidenceFactory(
        incident=incident,
        evidence_type=EvidenceType.VIDEO_YOUTUBE,
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    html = card_for(incident)
    assert "<script>" not in html
    assert "Raid &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in html
    assert f'<a href="{incident.get_absolute_url()}">' in html
    assert '<time datetime="2025-03-04">March 4, 2025</time>' in html
    assert "<span>Houston, TX</span>" in html
    assert "<span>US citizen detained</span>" in html
    assert '<span class="badge badge-reported">Reported</span>' in html
    assert "Outcome: Released" in html
    assert "2 sources" in html
    assert '<span class="video-mark small">Video</span>' in html
    assert html.count("word") == 40  # truncated to 40 words
    assert "word…</p>" in html


def test_card_without_place_video_or_second_source():
    incident = IncidentFactory(city="", state="")
    EvidenceFactory(incident=incident)
    html = card_for(incident)
    assert "1 source<" in html
    assert "video-mark" not in html
    assert "</time> · <span>US citizen detained</span>" in html


def test_card_is_translated_with_the_active_language():
    incident = IncidentFactory(incident_date=datetime.date(2025, 3, 4))
    with translation.override("es"):
        html = card_for(incident)
    assert "4 de marzo de 2025" in html
    with translation.override("en"):
        assert "March 4, 2025" in card_for(incident)


def test_cards_of_a_page_are_each_incidents_card_in_a_list_item():
    incidents = [IncidentFactory(headline=f"Raid {n}") for n in range(3)]
    rows = Incident.objects.filter(pk__in=[i.pk for i in incidents]).order_by("pk").page(0, 3)
    for language in ("en", "es"):
        with translation.override(language):
            expected = "\n".join(f"<li>{incident_card(row)}</li>" for row in rows)
            assert incident_cards(rows) == expected
    assert incident_cards([]) == ""


def test_card_of_a_value_no_longer_among_the_choices_shows_the_value_escaped():
    incident = IncidentFactory()
    Incident.objects.filter(pk=incident.pk).update(
        outcome="<gone>", incident_type="old_type", verification_status="x&y"
    )
    html = card_for(incident)
    assert "Outcome: &lt;gone&gt;" in html
    assert "<span>old_type</span>" in html
    assert '<span class="badge badge-x&amp;y">x&amp;y</span>' in html


def test_card_words_are_each_languages_own():
    with translation.override("es"):
        spanish = card_words(translation.get_language())
    with translation.override("en"):
        english = card_words(translation.get_language())
    released = english.label(Outcome, Outcome.RELEASED)
    assert english.outcome % {"outcome": released} == "Outcome: Released"
    assert english.sources(1) == "1 source"
    assert english.sources(2) == "2 sources"
    assert spanish.language == "es"
    assert english.language == "en"


@given(st.text(alphabet=st.sampled_from(["a", "é", " ", "\n", "\t", "…", "\u00a0", "x"])))
def test_truncate_words_is_what_truncator_gives(text):
    with translation.override("en"):
        words = card_words(translation.get_language())
        assert truncate_words(text, words) == Truncator(text).words(SUMMARY_WORDS)
    long_text = " ".join([text or "w"] * (SUMMARY_WORDS + 1))
    with translation.override("en"):
        assert truncate_words(long_text, words) == Truncator(long_text).words(SUMMARY_WORDS)


def test_facet_select_marks_the_choice_and_the_invalid_state_and_escapes_labels():
    facet = {
        "label": "State",
        "any_label": "All <states>",
        "options": [
            {"value": "a", "label": "<b>A</b>", "count": 1234567, "selected": False},
            {"value": "b", "label": "B", "count": 0, "selected": True},
        ],
        "invalid": True,
    }
    html = facet_select("state", facet)
    assert '<select name="state" id="id_state" aria-invalid="true">' in html
    assert '<label for="id_state">State</label>' in html
    assert '<option value="">All &lt;states&gt;</option>' in html
    assert '<option value="a">&lt;b&gt;A&lt;/b&gt; (1,234,567)</option>' in html
    assert '<option value="b" selected>B (0)</option>' in html
    facet["invalid"] = False
    assert "aria-invalid" not in facet_select("state", facet)


@pytest.mark.parametrize("language", ["en", "es"])
def test_grouped_counts_read_as_intcomma_writes_them(language):
    from django.contrib.humanize.templatetags.humanize import intcomma

    with translation.override(language):
        for count in (0, 7, 999, 1000, 1234567):
            assert counter()(count) == intcomma(count)


def test_detail_url_is_what_reverse_gives():
    incident = IncidentFactory(headline="A raid in Houston")
    expected = reverse("incidents:detail", kwargs={"pk": incident.pk, "slug": incident.slug})
    assert incident.get_absolute_url() == expected
    # a slug of other characters takes reverse()'s own quoting
    odd = "café raid"
    assert detail_url(7, odd) == reverse("incidents:detail", kwargs={"pk": 7, "slug": odd})


def test_detail_url_follows_the_script_prefix_and_the_urlconf():
    try:
        set_script_prefix("/tracker/")
        assert detail_url(7, "raid") == "/tracker/incidents/7-raid/"
    finally:
        set_script_prefix("/")
    assert detail_url(7, "raid") == "/incidents/7-raid/"
    with override_settings(ROOT_URLCONF="bench.urls"):
        assert detail_url(7, "raid") == reverse("incidents:detail", args=[7, "raid"])


def test_detail_urls_reads_the_script_prefix_once_for_a_list():
    try:
        set_script_prefix("/tracker/")
        url = detail_urls()
    finally:
        set_script_prefix("/")
    assert url(7, "raid") == "/tracker/incidents/7-raid/"
    assert detail_urls()(7, "raid") == "/incidents/7-raid/"
    assert url(7, "café raid") == reverse("incidents:detail", args=[7, "café raid"])
    # an empty slug is "incident", as save() names it
    assert url(7, "") == "/tracker/incidents/7-incident/"
    assert detail_url(7, "") == "/incidents/7-incident/"


def test_select_options_marks_the_chosen_value_escapes_and_skips_empty_values():
    html = select_options([("", "Any"), ("a&b", "<A>"), (50, 50), ("z", "Z")], 50)
    assert html == (
        '<option value="a&amp;b">&lt;A&gt;</option>'
        '<option value="50" selected>50</option>'
        '<option value="z">Z</option>'
    )
    assert "selected" not in select_options([("relevance", "Best match")], "newest")
