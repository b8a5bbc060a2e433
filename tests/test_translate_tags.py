"""`{% load i18n %}` gives icetracker.templatetags.translations: what Django's tags render."""

import pytest
from django.template import Context, Engine, engines
from django.templatetags import i18n as django_i18n
from django.test import override_settings
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from icetracker.templatetags import translations
from icetracker.templatetags.translations import (
    RememberedBlockTranslateNode,
    RememberedNumbersBlockTranslateNode,
    RememberedTranslateNode,
)

OURS = Engine(libraries={"i18n": "icetracker.templatetags.translations"})
DJANGOS = Engine(libraries={"i18n": "django.templatetags.i18n"})

SOURCES = [
    '{% translate "January" %}',
    "{% translate 'Languages' %}",
    '{% translate "May" context "long month name" %}',
    '{% translate "Tom & <Jerry>" %}',
    '{% translate "50%% off" %}',
    '{% translate "January" noop %}',
    '{% translate "January" as month %}[{{ month }}]',
    "{% translate name %}",
    "{% translate name|upper %}",
    '{% translate "January" context kind %}',
    "{% blocktranslate trimmed %}\n  Languages\n{% endblocktranslate %}",
    '{% blocktranslate context "month name" %}May{% endblocktranslate %}',
    "{% blocktranslate asvar said %}January{% endblocktranslate %}<{{ said }}>",
    "{% blocktranslate %}Hello {{ name }} & co{% endblocktranslate %}",
    "{% blocktranslate with who=name %}Hi {{ who }}{% endblocktranslate %}",
    "{% blocktranslate count n=count %}{{ n }} source{% plural %}{{ n }} sources"
    "{% endblocktranslate %}",
    "{% blocktranslate count n=big %}{{ n }} source{% plural %}{{ n }} sources"
    "{% endblocktranslate %}",
    "{% blocktranslate count n=flag %}{{ n }} source{% plural %}{{ n }} sources"
    "{% endblocktranslate %}",  # not an int: Django's own render
    "{% blocktranslate trimmed count n=count asvar said %}\n{{ n }} source{% plural %}"
    "{{ n }} sources{% endblocktranslate %}<{{ said }}>",
    "{% blocktranslate with a=count b=big %}{{ a }} of {{ b }} & more{% endblocktranslate %}",
    "{% blocktranslate with a=name %}{{ a }} & co{% endblocktranslate %}",
    "{% blocktranslate with a=safe %}{{ a }} & co{% endblocktranslate %}",
    "{% blocktranslate with a=name b=safe c=count %}{{ a }}, {{ b }}: {{ c }}"
    "{% endblocktranslate %}",
    "{% blocktranslate with a=lazy %}{{ a }} & co{% endblocktranslate %}",  # Django's own render
    "{% blocktranslate with a=count %}{{ a }} by {{ name }}{% endblocktranslate %}",
    # The language read once per render follows {% language %} in and out.
    '{% translate "January" %}{% get_current_language as before %}{{ before }}'
    '{% language "es" %}{% translate "January" %}{% get_current_language as inside %}{{ inside }}'
    '{% language "en" %}{% translate "January" %}{% endlanguage %}{% translate "May" %}'
    '{% endlanguage %}{% translate "January" %}{% get_current_language as after %}{{ after }}',
]


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("autoescape", [True, False])
def test_renders_what_djangos_tags_render(source, language, autoescape):
    source = "{% load i18n %}" + source
    data = {
        "name": "Ana <b>",
        "safe": mark_safe("Ana <b>"),
        "lazy": gettext_lazy("January"),
        "kind": "month name",
        "count": 3,
        "big": 1234567,
        "flag": True,
    }
    with translation.override(language):
        for _ in range(2):  # the second time from memory
            ours = OURS.from_string(source).render(Context(data, autoescape=autoescape))
            djangos = DJANGOS.from_string(source).render(Context(data, autoescape=autoescape))
            assert ours == djangos


def test_only_constant_texts_are_remembered():
    def node_types(source: str) -> list[type]:
        return [type(node) for node in OURS.from_string("{% load i18n %}" + source).nodelist]

    assert RememberedTranslateNode in node_types('{% translate "January" %}')
    assert RememberedTranslateNode in node_types('{% translate "May" context "month" %}')
    assert RememberedBlockTranslateNode in node_types(
        "{% blocktranslate trimmed %} Languages {% endblocktranslate %}"
    )
    assert django_i18n.TranslateNode in node_types("{% translate name %}")
    assert django_i18n.TranslateNode in node_types('{% translate "x"|upper %}')
    assert django_i18n.TranslateNode in node_types('{% translate "x" context kind %}')
    assert django_i18n.BlockTranslateNode in node_types(
        "{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}"
    )
    assert RememberedNumbersBlockTranslateNode in node_types(
        "{% blocktranslate count n=count %}{{ n }} x{% plural %}{{ n }} xs{% endblocktranslate %}"
    )
    assert RememberedNumbersBlockTranslateNode in node_types(
        "{% blocktranslate with a=count %}Page {{ a }}{% endblocktranslate %}"
    )
    # A variable of the surrounding context: its value is not part of what is remembered.
    assert django_i18n.BlockTranslateNode in node_types(
        "{% blocktranslate with a=count %}{{ a }} by {{ name }}{% endblocktranslate %}"
    )


def test_a_string_and_the_same_marked_safe_are_remembered_apart():
    template = OURS.from_string(
        "{% load i18n %}{% blocktranslate with a=value %}[{{ a }}]{% endblocktranslate %}"
    )
    for _ in range(2):
        assert template.render(Context({"value": "<b>"})) == "[&lt;b&gt;]"
        assert template.render(Context({"value": mark_safe("<b>")})) == "[<b>]"
        assert template.render(Context({"value": "x"})) == "[x]"


@pytest.mark.parametrize("language", ["en", "es"])
def test_texts_with_numbers_follow_the_numbers(language):
    source = (
        "{% load i18n %}{% blocktranslate count n=count %}{{ n }} incident{% plural %}"
        "{{ n }} incidents{% endblocktranslate %} {% blocktranslate with a=count b=pages %}"
        "page {{ a }} of {{ b }}{% endblocktranslate %}"
    )
    ours, djangos = OURS.from_string(source), DJANGOS.from_string(source)
    numbers = [1, 2, 1, 0, 1000, 2, *range(translations.REMEMBERED + 10), 1, 1234567]
    with translation.override(language):
        for count in numbers:
            data = {"count": count, "pages": count + 1}
            for autoescape in (True, False):
                expected = djangos.render(Context(data, autoescape=autoescape))
                assert ours.render(Context(data, autoescape=autoescape)) == expected
        with override_settings(USE_THOUSAND_SEPARATOR=True):  # numbers written anew
            data = {"count": 1234567, "pages": 2}
            assert ours.render(Context(data)) == djangos.render(Context(data))


def test_the_language_is_part_of_what_is_remembered():
    template = OURS.from_string('{% load i18n %}{% translate "January" %}')
    with translation.override("en"):
        assert template.render(Context()) == "January"
    with translation.override("es"):
        assert template.render(Context()) == "enero"
    with translation.override("en"):
        assert template.render(Context()) == "January"


def test_new_catalogs_are_read_again():
    before = translations._catalogs[0]
    with override_settings(LOCALE_PATHS=[]):
        assert translations._catalogs[0] == before + 1
    source = '{% load i18n %}{% translate "January" %}'
    with override_settings(USE_I18N=False), translation.override("es"):
        ours = OURS.from_string(source).render(Context())
        assert ours == DJANGOS.from_string(source).render(Context())


def test_the_sites_templates_load_this_library_as_i18n():
    engine = engines["django"].engine
    assert engine.template_libraries["i18n"] is translations.register
    assert engine.template_libraries["i18n"].filters.keys() >= {"language_name", "language_bidi"}


def test_no_other_template_library_name_is_shared():
    """What Django's check templates.W003 (silenced in settings for "i18n" and "static") looks
    for."""
    from collections import defaultdict

    from django.template.backends.django import get_template_tag_modules

    modules = defaultdict(set)
    for name, path in get_template_tag_modules():
        modules[name].add(path)
    for name, path in engines["django"].engine.libraries.items():
        modules[name].add(path)
    shared = {name: paths for name, paths in modules.items() if len(paths) > 1}
    assert shared == {
        "i18n": {"django.templatetags.i18n", "icetracker.templatetags.translations"},
        "static": {"django.templatetags.static", "icetracker.templatetags.staticfiles"},
    }
