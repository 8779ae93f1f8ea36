"""Intercom's webhook notifications for handoffs routed to Intercom (docs/handoff.md, decision 0044)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from flows import intercom_bridge
from integrations.models import Credential
from nodes.integrations.intercom import KINDS

from .errors import capped_body
from .throttles import ChatThrottle

NotificationReceipt = inline_serializer(
    "IntercomNotificationReceipt",
    {
        "outcome": serializers.CharField(help_text="replied, closed, ignored (not a handed-off conversation) or ping"),
        "conversation_id": serializers.UUIDField(allow_null=True),
        "detail": serializers.CharField(),
    },
)


class IntercomThrottle(ChatThrottle):
    """Per credential (one Intercom app) and per sending address, at the hooks' rates."""

    def scopes(self, request, view) -> list[tuple[str, str]]:
        return [("hook", f"intercom/{view.kwargs.get('credential_id')}"), ("hook_ip", self.get_ident(request))]


class IntercomWebhookView(APIView):
    """POST /api/v1/intercom/{credential_id}/webhook/: Intercom tells of an admin's reply or a closed conversation."""

    authentication_classes: list = []  # X-Hub-Signature authenticates each notification; no session, so no CSRF
    permission_classes = [AllowAny]
    throttle_classes = [IntercomThrottle]

    @extend_schema(
        operation_id="v1_intercom_webhook",
        request={"application/json": OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter(
                "X-Hub-Signature",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="sha1= the HMAC-SHA1 (hex) of the body with the Intercom app's client secret",
            ),
        ],  # fmt: skip
        responses={200: NotificationReceipt},
        auth=[],
    )
    def post(self, request, credential_id: int):
        """Verify the signature (401, nothing done, when it fails), then deliver the admin's reply or the close."""
        get_object_or_404(Credential, pk=credential_id, kind__in=KINDS)
        body = capped_body(request, "a notification may be")
        if isinstance(body, Response):
            return body
        receipt = intercom_bridge.receive(credential_id, request.headers, body)
        return Response(receipt.as_dict())
