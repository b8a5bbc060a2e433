"""Shared by import_networks and import_national_resources: the --overwrite option."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from imports.commands import ImportCommand
from rapidresponse.importers import DirectoryImporter


class DirectoryImportCommand(ImportCommand):
    importer_class: type[DirectoryImporter]
    overwrite = False

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Let the file replace entries that editors changed in the admin.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.overwrite = options["overwrite"]
        super().handle(*args, **options)

    def importer_for(self, path: Path) -> DirectoryImporter:
        return self.importer_class(overwrite=self.overwrite)
