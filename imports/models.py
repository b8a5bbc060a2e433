from typing import Any

from django.db import models
from django.db.models import Max, Q
from django.utils.translation import gettext_lazy as _


class ImportRunQuerySet(models.QuerySet):
    def source_health(self) -> list[dict[str, Any]]:
        """Last success and last failure of every importer, for the health endpoint."""
        rows = (
            self.filter(dry_run=False)
            .values("importer", "source_name")
            .annotate(
                last_success=Max("finished_at", filter=Q(status=ImportRun.Status.SUCCEEDED)),
                last_error_at=Max("finished_at", filter=Q(status=ImportRun.Status.FAILED)),
            )
            .order_by("importer", "source_name")
        )
        health = []
        for row in rows:
            last_error = None
            if row["last_error_at"]:
                failed = self.filter(
                    importer=row["importer"],
                    source_name=row["source_name"],
                    status=ImportRun.Status.FAILED,
                    finished_at=row["last_error_at"],
                ).first()
                last_error = failed.summary if failed else None
            health.append(
                {
                    "name": row["source_name"],
                    "kind": "import",
                    "importer": row["importer"],
                    "last_success": row["last_success"],
                    "last_error": last_error,
                    "last_error_at": row["last_error_at"],
                }
            )
        return health


class ImportRun(models.Model):
    """One execution of an importer over one file: what it read, what it wrote, what failed."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    importer = models.CharField(
        _("importer"), max_length=100, help_text=_("Which importer ran, e.g. stats.removals.")
    )
    source_name = models.CharField(
        _("source name"), max_length=200, help_text=_("Who published the data.")
    )
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    file_name = models.CharField(_("file name"), max_length=300)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, blank=True)
    dry_run = models.BooleanField(
        _("dry run"),
        default=False,
        help_text=_("A dry run reports what would change and writes nothing."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    failed = models.PositiveIntegerField(_("failed rows"), default=0)
    errors = models.JSONField(
        _("errors"),
        default=list,
        blank=True,
        help_text=_("Every rejected row: line, column, value and reason."),
    )
    warnings = models.JSONField(
        _("data-quality warnings"),
        default=list,
        blank=True,
        help_text=_("Problems detected in the data that were reported rather than merged."),
    )
    triggered_by = models.CharField(_("triggered by"), max_length=150, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["importer", "status", "finished_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=models.F("started_at")),
                name="importrun_finished_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.importer} {self.file_name} ({self.get_status_display()})"

    @property
    def summary(self) -> str:
        if self.status == self.Status.FAILED and self.errors:
            first = self.errors[0]
            more = f" (+{len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
            return f"line {first.get('line')}: {first.get('message')}{more}"
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, failed {self.failed}"
        )
