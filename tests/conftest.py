import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from incidents import search


def pytest_collection_modifyitems(config, items):
    on_postgres = settings.IS_POSTGRES
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (this run is on SQLite)")
    skip_redis = pytest.mark.skip(reason="needs Redis: REDIS_URL is not set for this run")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    search._lexemes_of.cache_clear()  # each test counts the statements of its own searches
    yield
    cache.clear()


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"
