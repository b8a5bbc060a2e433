"""Django's i18n template library, where `{% translate %}` and `{% blocktranslate %}` of a
constant text remember what they rendered.

Installed under the label "i18n" (settings.TEMPLATES' "libraries"), so `{% load i18n %}` loads
it in every template; every other tag and filter is Django's own. Each of these tags looks its
text up in the active language's catalog (through a context-local variable) and escapes it,
and a timeline page has about 40 of them: 8 % of an uncached page's instructions (2.1 of 25.5
million, counted by callgrind). What a constant text renders to depends only on the language,
on whether the context autoescapes, and on the catalogs, which Django loads once per process
and again only when LANGUAGES, LANGUAGE_CODE, LOCALE_PATHS or USE_I18N change (in tests),
which clears what is remembered here too. A `{% blocktranslate %}` whose variables are all its
own (`count n=...`, `with a=...`) is remembered the same way per integer or string value of them
("1,234 incidents", "page 2 of 62", the footer's "Version 0.1.0"). Any other text with a
variable, a filter, or a message context that is not a constant, goes through Django's own
nodes.
tests/test_translate_tags.py compares the two.

The active language itself is read once per template render (render_language): each
get_language() goes through context-local variables, about 3 µs, and a timeline page asked
for it about 50 times. `{% language %}`, which switches it inside a template, and
`{% get_current_language %}` are Django's tags, made to use and keep that reading current.
"""

from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import FilterExpression, TokenType, Variable
from django.templatetags import i18n
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)

# What a remembered text depends on besides the language: the catalogs, and how numbers are
# written (for the texts with numbers).
CATALOG_SETTINGS = {
    "LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "USE_I18N", "FORMAT_MODULE_PATH",
    "USE_THOUSAND_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR", "DECIMAL_SEPARATOR",
}  # fmt: skip
_catalogs = [0]  # bumped when the catalogs may have changed: part of every key
REMEMBERED = 256  # outputs per tag at most (a tag with numbers renders one per number)


@receiver(setting_changed)
def _forget_on_new_catalogs(*, setting: str, **kwargs: Any) -> None:
    if setting in CATALOG_SETTINGS:
        _catalogs[0] += 1


RENDER_LANGUAGE = "icetracker.render_language"


def render_language(context: template.Context) -> str | None:
    """get_language(), looked up once per template render (kept in its render context)."""
    render_context = context.render_context
    try:
        return render_context[RENDER_LANGUAGE]
    except KeyError:
        language = render_context[RENDER_LANGUAGE] = get_language()
        return language


class LanguageNode(i18n.LanguageNode):
    """`{% language %}`: the language read for the render is forgotten as the block starts
    and ends, as the active language changes there."""

    def render(self, context: template.Context) -> str:
        _forget_language(context)
        try:
            return super().render(context)
        finally:
            _forget_language(context)


def _forget_language(context: template.Context) -> None:
    if RENDER_LANGUAGE in context.render_context:
        del context.render_context[RENDER_LANGUAGE]


class GetCurrentLanguageNode(i18n.GetCurrentLanguageNode):
    def render(self, context: template.Context) -> str:
        context[self.variable] = render_language(context)
        return ""


@register.tag("language")
def language(parser, token) -> template.Node:
    node = i18n.language(parser, token)
    return LanguageNode(node.nodelist, node.language)


@register.tag("get_current_language")
def do_get_current_language(parser, token) -> template.Node:
    node = i18n.do_get_current_language(parser, token)
    return GetCurrentLanguageNode(node.variable)


class Remembered:
    """Renders once per key (the language, autoescaping and the catalogs, by default), then
    returns what it rendered; up to REMEMBERED keys per tag."""

    def key(self, context: template.Context) -> tuple | None:
        """What the output depends on; None when it is not to be remembered."""
        return (_catalogs[0], render_language(context), context.autoescape)

    def render(self, context: template.Context, *args: Any) -> str:
        key = self.key(context)
        if key is None:
            return super().render(context, *args)
        rendered = self.__dict__.setdefault("_rendered", {})
        if key not in rendered:
            output = super().render(context, *args)
            if len(rendered) >= REMEMBERED:
                rendered.clear()
            rendered[key] = context[self.asvar] if self.asvar else output
        if self.asvar:
            context[self.asvar] = rendered[key]
            return ""
        return rendered[key]


class RememberedTranslateNode(Remembered, i18n.TranslateNode):
    pass


# The values a remembered text with variables may take: what such a value renders to depends
# only on it, the language, autoescaping and localization. A string and the same characters
# marked safe render differently (one is escaped), so the type is part of the key.
REMEMBERED_VALUES = (int, str, SafeString)


class RememberedNumbersBlockTranslateNode(Remembered, i18n.BlockTranslateNode):
    """`{% blocktranslate count n=... %}` or `{% blocktranslate with a=... %}` whose text uses
    only its own variables: when they are all integers (a result count, page numbers) or
    strings (the app's version, a state's name), what it renders depends only on them, the
    language, autoescaping, localization and the catalogs. Django's own render runs for any
    other value (a lazy translation, a date, a boolean) and on every first sight."""

    def key(self, context: template.Context) -> tuple | None:
        expressions = [*self.extra_context.values(), *([self.counter] if self.counter else [])]
        values = tuple(expression.resolve(context) for expression in expressions)
        types = tuple(type(value) for value in values)
        if not all(kind in REMEMBERED_VALUES for kind in types):
            return None
        return (*super().key(context), context.use_l10n, *values, *types)


class RememberedBlockTranslateNode(Remembered, i18n.BlockTranslateNode):
    pass


def _remembering(cls: type[template.Node], node: template.Node) -> template.Node:
    """The node Django's tag parsed, as `cls` (a subclass of its class that remembers)."""
    remembering = cls.__new__(cls)
    remembering.__dict__.update(node.__dict__)
    return remembering


def _is_constant(expression: FilterExpression | None) -> bool:
    if expression is None:
        return True
    var = expression.var
    literal = var.literal if isinstance(var, Variable) else var
    return not expression.filters and isinstance(literal, str)


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token) -> template.Node:
    node = i18n.do_translate(parser, token)
    if _is_constant(node.filter_expression) and _is_constant(node.message_context):
        return _remembering(RememberedTranslateNode, node)
    return node


@register.tag("blocktranslate")
@register.tag("blocktrans")
def do_block_translate(parser, token) -> template.Node:
    node = i18n.do_block_translate(parser, token)
    text_only = all(part.token_type == TokenType.TEXT for part in node.singular)
    constant = text_only and _is_constant(node.message_context)
    if constant and not (node.extra_context or node.counter or node.plural):
        return _remembering(RememberedBlockTranslateNode, node)
    own = {*node.extra_context, *([node.countervar] if node.countervar else [])}
    used = {
        part.contents
        for part in [*node.singular, *(node.plural or [])]
        if part.token_type == TokenType.VAR
    }
    if own and used <= own and _is_constant(node.message_context):
        return _remembering(RememberedNumbersBlockTranslateNode, node)
    return node
