import pytest

from feeds.matching import DEFAULT_KEYWORDS, KeywordMatcher, guess_incident_type
from feeds.models import FeedSource, Keyword, KeywordMode, split_keywords
from incidents.models import IncidentType

MATCHER = KeywordMatcher(DEFAULT_KEYWORDS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("An ICE Agent was filmed", ["ice agent"]),
        ("ice  agent\nand an ICE\tRAID", ["ice raid", "ice agent"]),
        ("DHS's statement", ["dhs"]),
        ("(DHS)", ["dhs"]),
        ("the dhsx brand", []),
        ("adhs clinic", []),
        ("ice cream and ice skating", []),
        ("Deportation flight", ["deportation", "deportation flight"]),
        ("deportations rose", []),
        ("CBP officers", ["cbp"]),
        ("The sanctuary-city debate", []),
        ("Sanctuary City council", ["sanctuary city"]),
        ("", []),
    ],
)
def test_keywords_match_case_insensitively_on_word_boundaries(text, expected):
    assert MATCHER.matches(text) == expected


def test_ice_alone_is_not_a_keyword():
    assert "ice" not in DEFAULT_KEYWORDS
    assert MATCHER.matches("ICE") == []


@pytest.mark.django_db
def test_the_migration_seeds_the_spec_keywords():
    assert set(Keyword.objects.values_list("term", flat=True)) >= set(DEFAULT_KEYWORDS)


def test_source_overrides_replace_or_extend_the_global_list():
    base = ["dhs", "cbp"]
    source = FeedSource(keyword_mode=KeywordMode.INHERIT, keywords="ignored")
    assert source.keyword_terms(base) == base
    source = FeedSource(keyword_mode=KeywordMode.EXTEND, keywords="Border Patrol\ncbp")
    assert source.keyword_terms(base) == ["dhs", "cbp", "border patrol"]
    source = FeedSource(keyword_mode=KeywordMode.REPLACE, keywords="border patrol, migrants")
    assert source.keyword_terms(base) == ["border patrol", "migrants"]


def test_split_keywords_normalises():
    assert split_keywords(" ICE   Raid \n\n ice raid, CBP") == ["ice raid", "cbp"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Man dies in ICE custody", IncidentType.DEATH_DETENTION),
        ("US citizen detained for three days", IncidentType.CITIZEN_DETAINED),
        ("Agents raid a church in Atlanta", IncidentType.SENSITIVE_LOCATION),
        ("ICE agent charged with assault", IncidentType.AGENT_ARRESTED),
        ("Immigration enforcement changes", IncidentType.RIGHTS_VIOLATION),
    ],
)
def test_incident_type_is_guessed_from_the_text(text, kind):
    assert guess_incident_type(text) == kind
