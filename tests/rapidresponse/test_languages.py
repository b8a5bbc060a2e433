import pytest

from rapidresponse.languages import language_names, parse_languages


@pytest.mark.parametrize(
    ("published", "codes", "note"),
    [
        ("", [], ""),
        ("English; Spanish", ["en", "es"], ""),
        ("en, es", ["en", "es"], ""),
        ("English; Spanish (dispatchers)", ["en", "es"], "English; Spanish (dispatchers)"),
        (
            "English; Spanish; Haitian Creole (call-backs in other languages)",
            ["en", "es", "ht"],
            "English; Spanish; Haitian Creole (call-backs in other languages)",
        ),
        (
            "English; Spanish; Korean; Portuguese (as of 2011)",
            ["en", "es", "ko", "pt"],
            "English; Spanish; Korean; Portuguese (as of 2011)",
        ),
        (
            "Spanish; English; interpretation in Vietnamese, Mandarin, Arabic and others",
            ["es", "en", "vi", "zh", "ar"],
            "Spanish; English; interpretation in Vietnamese, Mandarin, Arabic and others",
        ),
        ("automated language menu", [], "automated language menu"),
        (
            "many (one repo listing says 39 languages)",
            [],
            "many (one repo listing says 39 languages)",
        ),
        ("multilingual", [], "multilingual"),
        ("Chinese", [], "Chinese"),  # Mandarin or Cantonese? Not guessed.
    ],
)
def test_codes_only_where_clear_and_the_rest_kept_as_published(published, codes, note):
    assert parse_languages(published) == (codes, note)


def test_language_names_are_human_names():
    assert language_names(["es", "ht"]) == ["Spanish", "Haitian Creole"]
