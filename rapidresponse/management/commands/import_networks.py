from rapidresponse.importers import NetworkImporter
from rapidresponse.management.commands._directory import DirectoryImportCommand


class Command(DirectoryImportCommand):
    help = (
        "Import rapid-response networks from CSV (data/rapidresponse/networks.csv). Idempotent; "
        "entries edited in the admin since their last import are kept unless --overwrite."
    )
    importer_class = NetworkImporter
