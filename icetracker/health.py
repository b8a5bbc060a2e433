"""`GET /api/v1/health`: the state of the database, cache and broker, and of every data source.

Each app that owns data sources reports them through a `data_source_health()` method on its
AppConfig, returning dicts with name, kind, last_success, last_error and last_error_at.
"""

import functools
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, throttle_classes
from rest_framework.request import Request
from rest_framework.response import Response

OK, ERROR, NOT_CONFIGURED = "ok", "error", "not_configured"


def check_database() -> dict[str, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is reported, never raised
        return {"status": ERROR, "error": exc.__class__.__name__}
    return {"status": OK, "backend": connection.vendor}


def check_cache() -> dict[str, str]:
    key = "health:probe"
    try:
        cache.set(key, "1", 10)
        if cache.get(key) != "1":
            return {"status": ERROR, "error": "value not read back"}
    except Exception as exc:  # noqa: BLE001
        return {"status": ERROR, "error": exc.__class__.__name__}
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return {"status": OK, "backend": backend}


@functools.cache
def _broker(url: str):
    """One client (and connection pool) per process: a new one per check cost a TCP connection
    and about 5 ms of CPU on every health request."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def check_broker() -> dict[str, str]:
    if not settings.REDIS_URL:
        return {
            "status": NOT_CONFIGURED,
            "detail": "REDIS_URL is not set; poll feeds with manage.py poll_feeds",
        }
    try:
        _broker(settings.REDIS_URL).ping()
    except Exception as exc:  # noqa: BLE001
        return {"status": ERROR, "error": exc.__class__.__name__}
    return {"status": OK, "backend": "redis"}


def data_sources() -> list[dict[str, Any]]:
    sources: list[dict[str, Any]] = []
    for config in apps.get_app_configs():
        provider = getattr(config, "data_source_health", None)
        if provider is not None:
            sources.extend(provider())
    return sources


def _failing(source: dict[str, Any]) -> bool:
    error_at, success = source.get("last_error_at"), source.get("last_success")
    return bool(error_at) and (success is None or error_at > success)


def overall_status(checks: dict[str, dict], sources: list[dict[str, Any]]) -> str:
    if checks["database"]["status"] == ERROR:
        return ERROR
    if any(check["status"] == ERROR for check in checks.values()) or any(map(_failing, sources)):
        return "degraded"
    return OK


_HEALTH_RESPONSE = inline_serializer(
    "HealthResponse",
    {
        "status": serializers.ChoiceField(choices=[OK, "degraded", ERROR]),
        "version": serializers.CharField(),
        "time": serializers.DateTimeField(),
        "checks": serializers.DictField(child=serializers.DictField()),
        "data_sources": serializers.ListField(child=serializers.DictField()),
    },
)


@extend_schema(
    summary="Service and data-source health",
    responses={200: _HEALTH_RESPONSE, 503: OpenApiResponse(_HEALTH_RESPONSE, "Database down")},
    tags=["health"],
)
@api_view(["GET"])
@throttle_classes([])
def health(request: Request) -> Response:
    checks = {"database": check_database(), "cache": check_cache(), "broker": check_broker()}
    sources = data_sources() if checks["database"]["status"] == OK else []
    status = overall_status(checks, sources)
    body = {
        "status": status,
        "version": settings.APP_VERSION,
        "time": timezone.now(),
        "checks": checks,
        "data_sources": sources,
    }
    return Response(
        body, status=503 if status == ERROR else 200, headers={"Cache-Control": "no-store"}
    )
