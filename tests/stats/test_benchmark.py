"""Prints how fast the whole bundled statistics import is. Measures, never asserts on time.

Run: pytest tests/stats/test_benchmark.py -m slow -s   (on PostgreSQL: the target is < 10 s)
"""

import time
from io import StringIO

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command

from imports.models import ImportRun

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.postgres]


def load_bundle() -> tuple[float, dict[str, int]]:
    first_run = ImportRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    start = time.perf_counter()
    for command, arguments in apps.get_app_config("stats").bundled_data():
        call_command(command, *arguments, stdout=StringIO(), stderr=StringIO())
    elapsed = time.perf_counter() - start
    runs = ImportRun.objects.filter(pk__gt=first_run)
    totals = {
        name: sum(getattr(run, name) for run in runs)
        for name in ("rows_read", "created", "updated", "unchanged", "failed")
    }
    return elapsed, totals


def test_print_the_bundled_import_speed(capsys, client):
    first, created = load_bundle()
    second, again = load_bundle()
    cache.clear()
    start = time.perf_counter()
    assert client.get("/").status_code == 200
    dashboard = time.perf_counter() - start
    with capsys.disabled():
        for label, elapsed, totals in (("first", first, created), ("second", second, again)):
            print(
                f"\nbundled statistics import, {label} run: {totals['rows_read']} rows in "
                f"{elapsed:.2f} s = {totals['rows_read'] / elapsed:,.0f} rows/s "
                f"(created {totals['created']}, updated {totals['updated']}, "
                f"unchanged {totals['unchanged']})"
            )
        print(f"dashboard, uncached, on the full bundle: {dashboard * 1000:.0f} ms")
    assert created["failed"] == 0
    models = [m for m in apps.get_app_config("stats").get_models() if hasattr(m, "history")]
    stored = sum(model.objects.count() for model in models)
    assert created["created"] == stored
    assert (again["created"], again["updated"]) == (0, 0)
