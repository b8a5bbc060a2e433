"""Import the ICE detention-statistics CSVs of the Deportation Data Project.

    manage.py import_detention_stats data/stats/ice-detention-stats/ [--dry-run]

Each file is matched to its importer by name: removals, currently-detained-by-criminality,
adp-by-agency-criminality, stay-length-by-agency-criminality, book-ins-by-arresting-agency,
facilities (optionally followed by "-" or "_" and anything).
"""

from pathlib import Path

from django.core.management.base import CommandError

from imports.commands import ImportCommand
from imports.runner import Importer
from stats.importers import DETENTION_IMPORTERS, importer_for_detention_file


class Command(ImportCommand):
    help = "Import ICE detention statistics (Deportation Data Project CSVs), files or directories."

    def importer_for(self, path: Path) -> Importer:
        importer = importer_for_detention_file(path)
        if importer is None:
            known = ", ".join(f"{kind}.csv" for kind in DETENTION_IMPORTERS)
            raise CommandError(f"{path}: no importer for this file name; expected one of {known}")
        return importer
