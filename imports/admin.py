from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "importer",
        "file_name",
        "status",
        "dry_run",
        "created",
        "updated",
        "unchanged",
        "failed",
    )
    list_filter = ("status", "dry_run", "importer")
    search_fields = ("file_name", "importer", "source_name")
    date_hierarchy = "started_at"
    readonly_fields = [field.name for field in ImportRun._meta.fields]
    fieldsets = (
        (None, {"fields": ("importer", "source_name", "source_url", "file_name", "file_sha256")}),
        (
            _("Outcome"),
            {"fields": ("status", "dry_run", "started_at", "finished_at", "triggered_by")},
        ),
        (_("Counts"), {"fields": ("rows_read", "created", "updated", "unchanged", "failed")}),
        (_("Problems"), {"fields": ("errors", "warnings")}),
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
