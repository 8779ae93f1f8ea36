"""A dependency outage (Redis, the database) answers 503 with the JSON error shape and Retry-After, never a bare 500."""

from __future__ import annotations

import logging

import redis
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from kombu.exceptions import OperationalError as BrokerError

log = logging.getLogger(__name__)

RETRY_AFTER_S = 5
CHAT_MESSAGE = "The service is briefly unavailable; send the same message again with the same client_message_id."
MESSAGE = "The service is briefly unavailable; try again in a few seconds."


def unavailable_part(exc: BaseException) -> str | None:
    """Which dependency ("redis" or "database") exc says cannot be reached right now; None for any other error."""
    if isinstance(exc, redis.ConnectionError | redis.TimeoutError | BrokerError):
        return "redis"  # the channel layer, locks, throttles and the Celery broker all live there
    if isinstance(exc, OperationalError | InterfaceError):
        return "database"
    return None


def body(part: str, path: str) -> dict:
    message = CHAT_MESSAGE if path.startswith("/api/v1/chat/") else MESSAGE
    return {"error": {"code": "service_unavailable", "message": message, "unavailable": part}}


def log_outage(part: str, exc: BaseException, path: str) -> None:
    log.warning("503 for %s: %s is unavailable (%s: %s)", path, part, type(exc).__name__, exc)


class OutageMiddleware:
    """The same 503 for views outside DRF (its exception handler answers for the API's own views)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        part = unavailable_part(exc)
        if part is None:
            return None
        log_outage(part, exc, request.path)
        response = JsonResponse(body(part, request.path), status=503)
        response["Retry-After"] = str(RETRY_AFTER_S)
        return response
