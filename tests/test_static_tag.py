"""{% static %} from icetracker/templatetags/staticfiles.py: the same output as Django's own tag,
with addresses that follow the storage and its settings."""

import pytest
from django.template import Context, Engine, Template, engines
from django.test import override_settings
from django.urls import set_script_prefix

from icetracker.templatetags.staticfiles import RememberedStaticNode, remembered_static

CASES = [
    "{% load static %}{% static 'css/site.css' %}",
    '{% load static %}{% static "favicon.svg" %}',
    "{% load static %}{% static path %}",
    "{% load static %}{% static 'css/site.css' as link %}[{{ link }}]",
    "{% load static %}{% static 'a b&c.css' %}",
    "{% load static %}{% autoescape off %}{% static 'a b&c.css' %}{% endautoescape %}",
    "{% load static %}{% static 'CSS/Site.css'|lower %}",
    "{% load static %}{% get_static_prefix %}",
]
OURS = Engine(libraries={"static": "icetracker.templatetags.staticfiles"})
DJANGOS = Engine(libraries={"static": "django.templatetags.static"})
HASHED = {
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}
}


def render(engine: Engine, source: str) -> str:
    return Template(source, engine=engine).render(Context({"path": "css/site.css"}))


@pytest.mark.parametrize("source", CASES)
def test_renders_what_djangos_tag_renders(source):
    assert render(OURS, source) == render(DJANGOS, source)


def test_the_site_templates_use_it():
    template = engines["django"].from_string("{% load static %}{% static 'css/site.css' %}")
    assert any(isinstance(node, RememberedStaticNode) for node in template.template.nodelist)


def test_remembers_a_constant_path_and_only_that():
    remembered_static.cache_clear()
    source = (
        "{% load static %}{% static 'css/site.css' %}{% static 'css/site.css' %}{% static path %}"
    )
    render(OURS, source)
    assert remembered_static.cache_info().hits == 1
    assert remembered_static.cache_info().currsize == 1


def test_follows_a_new_storage(tmp_path):
    """After the storage changes (as in tests), the address is the new storage's: here a
    manifest of hashed names, where a path missing from it still raises, as Django's does."""
    source = "{% load static %}{% static 'css/site.css' %}"
    assert render(OURS, source) == "/static/css/site.css"
    (tmp_path / "staticfiles.json").write_text(
        '{"paths": {"css/site.css": "css/site.0123abcd.css"}, "version": "1.1"}'
    )
    with override_settings(STORAGES=HASHED, STATIC_ROOT=tmp_path, DEBUG=False):
        assert render(OURS, source) == render(DJANGOS, source) == "/static/css/site.0123abcd.css"
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            render(OURS, "{% load static %}{% static 'css/missing.css' %}")
    assert render(OURS, source) == "/static/css/site.css"
    with override_settings(STATIC_URL="/assets/"):
        assert render(OURS, source) == render(DJANGOS, source) == "/assets/css/site.css"


def test_follows_the_script_prefix_of_a_relative_static_url():
    source = "{% load static %}{% static 'css/site.css' %}"
    with override_settings(STATIC_URL="static/"):
        try:
            set_script_prefix("/tracker/")
            assert render(OURS, source) == render(DJANGOS, source) == "/tracker/static/css/site.css"
        finally:
            set_script_prefix("/")
        assert render(OURS, source) == render(DJANGOS, source)
