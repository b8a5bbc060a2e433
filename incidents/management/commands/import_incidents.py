"""`manage.py import_incidents <file or folder>... [--dry-run]`: load incidents from CSV or JSON.

The layout is recognised from the columns (see incidents/importers.py); a folder imports every
.csv and .json file in it.
"""

from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from imports.commands import ImportCommand
from incidents.importers import IncidentImporter, columns_of, importer_for_columns


class Command(ImportCommand):
    help = (
        "Import incidents from CSV or JSON files (idempotent on first source URL + incident date). "
        "Nothing is written from a file with any invalid row."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.description = self.help

    def importer_for(self, path: Path) -> IncidentImporter:
        return importer_for_columns(columns_of(path.read_bytes()))

    def expand(self, paths: list[Path]) -> list[Path]:
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files.extend(sorted([*path.glob("*.csv"), *path.glob("*.json")]))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or directory")
        if not files:
            raise CommandError("no CSV or JSON files found in " + ", ".join(map(str, paths)))
        return files
