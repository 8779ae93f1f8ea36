"""The channel's webhook: Twilio's signed form posts (inbound texts and status callbacks), answered with empty TwiML."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from flows.api.throttles import ChatThrottle
from flows.models import Channel

from . import KINDS, inbound

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class ChannelThrottle(ChatThrottle):
    """Per channel and per sending address, at the hooks' rates."""

    def scopes(self, request, view) -> list[tuple[str, str]]:
        return [("hook", f"channel/{view.kwargs.get('channel_id')}"), ("hook_ip", self.get_ident(request))]


def public_url(request) -> str:
    """The URL Twilio signed: as the proxy in front received it when TWILIO_TRUST_FORWARDED says one is trusted."""
    scheme, host = request.scheme, request.get_host()
    if settings.TWILIO_TRUST_FORWARDED:
        scheme = request.headers.get("X-Forwarded-Proto", scheme).split(",")[0].strip() or scheme
        host = request.headers.get("X-Forwarded-Host", host).split(",")[0].strip() or host
    return f"{scheme}://{host}{request.get_full_path()}"


class TwilioWebhookView(APIView):
    """POST /api/v1/channels/{channel_id}/twilio/: a text to the channel's number, or a delivery status."""

    authentication_classes: list = []  # Twilio's signature authenticates each post; no session, so no CSRF
    permission_classes = [AllowAny]
    throttle_classes = [ChannelThrottle]
    parser_classes = [FormParser]

    @extend_schema(
        operation_id="v1_channels_twilio",
        request={"application/x-www-form-urlencoded": OpenApiTypes.OBJECT},
        parameters=[OpenApiParameter("X-Twilio-Signature", str, OpenApiParameter.HEADER, required=True)],
        responses={200: OpenApiResponse(description="Empty TwiML: the reply goes out through the Messages API")},
        auth=[],
    )
    def post(self, request, channel_id):
        """Verify the signature (403 and nothing stored when it fails), then store the text; its turn runs later."""
        channel = get_object_or_404(Channel.objects.select_related("flow", "credential"), pk=channel_id, kind__in=KINDS)
        inbound.receive(channel, public_url(request), request.headers, request.POST.dict())
        return HttpResponse(EMPTY_TWIML, content_type="text/xml")
