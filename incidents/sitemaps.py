from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from incidents.models import Incident


class IncidentSitemap(Sitemap):
    """Every published incident page (drafts never appear)."""

    changefreq = "weekly"
    limit = 10_000

    def items(self) -> QuerySet:
        return Incident.objects.published().order_by("id").only("id", "slug", "updated_at")

    def lastmod(self, incident: Incident):
        return incident.updated_at


class IncidentPagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["incidents:list"]

    def location(self, item: str) -> str:
        return reverse(item)
