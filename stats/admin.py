"""Statistics in the admin: read-mostly (the data comes from sourced files through importers),
searchable and filterable, with the history of every row."""

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from stats.models import (
    BookIns,
    DetainedByCriminality,
    DetentionFacility,
    FacilityPopulation,
    IceStat,
    MonthlyPopulation,
    RemovalsToDate,
    StayLength,
)


class FlaggedFilter(admin.SimpleListFilter):
    title = _("data quality")
    parameter_name = "quality"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("flagged", _("Flagged by the importer")), ("usable", _("No problem found"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "flagged":
            return queryset.exclude(quality_note="")
        if self.value() == "usable":
            return queryset.filter(quality_note="")
        return queryset


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Rows written by importers: nobody adds or edits them by hand; the source file is fixed
    and re-imported instead (the import run is recorded)."""

    list_select_related = ("import_run",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser


class ReleaseRowAdmin(ReadOnlyAdmin):
    date_hierarchy = "pull_date"
    list_filter = (FlaggedFilter, "fiscal_year")
    search_fields = ("quality_note",)
    ordering = ("-pull_date", "-file_date")

    @admin.display(boolean=True, description=_("usable"))
    def usable(self, obj) -> bool:
        return not obj.quality_note


@admin.register(IceStat)
class IceStatAdmin(SimpleHistoryAdmin):
    """Curated figures: an Admin may correct one (history keeps the old value); editors read."""

    list_display = (
        "stat_date",
        "period_type",
        "fiscal_year",
        "administration",
        "total_deportations",
        "detention_population",
        "pct_no_conviction",
        "deaths_in_detention",
        "citizens_detained",
        "source_name",
        "as_of",
    )
    list_filter = ("period_type", "administration", "fiscal_year", "source_name")
    search_fields = ("source_name", "source_url", "note")
    date_hierarchy = "stat_date"
    readonly_fields = ("import_run", "created_at", "updated_at")
    list_select_related = ("import_run",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(RemovalsToDate)
class RemovalsToDateAdmin(ReleaseRowAdmin):
    list_display = ("pull_date", "fiscal_year", "file_date", "removals", "usable", "import_run")


@admin.register(DetainedByCriminality)
class DetainedByCriminalityAdmin(ReleaseRowAdmin):
    list_display = (
        "pull_date",
        "fiscal_year",
        "file_date",
        "criminality",
        "ice",
        "cbp",
        "total",
        "usable",
    )
    list_filter = (FlaggedFilter, "criminality", "fiscal_year")


@admin.register(MonthlyPopulation)
class MonthlyPopulationAdmin(ReleaseRowAdmin):
    list_display = ("pull_date", "fiscal_year", "agency", "criminality", "month", "adp", "usable")
    list_filter = (FlaggedFilter, "agency", "criminality", "fiscal_year")


@admin.register(StayLength)
class StayLengthAdmin(ReleaseRowAdmin):
    list_display = (
        "pull_date",
        "fiscal_year",
        "agency",
        "criminality",
        "month",
        "avg_stay_length_days",
        "usable",
    )
    list_filter = (FlaggedFilter, "agency", "criminality", "fiscal_year")


@admin.register(BookIns)
class BookInsAdmin(ReleaseRowAdmin):
    list_display = ("pull_date", "fiscal_year", "arresting_agency", "month", "book_ins", "usable")
    list_filter = (FlaggedFilter, "arresting_agency", "fiscal_year")


@admin.register(FacilityPopulation)
class FacilityPopulationAdmin(ReleaseRowAdmin):
    list_display = ("name", "city", "state", "pull_date", "fiscal_year", "population", "usable")
    list_filter = (FlaggedFilter, "fiscal_year", "type_detailed", "aor")
    search_fields = ("name", "city", "address", "quality_note")
    list_select_related = ("import_run", "facility")
    raw_id_fields = ("facility",)


@admin.register(DetentionFacility)
class DetentionFacilityAdmin(ReadOnlyAdmin):
    list_display = ("name", "city", "state", "facility_type", "aor", "last_pull_date")
    list_filter = ("state", "facility_type", "aor")
    search_fields = ("name", "city", "address", "key")
    date_hierarchy = "last_pull_date"
    ordering = ("name",)
