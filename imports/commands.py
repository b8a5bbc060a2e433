"""A base for importer management commands: one file (or several), --dry-run, a clear report.

A failed file raises CommandError, so the exit status is non-zero and no traceback is shown.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imports.models import ImportRun
from imports.runner import Importer, run_import

MAX_PRINTED_ERRORS = 50


def report(command: BaseCommand, run: ImportRun) -> None:
    prefix = "[dry run] " if run.dry_run else ""
    style = (
        command.style.SUCCESS if run.status == ImportRun.Status.SUCCEEDED else command.style.ERROR
    )
    command.stdout.write(
        style(
            f"{prefix}{run.file_name}: created {run.created}, updated {run.updated}, "
            f"unchanged {run.unchanged}, failed {run.failed} (import run {run.pk})"
        )
    )
    for warning in run.warnings:
        command.stdout.write(command.style.WARNING(f"  data quality: {warning}"))
    for error in run.errors[:MAX_PRINTED_ERRORS]:
        command.stderr.write(f"  {run.file_name}: {format_error(error)}")
    if len(run.errors) > MAX_PRINTED_ERRORS:
        command.stderr.write(
            f"  … {len(run.errors) - MAX_PRINTED_ERRORS} more (see the import run)"
        )


def format_error(error: dict[str, Any]) -> str:
    where = f"line {error.get('line')}"
    if error.get("column") is not None:
        number = f" (#{error['column_number']})" if error.get("column_number") else ""
        where += f", column {error['column']!r}{number}"
    value = f" (value {error['value']!r})" if error.get("value") is not None else ""
    return f"{where}: {error.get('message')}{value}"


class ImportCommand(BaseCommand):
    """Subclasses set `importer_class`, or override `importer_for(path)` for several kinds."""

    importer_class: type[Importer] | None = None

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="CSV file(s) to import")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )

    def importer_for(self, path: Path) -> Importer:
        if self.importer_class is None:
            raise CommandError(f"{path}: no importer for this file")
        return self.importer_class()

    def expand(self, paths: list[Path]) -> list[Path]:
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files.extend(sorted(path.glob("*.csv")))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or directory")
        if not files:
            raise CommandError("no CSV files found in " + ", ".join(map(str, paths)))
        return files

    def handle(self, *args: Any, **options: Any) -> None:
        failed = []
        for path in self.expand(options["paths"]):
            importer = self.importer_for(path)
            run = run_import(
                importer, path, dry_run=options["dry_run"], triggered_by="manage.py " + self.name
            )
            report(self, run)
            if run.status == ImportRun.Status.FAILED:
                failed.append(path.name)
        if failed:
            raise CommandError("import failed, nothing written for: " + ", ".join(failed))

    @property
    def name(self) -> str:
        return self.__class__.__module__.rsplit(".", 1)[-1]
