"""Import CSVs in the spec's `ice_stats` format (one row per period and source).

manage.py import_ice_stats data/stats/ice-stats/ [--dry-run]
"""

from imports.commands import ImportCommand
from stats.importers import IceStatsImporter


class Command(ImportCommand):
    help = "Import CSV files in the ice_stats format (the columns of the ice_stats table)."
    importer_class = IceStatsImporter
