"""Time the bundled statistics import into a fresh scratch database; print one JSON line.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/icetracker_bench_scratch \\
        python -m bench.statsimport

The database named by DATABASE_URL is DROPPED and recreated, then migrated (not timed). The
timed part is every (command, arguments) pair of the stats app's `bundled_data()`, exactly what
`make run` does; rows are the importers' own `rows_read` counts from their ImportRun records.
"""

import json
import os
import time
from io import StringIO

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icetracker.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench.dataset import recreate_database  # noqa: E402
from imports.models import ImportRun  # noqa: E402


def main() -> None:
    recreate_database()
    call_command("migrate", verbosity=0)
    commands = apps.get_app_config("stats").bundled_data()
    started = time.perf_counter()
    for command, arguments in commands:
        call_command(command, *arguments, stdout=StringIO(), stderr=StringIO())
    seconds = time.perf_counter() - started
    runs = ImportRun.objects.all()
    totals = {
        name: sum(getattr(run, name) for run in runs) for name in ("rows_read", "created", "failed")
    }
    print(
        json.dumps(
            {
                "files": len(runs),
                "seconds": round(seconds, 3),
                "rows_per_second": round(totals["rows_read"] / seconds),
                **totals,
            }
        )
    )


if __name__ == "__main__":
    main()
