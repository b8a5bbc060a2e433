"""`GET /api/v1/ice-incidents` and `GET /api/v1/ice-incident?id=`: published incidents only.

Every query parameter is validated by the same FilterSet as the timeline page; any invalid
value is a 400 naming the parameter. `limit` defaults to 20 and values above 100 are capped at
100 (the response's pagination.limit says which was used). A page past the end is a 200 with an
empty `incidents` list and `has_more: false`, so clients can page until has_more is false.
"""

from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from icetracker.api import parse_query
from icetracker.pagecache import cached_page
from incidents import related, serializers
from incidents.filters import DEFAULT_LIMIT, MAX_LIMIT, IncidentFilter
from incidents.listitems import first_page_items
from incidents.models import Incident, detail_urls

ERROR = OpenApiResponse(description="Invalid parameter: a JSON error naming it.")
NOT_FOUND = OpenApiResponse(description="No published incident has this id.")


def filter_parameters() -> list[OpenApiParameter]:
    """OpenAPI query parameters generated from the FilterSet, so they cannot drift apart."""
    parameters = []
    for name, field in IncidentFilter().form.fields.items():
        choices = [value for value, _label in getattr(field, "choices", []) if value != ""]
        kind = OpenApiTypes.STR
        if name in ("date_after", "date_before"):
            kind = OpenApiTypes.DATE
        elif name in ("page", "limit"):
            kind = OpenApiTypes.INT
        parameters.append(
            OpenApiParameter(
                name,
                kind,
                OpenApiParameter.QUERY,
                description=str(field.label or ""),
                enum=choices or None,
            )
        )
    return parameters


def validation_error(filterset: IncidentFilter) -> exceptions.ValidationError:
    return exceptions.ValidationError(
        {
            name: [str(message) for message in messages]
            for name, messages in filterset.errors.items()
        }
    )


@method_decorator(cached_page("incidents"), name="dispatch")
class IceIncidentsView(APIView):
    @extend_schema(
        operation_id="ice_incidents",
        summary="Published incidents, filtered and paginated",
        description=(
            f"`limit` defaults to {DEFAULT_LIMIT}; larger values than {MAX_LIMIT} are capped. "
            "A page past the end returns an empty list with has_more false."
        ),
        parameters=filter_parameters(),
        responses={200: serializers.IceIncidentsResponseSerializer, 400: ERROR},
    )
    def get(self, request: Request) -> Response:
        filterset = IncidentFilter(request.query_params)
        if not filterset.is_valid():
            raise validation_error(filterset)
        limit, page = filterset.limit, filterset.page
        total = filterset.count()
        start = (page - 1) * limit
        incidents = self.incidents(filterset, start, limit, total)
        return Response(
            {
                "incidents": incidents,
                "pagination": {
                    "page": page,
                    "limit": limit,
                    "total": total,
                    "has_more": start + len(incidents) < total,
                },
                "filters_applied": filterset.applied(),
            }
        )

    @staticmethod
    def incidents(filterset: IncidentFilter, start: int, limit: int, total: int) -> list[dict]:
        """The page's items: a first page's from first_page_items where it applies."""
        if start >= total:
            return []
        if start == 0 and (items := first_page_items(filterset, limit)) is not None:
            return items
        rows = filterset.page_rows(start, start + limit)
        item, url = serializers.IncidentListItemSerializer.item, detail_urls()
        return [item(row, url) for row in rows]


@method_decorator(cached_page("incidents"), name="dispatch")
class IceIncidentView(APIView):
    @extend_schema(
        operation_id="ice_incident",
        summary="One published incident with its evidence and related incidents",
        parameters=[serializers.IncidentIdSerializer],
        responses={
            200: serializers.IceIncidentDetailResponseSerializer,
            400: ERROR,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request) -> Response:
        pk = parse_query(request, serializers.IncidentIdSerializer)["id"]
        incident = Incident.objects.published().filter(pk=pk).first()
        if incident is None:
            raise exceptions.NotFound("No published incident has this id.")
        related_incidents = [item.incident for item in related.related_incidents(incident)]
        return Response(
            {
                "incident": serializers.IncidentDetailSerializer(incident).data,
                "evidence": serializers.EvidenceSerializer(incident.evidence.all(), many=True).data,
                "related_stories": serializers.RelatedStorySerializer(
                    related_incidents, many=True
                ).data,
            }
        )
