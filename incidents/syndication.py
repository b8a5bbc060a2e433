"""An Atom feed of recently published incidents (public only), at /incidents/feed/.

Atom writes the description as `<summary type="html">`: feed readers render it as HTML, so the
plain-text summary is HTML-escaped first (a headline or summary from a feed may hold markup).
"""

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.models import Incident

FEED_SIZE = 50


class LatestIncidentsFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("ICE Accountability Tracker: recently published incidents")
    subtitle = gettext_lazy(
        "Incidents of US immigration enforcement, each with its sources and verification status."
    )
    link = reverse_lazy("incidents:list")

    def items(self) -> QuerySet:
        return Incident.objects.published().order_by("-first_published_at", "-id")[:FEED_SIZE]

    def item_title(self, item: Incident) -> str:
        return item.headline

    def item_description(self, item: Incident) -> str:
        status = _("Verification: %(status)s.") % {"status": item.get_verification_status_display()}
        place = f"{item.place}. " if item.place else ""
        return escape(f"{item.incident_date.isoformat()}. {place}{status} {item.summary}")

    def item_pubdate(self, item: Incident):
        return item.first_published_at

    def item_updateddate(self, item: Incident):
        return item.updated_at

    def item_categories(self, item: Incident) -> list[str]:
        return [str(item.get_incident_type_display())] + ([item.state] if item.state else [])
