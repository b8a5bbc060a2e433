"""The project's URLs plus a few views that exist only to exercise cross-cutting protections."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import path
from rest_framework.decorators import api_view
from rest_framework.response import Response

from icetracker.urls import urlpatterns as project_urlpatterns


def sets_a_cookie(request):
    response = HttpResponse("hello")
    response.set_cookie("flavour", "oat")
    return response


def explicitly_public_but_sets_a_cookie(request):
    response = sets_a_cookie(request)
    response["Cache-Control"] = "public, max-age=600"
    return response


def slow_query(request):
    seconds = float(request.GET.get("seconds", "1"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [seconds])
    return JsonResponse({"slept": seconds})


def show_timeout(request):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return JsonResponse({"statement_timeout": cursor.fetchone()[0]})


@api_view(["GET"])
def api_ping(request):
    return Response({"pong": True})


@api_view(["GET"])
def api_slow_query(request):
    return Response(slow_query(request).content)


urlpatterns = [
    path("test/cookie/", sets_a_cookie),
    path("test/public-cookie/", explicitly_public_but_sets_a_cookie),
    path("test/slow/", slow_query),
    path("test/timeout/", show_timeout),
    path("api/v1/test-ping", api_ping),
    path("api/v1/test-slow", api_slow_query),
    *project_urlpatterns,
]
