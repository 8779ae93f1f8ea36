"""The chat widget's settings: editors read and change a flow's appearance and allowed websites; widgets read them."""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from flows import widget
from flows.models import Flow

from .chat import ChatView
from .errors import error_response
from .serializers import ErrorSerializer, StrictText

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class AppearanceSerializer(StrictText, serializers.Serializer):
    title = serializers.CharField(max_length=60, allow_blank=True, required=False, help_text="Blank: the flow's name")
    subtitle = serializers.CharField(max_length=120, allow_blank=True, required=False)
    accent = serializers.RegexField(_COLOUR, required=False, help_text="#rrggbb")
    position = serializers.ChoiceField(choices=widget.POSITIONS, required=False)
    launcher_icon = serializers.ChoiceField(choices=widget.ICONS, required=False)
    greeting = serializers.CharField(
        max_length=140, allow_blank=True, required=False, help_text="Teaser bubble beside the launcher; blank: none"
    )
    placeholder = serializers.CharField(max_length=80, allow_blank=True, required=False)
    theme = serializers.ChoiceField(choices=widget.THEMES, required=False)


# What flows.widget.normalize_origin accepts, as a pattern for clients (it also takes [IPv6] hosts).
ORIGIN_PATTERN = (
    r"^https?://(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*"
    r"(:[0-9]{1,4})?/?$"
)


@extend_schema_field({"type": "string", "maxLength": 300, "pattern": ORIGIN_PATTERN})
class OriginField(serializers.CharField):
    """A website origin (https://host[:port]), normalized by WidgetSettingsSerializer.validate_allowed_origins."""


class WidgetSettingsSerializer(AppearanceSerializer):
    allowed_origins = serializers.ListField(
        child=OriginField(max_length=300),
        max_length=50,
        required=False,
        help_text="Websites that may embed the chat (https://shop.example.com); empty: any",
    )
    avatar_url = serializers.CharField(read_only=True, allow_null=True)

    def validate_allowed_origins(self, value: list[str]) -> list[str]:
        try:
            return list(dict.fromkeys(widget.normalize_origin(v) for v in value if v.strip()))
        except widget.OriginError as exc:
            raise serializers.ValidationError(str(exc)) from exc


class PublicWidgetSerializer(AppearanceSerializer):
    flow = serializers.CharField(help_text="The flow's slug")
    avatar_url = serializers.CharField(allow_null=True)


def _avatar_url(flow: Flow) -> str | None:
    asset = widget.avatar(flow)
    if asset is None:
        return None
    # The digest in the address: a new avatar is a new URL, so the image itself may be cached for long.
    return reverse("chat-widget-avatar", args=[flow.slug]) + f"?v={asset.sha256[:12]}"


def _settings_body(flow: Flow) -> dict:
    settings = widget.settings_of(flow)
    return {
        **widget.appearance(flow, settings),
        "title": (settings.appearance or {}).get("title", ""),
        "allowed_origins": settings.allowed_origins or [],
        "avatar_url": _avatar_url(flow),
    }


class AppearanceView(APIView):
    """`/api/v1/flows/{id}/appearance/`: the widget's look and allowed websites; no publishing needed."""

    # A change is live at once on every site the bot is on (and the origins are a security setting): a publisher's.
    required_permissions = {"get": "flows.view_flow", "put": "flows.publish_flow"}

    @extend_schema(responses=WidgetSettingsSerializer)
    def get(self, request, flow_id: int):
        flow = get_object_or_404(Flow, pk=flow_id)
        return Response(WidgetSettingsSerializer(_settings_body(flow)).data)

    @extend_schema(request=WidgetSettingsSerializer, responses={200: WidgetSettingsSerializer, 400: ErrorSerializer})
    def put(self, request, flow_id: int):
        flow = get_object_or_404(Flow, pk=flow_id)
        serializer = WidgetSettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        origins = data.pop("allowed_origins", widget.settings_of(flow).allowed_origins or [])
        widget.save_settings(flow, appearance={**widget.settings_of(flow).appearance, **data}, allowed_origins=origins)
        return Response(WidgetSettingsSerializer(_settings_body(flow)).data)


AVATAR_UPLOAD = inline_serializer("AvatarUpload", {"file": serializers.FileField()})


class AvatarView(APIView):
    """`/api/v1/flows/{id}/appearance/avatar/`: upload the widget's avatar (a flow asset), or remove it."""

    required_permissions = {"post": "flows.publish_flow", "delete": "flows.publish_flow"}

    parser_classes = [MultiPartParser]

    @extend_schema(request=AVATAR_UPLOAD, responses={200: WidgetSettingsSerializer, 400: ErrorSerializer})
    def post(self, request, flow_id: int):
        flow = get_object_or_404(Flow, pk=flow_id)
        upload = request.FILES.get("file")
        if upload is None:
            return error_response("invalid", "Choose an image file to upload as 'file'.", status.HTTP_400_BAD_REQUEST)
        if upload.size > widget.AVATAR_MAX_BYTES:
            return error_response(
                "file_too_large",
                f"The avatar may be at most {widget.AVATAR_MAX_BYTES // 1024} KB; "
                f"this one is {upload.size // 1024} KB.",
                status.HTTP_400_BAD_REQUEST,
            )
        data = upload.read()
        kind = widget.image_type(data)
        if kind is None:
            return error_response(
                "invalid_image", "The avatar must be a PNG, JPEG, GIF or WebP image.", status.HTTP_400_BAD_REQUEST
            )
        widget.save_avatar(flow, data, upload.name or "avatar", kind)
        return Response(WidgetSettingsSerializer(_settings_body(flow)).data)

    @extend_schema(request=None, responses={200: WidgetSettingsSerializer})
    def delete(self, request, flow_id: int):
        flow = get_object_or_404(Flow, pk=flow_id)
        widget.delete_avatar(flow)
        return Response(WidgetSettingsSerializer(_settings_body(flow)).data)


def published_flow(slug: str) -> Flow | None:
    flow = Flow.objects.filter(slug=slug).first()
    return flow if flow is not None and flow.published_version is not None else None


class PublicWidgetView(ChatView):
    """`/api/v1/chat/{slug}/widget/`: what a widget shows before the first message (published flows only)."""

    @extend_schema(responses={200: PublicWidgetSerializer, 404: ErrorSerializer, 403: ErrorSerializer}, auth=[])
    def get(self, request, flow_slug: str):
        flow = published_flow(flow_slug)
        if flow is None:
            return error_response(
                "flow_not_found", f"No flow is published as {flow_slug!r}.", status.HTTP_404_NOT_FOUND
            )
        body = {**widget.appearance(flow), "flow": flow.slug, "avatar_url": _avatar_url(flow)}
        response = Response(PublicWidgetSerializer(body).data)
        response["Cache-Control"] = "no-cache"  # a change in the Share panel shows on the next page load
        return response


class AvatarImageView(ChatView):
    """`/api/v1/chat/{slug}/widget/avatar/`: the avatar image (its URL carries its digest, so it is cached long)."""

    @extend_schema(responses={(200, "image/*"): bytes}, auth=[])
    def get(self, request, flow_slug: str):
        flow = Flow.objects.filter(slug=flow_slug).first()  # the builder's preview shows it before publishing too
        asset = widget.avatar(flow) if flow else None
        if asset is None:
            return error_response("not_found", "This flow's widget has no avatar.", status.HTTP_404_NOT_FOUND)
        response = HttpResponse(bytes(asset.data), content_type=asset.content_type)
        response["Cache-Control"] = "public, max-age=31536000, immutable"
        response["X-Content-Type-Options"] = "nosniff"
        return response
