"""One JSON error shape for every bad request: {"error": {"code", "message", "fields"?, ...}}."""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from flows import outage
from flows.actions import ActionError
from flows.graph import GraphShapeError


def error_response(code: str, message: str, http_status: int, **extra: Any) -> Response:
    return Response({"error": {"code": code, "message": message, **extra}}, status=http_status)


def capped_body(request: Any, what: str) -> bytes | Response:
    """The request's body, or a 413 answer when it is over HOOK_MAX_BODY_BYTES (a declared length is checked first)."""
    limit = settings.HOOK_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit or len(body := request.body) > limit:
        return error_response(
            "payload_too_large",
            f"The body is larger than {limit // 1024} KiB, the most {what}.",
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    return bytes(body)


def _first_message(detail: Any) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            inner = _first_message(value)
            return inner if key in ("non_field_errors", "detail") else f"{key}: {inner}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, ActionError):
        return error_response(exc.code, str(exc), exc.status, **exc.extra)
    if isinstance(exc, GraphShapeError):
        return error_response("invalid_graph", str(exc), status.HTTP_400_BAD_REQUEST)
    part = outage.unavailable_part(exc)
    if part is not None:  # a retry will do: the client is told so, with the same shape as every other error
        path = context["request"].path if context.get("request") is not None else ""
        outage.log_outage(part, exc, path)
        return Response(
            outage.body(part, path),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(outage.RETRY_AFTER_S)},
        )
    # As DRF's own handler does, so Django's 404 and 403 get their codes ("not_found", "permission_denied").
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = {"code": "invalid", "message": _first_message(exc.detail), "fields": exc.detail}
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        body = {"code": codes if isinstance(codes, str) else "error", "message": _first_message(response.data)}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            body["retry_after_s"] = round(exc.wait, 1)
    response.data = {"error": body}
    return response
