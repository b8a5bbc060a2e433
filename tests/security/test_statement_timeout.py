"""Web requests run under PostgreSQL's statement_timeout; commands and imports do not."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.db import connection

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.security.testurls"),
]


@pytest.fixture(autouse=True)
def _short_timeout(settings):
    settings.DB_STATEMENT_TIMEOUT_MS = 200


def session_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@pytest.mark.parametrize("fresh_connection", [False, True], ids=["open", "fresh"])
def test_a_request_runs_under_the_timeout(client, fresh_connection):
    if fresh_connection:
        connection.close()
    assert client.get("/test/timeout/").json() == {"statement_timeout": "200ms"}


def test_a_slow_page_query_is_cut_off_with_a_clean_503(client):
    response = client.get("/test/slow/?seconds=2")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert b"took too long" in response.content
    assert "no-store" in response.headers["Cache-Control"]


def test_a_slow_api_query_is_cut_off_with_the_json_error(client):
    response = client.get("/api/v1/test-slow?seconds=2")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "timeout"


def test_without_the_timeout_the_same_request_completes(client, settings):
    settings.DB_STATEMENT_TIMEOUT_MS = 0
    assert client.get("/test/slow/?seconds=0.3").status_code == 200


def test_the_timeout_ends_with_the_request(client):
    client.get("/test/timeout/")
    assert session_timeout() == "0"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.3)")


def test_management_commands_are_not_limited():
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    code = (
        "from django.db import connection\n"
        "c = connection.cursor()\n"
        "c.execute('SELECT pg_sleep(0.5)')\n"
        "c.execute('SHOW statement_timeout')\n"
        "print(c.fetchone()[0])\n"
    )
    env = {**os.environ, "DATABASE_URL": url, "DB_STATEMENT_TIMEOUT_MS": "100", "REDIS_URL": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "0"


def test_the_timeout_is_set_once_per_connection_not_once_per_request(client, monkeypatch):
    from icetracker import middleware

    calls = []
    real = middleware._set_timeout
    monkeypatch.setattr(
        middleware, "_set_timeout", lambda conn, ms: calls.append(ms) or real(conn, ms)
    )
    for _ in range(3):
        assert client.get("/test/timeout/").json() == {"statement_timeout": "200ms"}
    assert calls == [200]
    assert session_timeout() == "0"  # outside a request: reset first
    assert calls == [200, None]
    assert client.get("/test/timeout/").json() == {"statement_timeout": "200ms"}
    assert calls == [200, None, 200]


def test_a_timeout_undone_by_a_rollback_is_set_again(client):
    from django.db import transaction

    with transaction.atomic():
        assert client.get("/test/timeout/").json() == {"statement_timeout": "200ms"}
        transaction.set_rollback(True)
    assert client.get("/test/timeout/").json() == {"statement_timeout": "200ms"}
    assert session_timeout() == "0"
