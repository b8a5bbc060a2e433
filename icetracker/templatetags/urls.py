"""Django's `{% url %}` tag, remembering the address of a view name given without arguments.

Installed as a template builtin (settings.TEMPLATES), so it stands in for Django's own tag in
every template. reverse() costs about 50 µs of CPU, and every page's header, footer and forms
reverse the same dozen names without arguments. Such an address can only change with the
URLconf, the script prefix, the current application namespace or the language (Django's
i18n_patterns), so those are its key. With arguments, a name from a variable, or a name that
does not reverse, the tag is Django's own. tests/test_url_tag.py compares the two.
"""

import functools

from django import template
from django.conf import settings
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

from icetracker.templatetags.translations import render_language

register = template.Library()


@functools.lru_cache(maxsize=1024)
def remembered_reverse(
    view_name: str, urlconf: str | None, prefix: str, current_app: str | None, language: str
) -> str:
    """reverse(view_name); the other arguments are what the address depends on (the key)."""
    return reverse(view_name, current_app=current_app)


RENDER_KEY = "icetracker.url_key"


def render_key(context) -> tuple[str, str, str | None]:
    """The URLconf, the script prefix and the current application, looked up once per
    template render (the first two through context-local variables): none of them changes
    while a template renders."""
    render_context = context.render_context
    try:
        return render_context[RENDER_KEY]
    except KeyError:
        pass
    try:
        current_app = context.request.current_app
    except AttributeError:
        try:
            current_app = context.request.resolver_match.namespace
        except AttributeError:
            current_app = None
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), current_app)
    render_context[RENDER_KEY] = key
    return key


class RememberedURLNode(URLNode):
    def render(self, context) -> str:
        name = self.view_name
        # A quoted name without filters: the parser keeps it as the string itself.
        if self.args or self.kwargs or name.filters or not isinstance(name.var, str):
            return super().render(context)
        try:
            url = remembered_reverse(name.var, *render_key(context), render_language(context))
        except NoReverseMatch:
            return super().render(context)  # raises, or sets `as` to "" as Django's does
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token) -> URLNode:
    node = django_url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
