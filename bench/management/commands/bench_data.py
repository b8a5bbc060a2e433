"""`manage.py bench_data`: build the benchmark's scale database (see bench/dataset.py).

    DJANGO_SETTINGS_MODULE=bench.settings \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/icetracker_bench \\
        .venv/bin/python manage.py bench_data [--public 100000] [--seed 1] [--force]
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from bench.dataset import DatasetSpec, ensure_dataset


class Command(BaseCommand):
    help = "Generate the deterministic benchmark dataset (skipped if the database holds it)."

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = DatasetSpec()
        parser.add_argument("--public", type=int, default=defaults.public)
        parser.add_argument("--drafts", type=int, default=defaults.drafts)
        parser.add_argument("--evidence", type=int, default=defaults.evidence)
        parser.add_argument("--feed-items", type=int, default=defaults.feed_items)
        parser.add_argument("--sources", type=int, default=defaults.sources)
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument(
            "--force", action="store_true", help="Drop and regenerate even if the marker matches."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_data needs PostgreSQL: set DATABASE_URL to a scratch database."
            )
        spec = DatasetSpec(
            public=options["public"],
            drafts=options["drafts"],
            evidence=options["evidence"],
            feed_items=options["feed_items"],
            sources=options["sources"],
            seed=options["seed"],
        )
        ensure_dataset(spec, force=options["force"], log=self.stdout.write)
