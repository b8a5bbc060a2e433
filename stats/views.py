"""The dashboard (/), chart CSV downloads, and the detention-facility pages."""

from collections import defaultdict
from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from icetracker.geography import state_name
from icetracker.pagecache import cached_page
from stats.cards import key_cards
from stats.charts import DASHBOARD_CHARTS, Chart, facility_chart
from stats.forms import FacilityFilterForm
from stats.models import DetentionFacility, FacilityPopulation
from stats.queries import (
    facility_rows,
    facility_trend,
    flagged_releases,
    latest_facility_release,
    load_statistics,
)


def today() -> date:
    """Today's date where the site runs (a function, so that tests can fix it)."""
    return timezone.localdate()


@method_decorator(cached_page("stats", "incidents"), name="dispatch")
class DashboardView(TemplateView):
    template_name = "stats/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        statistics = load_statistics(today())
        charts = [build(statistics) for build in DASHBOARD_CHARTS.values()]
        latest = max((c.as_of for c in charts if c.as_of), default=None)
        return super().get_context_data(
            cards=key_cards(statistics),
            charts=charts,
            flagged=statistics.flagged,
            today=statistics.today,
            current_fiscal_year=statistics.current_fiscal_year,
            latest_pull=max((p.as_of for p in statistics.population), default=latest),
            **kwargs,
        )


def csv_response(chart: Chart, filename: str) -> HttpResponse:
    response = HttpResponse(chart.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def chart_csv(request: HttpRequest, name: str) -> HttpResponse:
    """Exactly the numbers a dashboard chart plots (and its table shows), as CSV."""
    if name not in DASHBOARD_CHARTS:
        raise Http404
    chart = DASHBOARD_CHARTS[name](load_statistics(today()))
    return csv_response(chart, f"{name}.csv")


@method_decorator(cached_page("stats"), name="dispatch")
class DetentionView(TemplateView):
    template_name = "stats/detention.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = FacilityFilterForm(self.request.GET)
        state, sort = form.filters()
        flagged = set(flagged_releases())
        release = latest_facility_release(flagged)
        rows = facility_rows(release)
        shown = sort_rows([r for r in rows if not state or r.facility.state == state], sort)
        earlier = DetentionFacility.objects.none()
        if release is not None:
            earlier = DetentionFacility.objects.filter(last_pull_date__lt=release[2])
        return super().get_context_data(
            form=form,
            release=release,
            rows=shown,
            state=state,
            state_label=state_name(state) if state else "",
            shown_total=sum(r.population or 0 for r in shown),
            state_totals=state_totals(rows),
            all_total=sum(r.population or 0 for r in rows),
            earlier=earlier.order_by("-last_pull_date", "name"),
            **kwargs,
        )


SORT_KEYS = {
    "population": lambda r: (r.population is None, r.population or 0),
    "name": lambda r: r.facility.name,
    "state": lambda r: (r.facility.state, r.facility.name),
    "city": lambda r: (r.facility.city, r.facility.name),
    "type": lambda r: (r.type_detailed, r.facility.name),
}


def sort_rows(rows: list[FacilityPopulation], sort: str) -> list[FacilityPopulation]:
    if sort == "-population":
        return sorted(rows, key=lambda r: (r.population is None, -(r.population or 0)))
    return sorted(rows, key=SORT_KEYS[sort])


def state_totals(rows: list[FacilityPopulation]) -> list[dict[str, Any]]:
    totals: dict[str, dict[str, Any]] = defaultdict(lambda: {"facilities": 0, "population": 0.0})
    for row in rows:
        entry = totals[row.facility.state]
        entry["facilities"] += 1
        entry["population"] += row.population or 0
    return [
        {"state": code, "name": state_name(code) if code else "", **values}
        for code, values in sorted(totals.items(), key=lambda item: -item[1]["population"])
    ]


def _facility_or_redirect(pk: int, slug: str, suffix: str = "") -> DetentionFacility | HttpResponse:
    facility = get_object_or_404(DetentionFacility, pk=pk)
    if facility.slug != slug:
        return HttpResponsePermanentRedirect(facility.get_absolute_url() + suffix)
    return facility


@method_decorator(cached_page("stats"), name="dispatch")
class FacilityView(TemplateView):
    template_name = "stats/facility.html"

    def get(self, request: HttpRequest, pk: int, slug: str) -> HttpResponse:
        found = _facility_or_redirect(pk, slug)
        if isinstance(found, HttpResponse):
            return found
        self.facility = found
        return super().get(request, pk=pk, slug=slug)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        rows = facility_trend(self.facility.pk, set(flagged_releases()))
        return super().get_context_data(
            facility=self.facility,
            chart=facility_chart(self.facility.name, rows),
            latest=rows[-1] if rows else None,
            **kwargs,
        )


def facility_csv(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    found = _facility_or_redirect(pk, slug, "population.csv")
    if isinstance(found, HttpResponse):
        return found
    chart = facility_chart(found.name, facility_trend(found.pk, set(flagged_releases())))
    return csv_response(chart, f"facility-{found.pk}-{found.slug}.csv")
