"""Benchmark-only settings: production settings, plus the baseline view's URL configuration.

    DJANGO_SETTINGS_MODULE=bench.settings

Everything (middleware, database, cache, security) is icetracker.settings; only the URLs differ
(bench/urls.py adds the baseline view to the production URLs) and the `bench` app is installed
for its `bench_data` management command. Production never imports this module, so the
baseline view is not reachable there.
"""

from icetracker.settings import *  # noqa: F403
from icetracker.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
