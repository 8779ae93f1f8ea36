"""The OpenAPI generator: every operation documents the errors it can answer, each with the one error shape."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from .serializers import ErrorSerializer

RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again"}}

# Why each status is answered; which operations answer it is decided in ErrorResponsesSchema.error_codes.
DESCRIPTIONS = {
    "400": "The request is invalid (code invalid, with `fields`; or a more precise code)",
    "401": "No credentials, or credentials that are not valid (codes not_authenticated, invalid_token)",
    "403": "Not allowed: the user lacks the role, or the page's website may not use this chat",
    "404": "No such object (codes not_found, flow_not_found, hook_not_found)",
    "413": "The body is larger than the server accepts (codes too_large, payload_too_large)",
    "415": "The body's Content-Type is not one this operation reads",
    "429": "Too many requests; try again after Retry-After seconds (code throttled, with retry_after_s)",
    "503": "A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds",
}

# Errors only some operations can answer, by (method, path): a conflict with the state of the stored object.
SPECIFIC = {
    ("POST", "/api/v1/chat/conversations/{conversation_id}/messages/"): {
        "409": "The conversation has ended or failed (code conversation_closed)"
    },
}


class ErrorResponsesSchema(AutoSchema):
    """drf-spectacular's AutoSchema, adding the error responses the project's views and middleware can answer."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code, description in self.error_codes(operation).items():
            if code in responses:  # the view's own description says more
                continue
            response = self._get_response_for_code(OpenApiResponse(ErrorSerializer, description=description), code)
            if code in ("429", "503"):
                response["headers"] = RETRY_AFTER
            responses[code] = response
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def error_codes(self, operation: dict) -> dict[str, str]:
        """The statuses this operation can answer besides its own, and why."""
        from .chat import ChatView

        params = operation.get("parameters", [])
        has_body = "requestBody" in operation
        signed_in = any(requirement for requirement in operation.get("security", []))
        own_credentials = any(p["in"] == "header" and p["name"] in ("Authorization", "X-Hook-Token") for p in params)
        codes = set(["503"])  # every request may meet a dependency outage
        if has_body or any(p["in"] in ("query", "header") for p in params) or self.method in ("POST", "PUT", "PATCH"):
            codes.add("400")
        if signed_in or own_credentials:
            codes.add("401")
        if signed_in or isinstance(self.view, ChatView):
            codes.add("403")  # a role it lacks (builder), or a website the flow does not allow (chat)
        if "{" in self.path:
            codes.add("404")
        if has_body:
            codes |= {"413", "415"}
        if self.view.get_throttles():
            codes.add("429")
        found = {code: DESCRIPTIONS[code] for code in codes}
        found.update(SPECIFIC.get((self.method, self.path), {}))
        return found
