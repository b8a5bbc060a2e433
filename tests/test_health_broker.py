"""The health check's broker probe reuses one Redis connection (icetracker/health.py)."""

import pytest

from icetracker import health

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


def connections(pool) -> int:
    return len(pool._available_connections) + len(pool._in_use_connections)


def test_health_reuses_one_broker_connection(client, settings):
    client.get("/api/v1/health")
    pool = health._broker(settings.REDIS_URL).connection_pool
    for _ in range(3):
        assert client.get("/api/v1/health").json()["checks"]["broker"]["status"] == "ok"
    assert connections(pool) == 1


def test_an_unreachable_broker_is_reported_not_raised(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    assert client.get("/api/v1/health").json()["checks"]["broker"]["status"] == "error"
