"""The spec's IceStatsResponse, and the query parameters of GET /api/v1/ice-stats."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from stats.fiscal import Administration
from stats.models import PeriodType


class IceStatsQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(
        choices=PeriodType.choices,
        required=False,
        default=PeriodType.FISCAL_YEAR,
        help_text=_(
            "The kind of period the by-year series (deportations_by_year, deaths_by_year) are "
            "built from: ice_stats rows of this period type. fiscal_year (the default) also "
            "uses ICE's fiscal-year-to-date spreadsheet for years without an annual figure."
        ),
    )
    admin = serializers.ChoiceField(
        choices=Administration.choices,
        required=False,
        help_text=_(
            "Only figures of this administration: by-year series by the administration in office "
            "for most of the year; point-in-time figures (current_detention_population, "
            "criminal_breakdown, citizens_affected) by their as-of date, i.e. the last figure "
            "within the term."
        ),
    )


class DeportationsYearSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(allow_null=True)
    administration = serializers.CharField(
        allow_null=True, help_text=_("null before 2009-01-20 (not tracked).")
    )
    total = serializers.IntegerField()
    interior = serializers.IntegerField(allow_null=True)
    border = serializers.IntegerField(allow_null=True)


class CriminalBreakdownSerializer(serializers.Serializer):
    period = serializers.CharField(
        allow_null=True, help_text=_("The as-of date (YYYY-MM-DD) or period of the figures.")
    )
    no_conviction_pct = serializers.FloatField(allow_null=True)
    nonviolent_pct = serializers.FloatField(allow_null=True)
    violent_pct = serializers.FloatField(allow_null=True)
    source = serializers.CharField(allow_null=True)


class DeathsYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    deaths = serializers.IntegerField()


class CitizensSerializer(serializers.Serializer):
    total_detained = serializers.IntegerField(
        allow_null=True, help_text=_("Often a lower bound: see the source.")
    )
    total_deported = serializers.IntegerField(allow_null=True)
    source = serializers.CharField(allow_null=True)


class IceStatsResponseSerializer(serializers.Serializer):
    deportations_by_year = DeportationsYearSerializer(many=True)
    criminal_breakdown = CriminalBreakdownSerializer()
    deaths_by_year = DeathsYearSerializer(many=True)
    citizens_affected = CitizensSerializer()
    current_detention_population = serializers.IntegerField(allow_null=True)
    last_updated = serializers.CharField(
        allow_null=True, help_text=_("When an import last changed the statistics (ISO 8601).")
    )
