"""Shared API plumbing: one JSON error shape for every failure, and strict query parsing.

Every error body looks like::

    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"limit": ["..."]}}}
"""

from typing import Any

from django.conf import settings
from django.http import JsonResponse
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

ERROR_MESSAGES = {
    400: "Invalid request.",
    404: "Not found.",
    405: "Method not allowed.",
    429: "Too many requests.",
}


def _flatten(detail: Any) -> Any:
    if isinstance(detail, list):
        return [str(item) for item in detail]
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    return [str(detail)]


def error_body(status: int, message: str, code: str, fields: dict | None = None) -> dict:
    body: dict[str, Any] = {"status": status, "code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    status = response.status_code
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = (
            _flatten(detail) if isinstance(detail, dict) else {"non_field_errors": _flatten(detail)}
        )
        names = ", ".join(sorted(fields))
        message = f"Invalid value for: {names}." if names else ERROR_MESSAGES[400]
        response.data = error_body(status, message, "invalid", fields)
    else:
        detail = getattr(exc, "detail", "")
        code = getattr(detail, "code", None) or "error"
        response.data = error_body(status, str(detail) or ERROR_MESSAGES.get(status, ""), code)
    return response


def parse_query(request: Request, serializer_class: type[serializers.Serializer]) -> dict:
    """Validate query parameters with a serializer; invalid values raise a 400."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def json_error(status: int, message: str, code: str = "error") -> JsonResponse:
    return JsonResponse(error_body(status, message, code), status=status)


class SchemaView(SpectacularAPIView):
    """The OpenAPI document (/api/v1/schema), with drf-spectacular's query parameters tamed.

    drf-spectacular copies `?version=` into the document and into the Content-Disposition
    header (a newline there was a 500), and activates any `?lang=` (each new value leaves a
    translation catalogue in memory for good). The version is the app's, and only the site's
    languages are accepted.
    """

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        lang = request.query_params.get("lang")
        if lang and lang not in dict(settings.LANGUAGES):
            raise exceptions.ValidationError(
                {"lang": [f"Not one of {sorted(dict(settings.LANGUAGES))}."]}
            )

    def _get_version_parameter(self, request: Request) -> None:
        return None
