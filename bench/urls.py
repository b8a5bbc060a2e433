"""The production URLs plus `/bench/baseline`: the framework's own ceiling on this machine."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from icetracker.urls import handler404, handler500
from icetracker.urls import urlpatterns as production_urlpatterns

BODY = b"ok\n"


def baseline(request: HttpRequest) -> HttpResponse:
    """A constant response: no database, no cache, no template; the same middleware as the app."""
    return HttpResponse(BODY, content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench/baseline", baseline, name="bench-baseline"), *production_urlpatterns]

__all__ = ["handler404", "handler500", "urlpatterns"]
