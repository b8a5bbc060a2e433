"""The rapid-response page: `/rapid-response/` (national) and `/rapid-response/<xx>/` (a state).

Works without JavaScript: the state picker is a GET form that redirects to the state's page.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.views import View

from icetracker.geography import STATE_CODES, State
from icetracker.pagecache import cached_page
from rapidresponse.directory import build_directory, covered_states
from rapidresponse.models import NATIONAL

TEMPLATE = "rapidresponse/index.html"


@method_decorator(cached_page("rapidresponse"), name="dispatch")
class DirectoryView(View):
    def get(self, request: HttpRequest, state: str | None = None) -> HttpResponse:
        if state is None:
            return self.index(request)
        code = state.upper()
        if code == NATIONAL:
            return redirect("rapidresponse:index", permanent=True)
        if code not in STATE_CODES:
            return self.unknown(request, state)
        if state != code.lower():
            return redirect("rapidresponse:state", state=code.lower(), permanent=True)
        return self.render(request, code)

    def index(self, request: HttpRequest) -> HttpResponse:
        picked = request.GET.get("state", "").strip()
        code = picked.upper()
        if code in STATE_CODES:
            return redirect("rapidresponse:state", state=code.lower())
        if picked and code != NATIONAL:
            return self.unknown(request, picked)
        return self.render(request, NATIONAL, covered=covered_states())

    def unknown(self, request: HttpRequest, picked: str) -> HttpResponse:
        return self.render(
            request, NATIONAL, status=404, unknown_state=picked[:20], covered=covered_states()
        )

    def render(
        self, request: HttpRequest, code: str, *, status: int = 200, **extra
    ) -> HttpResponse:
        context = {"directory": build_directory(code), "state_choices": State.choices, **extra}
        return TemplateResponse(request, TEMPLATE, context, status=status)
