"""Enumerate every URL pattern the project serves and turn each into concrete paths.

Tests use this to walk every public page and every admin page, including pages other apps add
later: a pattern the walker cannot fill makes the test fail with instructions, never a skip.
"""

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize

ADMIN_PREFIX = "admin/"


@dataclass(frozen=True)
class Route:
    name: str | None  # "namespace:name", as reverse() takes it
    route: str  # readable pattern, e.g. "incidents/<int:pk>-<str:slug>/"
    regex: str  # the whole path's regular expression
    callback: Callable = field(compare=False)
    default_args: dict[str, Any] = field(compare=False, default_factory=dict)

    def __str__(self) -> str:
        return f"/{self.route} ({self.name or 'unnamed'})"

    @property
    def params(self) -> list[str]:
        return sorted({name for _fmt, names in normalize(self.regex) for name in names})

    def resolves_to_me(self, path: str) -> bool:
        try:
            return resolve(path).func is self.callback
        except Resolver404:
            return False

    def fill(self, values: dict[str, list[str]]) -> str | None:
        """A path for this route built from candidate values per parameter, or None."""
        for fmt, names in normalize(self.regex):
            pools = [values.get(name) or values.get("*") or [] for name in names]
            for combo in itertools.product(*pools):
                path = "/" + fmt % dict(zip(names, combo, strict=True))
                if re.fullmatch(self.regex, path[1:]) and self.resolves_to_me(path):
                    return path
        return None


def _strip(regex: str, last: bool) -> str:
    regex = regex.removeprefix("^")
    return regex if last else regex.removesuffix(r"\Z").removesuffix("$")


def _walk(patterns, route: str, regex: str, namespace: str | None) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _walk(
                pattern.url_patterns,
                route + str(pattern.pattern),
                regex + _strip(pattern.pattern.regex.pattern, last=False),
                inner,
            )
        elif isinstance(pattern, URLPattern):
            name = pattern.name and ":".join(filter(None, [namespace, pattern.name]))
            yield Route(
                name=name or None,
                route=route + str(pattern.pattern),
                regex=regex + _strip(pattern.pattern.regex.pattern, last=True),
                callback=pattern.callback,
                default_args=dict(pattern.default_args),
            )


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, "", "", None))


def public_routes() -> list[Route]:
    return [route for route in all_routes() if not route.route.startswith(ADMIN_PREFIX)]


def admin_routes() -> list[Route]:
    return [route for route in all_routes() if route.route.startswith(ADMIN_PREFIX)]
