"""CORS for the chat API with each flow's allowed origins: django-cors-headers asks here whom to allow."""

from __future__ import annotations

import re

from corsheaders.middleware import CorsMiddleware
from django.http import HttpRequest

from . import widget

_CONVERSATION = re.compile(r"^/api/v1/chat/conversations/([0-9a-f-]{36})/")
_FLOW = re.compile(r"^/api/v1/chat/([-a-zA-Z0-9_]+)/")


def chat_origin_ok(request: HttpRequest) -> bool:
    """Whether the request's Origin may use the chat of the flow its URL names (decided once per request)."""
    cached = getattr(request, "_chat_origin_ok", None)
    if cached is not None:
        return cached
    origin = request.headers.get("Origin")
    allowed: list[str] | None = []
    if origin:
        path = request.path_info
        if match := _CONVERSATION.match(path):
            allowed = widget.origins_of_conversation(match.group(1))
        elif match := _FLOW.match(path):
            allowed = widget.origins_of_flow(match.group(1))
    ok = widget.origin_allowed(allowed or [], origin, request.get_host())
    request._chat_origin_ok = ok  # type: ignore[attr-defined]
    return ok


class ChatCorsMiddleware(CorsMiddleware):
    """django-cors-headers on the chat URLs (CORS_URLS_REGEX), allowing the origins the flow allows."""

    def check_signal(self, request: HttpRequest) -> bool:
        # Called for the chat URLs' origin decision, and (for other URLs) whether CORS applies at all: it does not.
        if not request.path_info.startswith("/api/v1/chat/"):
            return super().check_signal(request)
        return chat_origin_ok(request)
