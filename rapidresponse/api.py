"""`GET /api/v1/rapid-response?state=XX`: the spec's RapidResponseResponse."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from icetracker.api import parse_query
from rapidresponse.directory import build_directory
from rapidresponse.serializers import RapidResponseQuery, RapidResponseSerializer

ERROR_RESPONSE = inline_serializer(
    "RapidResponseError",
    {"error": serializers.DictField(help_text="status, code, message, fields")},
)


@extend_schema(
    summary="Rapid-response hotlines and national resources for a state",
    parameters=[RapidResponseQuery],
    responses={
        200: RapidResponseSerializer,
        400: OpenApiResponse(ERROR_RESPONSE, "Missing or invalid state"),
    },
    tags=["rapid-response"],
)
@api_view(["GET"])
def rapid_response(request: Request) -> Response:
    state = parse_query(request, RapidResponseQuery)["state"]
    return Response(RapidResponseSerializer(build_directory(state).as_api()).data)
