"""Django's static template library, where `{% static %}` of a constant path remembers the
address it gave.

Installed under the label "static" (settings.TEMPLATES' "libraries"), so `{% load static %}`
loads it in every template; `{% get_static_prefix %}` and `{% get_media_prefix %}` are Django's
own. In production the address comes from the manifest of hashed names (whitenoise's
CompressedManifestStaticFilesStorage), about 10 µs a tag: splitting and unquoting the path,
the manifest look-up, joining it to STATIC_URL again. Every rendered page has two to four.
Such an address changes only with the storage and its settings, which Django builds once per
process and again only when those settings change (in tests), which clears what is remembered
here too, and with the script prefix where STATIC_URL is relative. A path from a variable or
with a filter, or one the storage refuses (a file missing from the manifest), goes through
Django's own lookup every time. tests/test_static_tag.py compares the two.
"""

import functools
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags import static as django_static

from icetracker.templatetags.urls import render_key

register = template.Library()
register.tags.update(django_static.register.tags)
register.filters.update(django_static.register.filters)

STORAGE_SETTINGS = {"STORAGES", "STATIC_URL", "STATIC_ROOT", "INSTALLED_APPS"}
_storages = [0]  # bumped when the static files' storage may have changed: part of every key


@receiver(setting_changed)
def _forget_on_new_storage(*, setting: str, **kwargs: Any) -> None:
    if setting in STORAGE_SETTINGS:
        _storages[0] += 1


@functools.lru_cache(maxsize=256)
def remembered_static(path: str, storages: int, script_prefix: str) -> str:
    """Django's address for `path`; the other arguments are what it depends on (the key)."""
    return django_static.StaticNode.handle_simple(path)


class RememberedStaticNode(django_static.StaticNode):
    def url(self, context: template.Context) -> str:
        path = self.path
        # A quoted path without filters: the parser keeps it as the string itself.
        if path.filters or not isinstance(path.var, str):
            return super().url(context)
        return remembered_static(path.var, _storages[0], render_key(context)[1])


@register.tag("static")
def do_static(parser, token) -> template.Node:
    return RememberedStaticNode.handle_token(parser, token)
