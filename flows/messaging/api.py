"""The builder's channels of a flow: add a Twilio number, see its webhook URL, send a test message, remove it."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from flows.models import Channel, Flow
from integrations.models import Credential

from .twilio import CREDENTIAL_KIND, outbound

NUMBER = re.compile(r"^\+[1-9]\d{6,14}$")
SERVICE = re.compile(r"^MG[0-9a-fA-F]{32}$")


class ChannelSerializer(serializers.ModelSerializer):
    credential = serializers.PrimaryKeyRelatedField(
        queryset=Credential.objects.filter(kind=CREDENTIAL_KIND), help_text="A Twilio credential (never shown here)"
    )
    credential_name = serializers.CharField(source="credential.name", read_only=True)
    webhook_url = serializers.SerializerMethodField(help_text="Paste into the number's messaging webhook at Twilio")

    class Meta:
        model = Channel
        fields = ["id", "kind", "credential", "credential_name", "sender", "help_text", "webhook_url", "created_at"]
        read_only_fields = ["id", "credential_name", "webhook_url", "created_at"]

    def get_webhook_url(self, channel: Channel) -> str:
        path = reverse("channel-twilio", kwargs={"channel_id": channel.pk})
        if settings.PUBLIC_BASE_URL:  # the address Twilio reaches, when this server sits behind a proxy
            return settings.PUBLIC_BASE_URL.rstrip("/") + path
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def validate(self, attrs):
        kind, sender = attrs["kind"], attrs["sender"].strip().replace(" ", "")
        bare = sender.removeprefix("whatsapp:")
        if SERVICE.match(sender):
            attrs["sender"] = sender
        elif not NUMBER.match(bare):
            raise serializers.ValidationError(
                {"sender": "Give the number in E.164 form (+15551234567), or a Messaging Service SID (MG...)."}
            )
        else:
            attrs["sender"] = f"whatsapp:{bare}" if kind == Channel.Kind.TWILIO_WHATSAPP else bare
        return attrs


class ChannelTestMessageSerializer(serializers.Serializer):
    to = serializers.RegexField(NUMBER, help_text="The number to text, in E.164 form (+15551234567)")
    text = serializers.CharField(max_length=1600, required=False, default="A test message from your flow.")


TestResult = inline_serializer(
    "ChannelTestResult",
    {
        "status": serializers.CharField(help_text="Twilio's status (queued, ...) or failed"),
        "sid": serializers.CharField(),
        "error_code": serializers.CharField(help_text="Twilio's error code, such as 21211 (invalid number)"),
        "error": serializers.CharField(),
    },
)


class FlowChannelsViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """A flow's SMS and WhatsApp numbers: texts to them reach the flow's published version."""

    serializer_class = ChannelSerializer
    lookup_url_kwarg = "channel_id"
    required_permissions = {
        "list": "flows.view_channel",
        "create": "flows.add_channel",
        "destroy": "flows.delete_channel",
        "test": "flows.add_channel",
    }

    def flow(self) -> Flow:
        if not hasattr(self, "_flow"):
            self._flow = get_object_or_404(Flow, pk=self.kwargs["flow_id"])
        return self._flow

    def get_queryset(self):
        if "flow_id" not in self.kwargs:  # drf-spectacular building the schema
            return Channel.objects.none()
        return Channel.objects.filter(flow=self.flow()).select_related("credential").order_by("created_at")

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save(flow=self.flow())

    def perform_destroy(self, instance):
        with transaction.atomic():
            instance.delete()

    @extend_schema(request=ChannelTestMessageSerializer, responses={200: TestResult})
    @action(detail=True, methods=["post"])
    def test(self, request, flow_id=None, channel_id=None):
        """Send a text from the channel's number now; Twilio's answer (or its error code) in words."""
        channel = self.get_object()
        body = ChannelTestMessageSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sent = outbound.send(channel, body.validated_data["to"], body.validated_data["text"])
        return Response({"status": sent.status, "sid": sent.sid, "error_code": sent.error_code, "error": sent.error})
