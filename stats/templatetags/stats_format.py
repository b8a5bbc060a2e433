from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter
def figure(value):
    """A number for people: thousands separators, one decimal for averages and shares."""
    if value is None or value == "" or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return intcomma(value)
    if isinstance(value, float | Decimal):
        return intcomma(f"{value:.1f}")
    return value


@register.filter
def whole(value):
    """An average daily population, rounded to a whole number of people."""
    if value is None:
        return value
    return intcomma(round(value))
