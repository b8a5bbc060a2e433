"""{% url %} as a builtin (icetracker/templatetags/urls.py): the same output as Django's own
tag, with addresses that follow the script prefix, the URLconf and the current app."""

import pytest
from django.template import Context, Engine, Template
from django.template.engine import Engine as DjangoEngine
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, set_script_prefix

from icetracker.templatetags.urls import RememberedURLNode, remembered_reverse

CASES = [
    "{% url 'incidents:list' %}",
    '{% url "about" %}',
    "{% url 'incidents:detail' 7 'a-raid' %}",
    "{% url 'incidents:detail' pk=7 slug='a-raid' %}",
    "{% url name %}",
    "{% url 'incidents:list' as link %}[{{ link }}]",
    "{% url 'no-such-view' as link %}[{{ link }}]",
    "{% autoescape off %}{% url 'about' %}{% endautoescape %}",
    "{% url 'rapidresponse:state' state='ca' %}",
]


def render(template: Template, **context) -> str:
    return template.render(Context({"name": "about", **context}))


def ours(source: str) -> Template:
    return Template(source, engine=Engine(builtins=["icetracker.templatetags.urls"]))


def djangos(source: str) -> Template:
    return Template(source, engine=DjangoEngine())


@pytest.mark.parametrize("source", CASES)
def test_renders_what_djangos_tag_renders(source):
    assert render(ours(source)) == render(djangos(source))


def test_the_site_templates_use_it():
    from django.template import engines

    template = engines["django"].from_string("{% url 'about' %}")
    assert any(isinstance(node, RememberedURLNode) for node in template.template.nodelist)


def test_remembers_a_name_without_arguments_and_only_that():
    remembered_reverse.cache_clear()
    render(ours("{% url 'about' %}{% url 'about' %}{% url 'incidents:list' as link %}"))
    assert remembered_reverse.cache_info().hits == 1
    assert remembered_reverse.cache_info().currsize == 2
    render(ours("{% url 'incidents:detail' 7 'a-raid' %}{% url name %}{% url 'about'|lower %}"))
    assert remembered_reverse.cache_info().currsize == 2


def test_a_view_that_does_not_exist_still_raises():
    with pytest.raises(NoReverseMatch):
        render(ours("{% url 'no-such-view' %}"))


def test_follows_the_script_prefix():
    template = ours("{% url 'about' %}")
    assert render(template) == "/about/"
    try:
        set_script_prefix("/tracker/")
        assert render(template) == "/tracker/about/"
    finally:
        set_script_prefix("/")
    assert render(template) == "/about/"


def test_follows_the_urlconf():
    template = ours("{% url 'bench-baseline' as link %}[{{ link }}]")
    assert render(template) == "[]"
    with override_settings(ROOT_URLCONF="bench.urls"):
        assert render(template) == "[/bench/baseline]"
    assert render(template) == "[]"


def test_follows_the_current_app():
    source = "{% url 'admin:index' %}"
    request = RequestFactory().get("/")
    request.current_app = "admin"
    template = ours(source)
    expected = djangos(source).render(Context({"request": request}))
    assert template.render(Context({"request": request})) == expected
