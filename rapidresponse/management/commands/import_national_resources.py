from rapidresponse.importers import NationalResourceImporter
from rapidresponse.management.commands._directory import DirectoryImportCommand


class Command(DirectoryImportCommand):
    help = (
        "Import national resources (know-your-rights material, the ICE detainee locator, legal "
        "directories, national lines) from CSV (data/rapidresponse/national_resources.csv). "
        "Idempotent; entries edited in the admin since their last import are kept unless "
        "--overwrite."
    )
    importer_class = NationalResourceImporter
