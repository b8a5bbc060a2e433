"""Response shapes of the incidents API (the spec's IceIncidentsResponse and
IceIncidentDetailResponse), plus a few documented extra fields."""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from incidents import embeds
from incidents.models import LIST_ROW_FIELDS, Evidence, Incident, detail_url


class IncidentUrlMixin(serializers.Serializer):
    url = serializers.SerializerMethodField(help_text=_("Address of the incident's page."))

    def get_url(self, incident: Incident) -> str:
        return incident.get_absolute_url()


class IncidentListItemSerializer(IncidentUrlMixin, serializers.ModelSerializer):
    evidence_count = serializers.IntegerField(help_text=_("Number of evidence links."))
    has_video = serializers.BooleanField(
        help_text=_("True if there is a video that has not been taken down.")
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "headline",
            "summary",
            "incident_type",
            "incident_date",
            "city",
            "state",
            "outcome",
            "verification_status",
            "victim_is_citizen",
            "evidence_count",
            "has_video",
            "url",
        ]

    def to_representation(self, incident: Incident) -> dict[str, Any]:
        row = {name: getattr(incident, name) for name in LIST_ROW_FIELDS}
        return self.item(row)

    @staticmethod
    def item(row: dict[str, Any], url: Callable[[int, str], str] = detail_url) -> dict[str, Any]:
        """The fields above from a row of IncidentQuerySet.page(); for many rows,
        pass `url=detail_urls()`.

        DRF's generic path costs about 150 µs an incident (each field's get_attribute and
        to_representation); an API page holds up to 100. tests/incidents/test_api.py checks
        that this gives what the generic path gives.
        """
        return {
            "id": row["id"],
            "headline": row["headline"],
            "summary": row["summary"],
            "incident_type": row["incident_type"],
            "incident_date": row["incident_date"].isoformat(),
            "city": row["city"],
            "state": row["state"],
            "outcome": row["outcome"],
            "verification_status": row["verification_status"],
            "victim_is_citizen": row["victim_is_citizen"],
            "evidence_count": int(row["evidence_count"]),
            "has_video": bool(row["has_video"]),
            "url": url(row["id"], row["slug"]),
        }


class IncidentDetailSerializer(IncidentUrlMixin, serializers.ModelSerializer):
    class Meta:
        model = Incident
        fields = [
            "id",
            "headline",
            "summary",
            "spicy_summary",
            "why_it_matters",
            "incident_type",
            "incident_date",
            "city",
            "state",
            "location_detail",
            "victim_name",
            "victim_age",
            "victim_is_citizen",
            "victim_count",
            "outcome",
            "outcome_date",
            "outcome_notes",
            "verification_status",
            "corrections_note",
            "first_published_at",
            "updated_at",
            "url",
        ]


class EvidenceSerializer(serializers.ModelSerializer):
    embed_html = serializers.SerializerMethodField(
        help_text=_(
            "A privacy-enhanced iframe generated from the provider and video ID in the URL, or "
            "an empty string. Stored HTML is never returned."
        )
    )

    class Meta:
        model = Evidence
        fields = [
            "id",
            "evidence_type",
            "url",
            "embed_html",
            "title",
            "source_name",
            "captured_date",
            "is_primary",
            "is_removed",
            "removed_date",
        ]

    @extend_schema_field(serializers.CharField())
    def get_embed_html(self, evidence: Evidence) -> str:
        if evidence.is_removed:
            return ""
        return str(embeds.render(evidence.url, evidence.title or evidence.source_name))


class RelatedStorySerializer(IncidentUrlMixin, serializers.ModelSerializer):
    published_at = serializers.SerializerMethodField(
        help_text=_("When the related incident was first published here (ISO 8601).")
    )

    class Meta:
        model = Incident
        fields = ["id", "headline", "published_at", "url"]

    def get_published_at(self, incident: Incident) -> str:
        moment = incident.first_published_at or incident.incident_date
        return moment.isoformat()


class PaginationSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    limit = serializers.IntegerField()
    total = serializers.IntegerField(help_text=_("Incidents matching the filters."))
    has_more = serializers.BooleanField()


class FiltersAppliedSerializer(serializers.Serializer):
    type = serializers.CharField(allow_null=True)
    state = serializers.CharField(allow_null=True)
    outcome = serializers.CharField(allow_null=True)
    verification = serializers.CharField(allow_null=True)
    citizen = serializers.CharField(allow_null=True)
    date_after = serializers.DateField(allow_null=True)
    date_before = serializers.DateField(allow_null=True)
    q = serializers.CharField(allow_null=True)
    sort = serializers.CharField()


class IceIncidentsResponseSerializer(serializers.Serializer):
    incidents = IncidentListItemSerializer(many=True)
    pagination = PaginationSerializer()
    filters_applied = FiltersAppliedSerializer()


class IceIncidentDetailResponseSerializer(serializers.Serializer):
    incident = IncidentDetailSerializer()
    evidence = EvidenceSerializer(many=True)
    related_stories = RelatedStorySerializer(many=True)


class IncidentIdSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


def describe(serializer: serializers.Serializer) -> list[dict[str, Any]]:
    """Name, label and help text of each field, for the data dictionary."""
    return [
        {"name": name, "label": field.label or "", "help_text": field.help_text or ""}
        for name, field in serializer.fields.items()
    ]
