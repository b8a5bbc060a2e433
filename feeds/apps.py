from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    name = "feeds"
    verbose_name = _("Feeds and review queue")

    def data_source_health(self) -> list[dict[str, Any]]:
        """One entry per polled feed (and per feed switched off for failing), for /api/v1/health."""
        from feeds.models import FeedSource

        return [
            {
                "name": source.name,
                "kind": "feed",
                "url": source.url,
                "active": source.active,
                "last_success": source.last_success_at,
                "last_error": source.last_error or None,
                "last_error_at": source.last_error_at,
                "consecutive_errors": source.consecutive_errors,
                "disabled_automatically_at": source.disabled_automatically_at,
            }
            for source in FeedSource.objects.needing_attention().order_by("name")
        ]

    def bundled_data(self) -> list[tuple[str, list[str]]]:
        return [("load_feed_sources", [str(settings.BASE_DIR / "data" / "feeds" / "sources.csv")])]
