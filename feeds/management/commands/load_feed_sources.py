from feeds.importers import FeedSourceImporter
from imports.commands import ImportCommand


class Command(ImportCommand):
    help = (
        "Add the feed sources listed in a CSV (name, url, homepage, active, keyword_mode, "
        "keywords, notes). Sources that already exist are left as editors set them."
    )
    importer_class = FeedSourceImporter
