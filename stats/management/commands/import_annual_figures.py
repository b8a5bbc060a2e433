"""Import curated annual figures (long format).

    manage.py import_annual_figures data/stats/annual-figures.csv [--dry-run]

Columns: fiscal_year, metric, value, source_name, source_url, note.
"""

from imports.commands import ImportCommand
from stats.importers import AnnualFiguresImporter


class Command(ImportCommand):
    help = "Import annual figures (fiscal_year, metric, value, source_name, source_url, note)."
    importer_class = AnnualFiguresImporter
