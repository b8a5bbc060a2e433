"""Settings are driven by the environment; production refuses to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_without_secret_key_or_hosts_says_what_is_missing():
    result = run_manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr
    assert "Traceback" not in result.stderr.splitlines()[-1]


def test_check_deploy_is_clean_in_production():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-long-random-production-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="tracker.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_database_url_selects_the_backend():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    for url, engine in (
        ("postgres://u@127.0.0.1:5432/x", "django.db.backends.postgresql"),
        ("", "django.db.backends.sqlite3"),
    ):
        result = run_manage("shell", "--no-imports", "-c", code, DATABASE_URL=url)
        assert result.stdout.strip() == engine, result.stderr


def test_redis_url_switches_the_cache_backend():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    with_redis = run_manage("shell", "--no-imports", "-c", code, REDIS_URL="redis://x:6379/15")
    without = run_manage("shell", "--no-imports", "-c", code, REDIS_URL="")
    assert with_redis.stdout.strip().endswith("RedisCache")
    assert without.stdout.strip().endswith("LocMemCache")
