"""`GET /api/v1/ice-stats`: the spec's IceStatsResponse, with optional ?period= and ?admin=.

Every number is one the dashboard shows. Where there is no sourced figure the value is null,
never 0. An unknown period or administration is a 400 with the JSON error body.
"""

from typing import Any

from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from icetracker.api import parse_query
from icetracker.pagecache import cached_page
from stats import views
from stats.models import PeriodType
from stats.queries import (
    Figure,
    Statistics,
    citizens_figures,
    last_updated,
    load_statistics,
    no_conviction_figures,
    population_figures,
)
from stats.serializers import IceStatsQuerySerializer, IceStatsResponseSerializer


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def deportations(statistics: Statistics, period: str, admin: str | None) -> list[dict]:
    if period == PeriodType.FISCAL_YEAR:
        return [
            {
                "fiscal_year": year.fiscal_year,
                "administration": year.administration or None,
                "total": year.value,
                "interior": year.interior,
                "border": year.border,
            }
            for year in statistics.removals
            if not admin or year.administration == admin
        ]
    return [
        {
            "fiscal_year": stat.fiscal_year,
            "administration": stat.administration or None,
            "total": stat.total_deportations,
            "interior": stat.interior_removals,
            "border": stat.border_removals,
        }
        for stat in statistics.stats
        if stat.period_type == period
        and stat.total_deportations is not None
        and (not admin or stat.administration == admin)
    ]


def deaths(statistics: Statistics, period: str, admin: str | None) -> list[dict]:
    if period == PeriodType.FISCAL_YEAR:
        return [
            {"year": year.fiscal_year, "deaths": year.official}
            for year in statistics.deaths
            if year.official is not None and (not admin or year.official_administration == admin)
        ]
    return [
        {
            "year": stat.stat_date.year if period == PeriodType.CALENDAR_YEAR else stat.fiscal_year,
            "deaths": stat.deaths_in_detention,
        }
        for stat in statistics.stats
        if stat.period_type == period
        and stat.deaths_in_detention is not None
        and (not admin or stat.administration == admin)
    ]


def _in_term(statistics: Statistics, figures: list[Figure], admin: str | None) -> list[Figure]:
    return [f for f in figures if statistics.in_term(f.as_of, admin)]


def breakdown(statistics: Statistics, admin: str | None) -> dict:
    points = [p for p in statistics.population if statistics.in_term(p.as_of, admin)]
    figures = _in_term(statistics, no_conviction_figures(statistics.stats, points), admin)
    if not figures:
        return dict.fromkeys(
            ("period", "no_conviction_pct", "nonviolent_pct", "violent_pct", "source")
        )
    best = figures[0]
    row = best.row
    return {
        "period": best.as_of.isoformat() if best.as_of else best.period,
        "no_conviction_pct": _number(best.value),
        "nonviolent_pct": _number(row.pct_nonviolent_conviction) if row else None,
        "violent_pct": _number(row.pct_violent_conviction) if row else None,
        "source": best.source.name,
    }


def citizens(statistics: Statistics, admin: str | None) -> dict:
    figures = _in_term(statistics, citizens_figures(statistics.stats), admin)
    if not figures:
        return {"total_detained": None, "total_deported": None, "source": None}
    best = figures[0]
    return {
        "total_detained": best.value,
        "total_deported": best.row.citizens_deported if best.row else None,
        "source": best.source.name,
    }


def current_population(statistics: Statistics, admin: str | None) -> int | None:
    points = [p for p in statistics.population if statistics.in_term(p.as_of, admin)]
    figures = _in_term(statistics, population_figures(statistics.stats, points), admin)
    return figures[0].value if figures else None


def ice_stats_body(statistics: Statistics, period: str, admin: str | None) -> dict[str, Any]:
    run = last_updated()
    return {
        "deportations_by_year": deportations(statistics, period, admin),
        "criminal_breakdown": breakdown(statistics, admin),
        "deaths_by_year": deaths(statistics, period, admin),
        "citizens_affected": citizens(statistics, admin),
        "current_detention_population": current_population(statistics, admin),
        "last_updated": run.finished_at.isoformat() if run and run.finished_at else None,
    }


@method_decorator(cached_page("stats", "incidents"), name="dispatch")
class IceStatsView(APIView):
    @extend_schema(
        operation_id="ice_stats",
        summary="Aggregated official statistics for the dashboard",
        description=(
            "Removals by fiscal year, the criminal breakdown of people in detention, deaths in "
            "detention, US citizens detained and the detention population, each as shown on the "
            "dashboard. A figure with no source is null, never 0. Annual figures of a fiscal year "
            "that straddles January 20 (FY2009, 2013, 2017, 2021, 2025) are attributed to the "
            "administration in office for most of that year; they are not split."
        ),
        parameters=[IceStatsQuerySerializer],
        responses={
            200: IceStatsResponseSerializer,
            400: OpenApiResponse(description="Unknown period or administration (JSON error)."),
        },
        tags=["statistics"],
    )
    def get(self, request: Request) -> Response:
        query = parse_query(request, IceStatsQuerySerializer)
        statistics = load_statistics(views.today())
        body = ice_stats_body(statistics, query["period"], query.get("admin"))
        return Response(IceStatsResponseSerializer(body).data)
