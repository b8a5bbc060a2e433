from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.defaults import page_not_found as html_page_not_found
from django.views.generic import TemplateView

from icetracker.api import json_error


class AboutView(TemplateView):
    template_name = "about.html"


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _wants_json(request):
        return json_error(404, "Not found.", "not_found")
    return html_page_not_found(request, exception, template_name="404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return json_error(500, "Server error.", "server_error")
    return render(request, "500.html", status=500)
