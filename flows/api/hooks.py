"""Incoming hooks: the public catch URL outside services post to, and the builder's list of a flow's hooks."""

from __future__ import annotations

import jmespath
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from jmespath.exceptions import JMESPathError
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from flows import hooks
from flows.models import Flow, Hook
from integrations.models import Credential
from nodes.base import VARIABLE_PATTERN

from .errors import capped_body, error_response
from .serializers import StrictText
from .throttles import ChatThrottle

ReceiptSerializer = inline_serializer(
    "HookReceipt",
    {
        "outcome": serializers.ChoiceField(choices=["started", "resumed", "ignored"]),
        "delivery_id": serializers.CharField(),
        "conversation_id": serializers.UUIDField(allow_null=True),
        "detail": serializers.CharField(),
        "duplicate": serializers.BooleanField(help_text="Seen before: nothing was done this time"),
    },
)


class HookThrottle(ChatThrottle):
    """Per catch URL (Zapier and Make post from addresses many customers share) and per sending address."""

    def scopes(self, request, view) -> list[tuple[str, str]]:
        target = f"{view.kwargs.get('flow_slug')}/{view.kwargs.get('key')}"
        return [("hook", target), ("hook_ip", self.get_ident(request))]


class CatchView(APIView):
    """POST /api/v1/hooks/{flow_slug}/{key}/: an outside service starts or resumes a conversation."""

    authentication_classes: list = []  # the hook authenticates each delivery itself; no session, so no CSRF
    permission_classes = [AllowAny]
    throttle_classes = [HookThrottle]

    @extend_schema(
        operation_id="v1_hooks_deliver",
        request={"application/json": OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter("webhook-id", str, OpenApiParameter.HEADER, description="Standard Webhooks id"),
            OpenApiParameter("webhook-timestamp", str, OpenApiParameter.HEADER),
            OpenApiParameter("webhook-signature", str, OpenApiParameter.HEADER),
            OpenApiParameter("X-Hook-Token", str, OpenApiParameter.HEADER, description="Token auth (or Bearer)"),
        ],
        responses={
            202: ReceiptSerializer,
            200: OpenApiResponse(ReceiptSerializer, description="A delivery id seen before: nothing was done"),
        },
        auth=[],
    )
    def post(self, request, flow_slug: str, key: str):
        """Start a conversation (or resume the one waiting) with the posted JSON; each delivery id acts once."""
        hook = hooks.find(flow_slug, key)
        if hook is None:
            return error_response(
                "hook_not_found", f"No enabled hook {key!r} on a flow {flow_slug!r}.", status.HTTP_404_NOT_FOUND
            )
        body = capped_body(request, "a hook accepts")
        if isinstance(body, Response):
            return body
        receipt = hooks.receive(hook, request.headers, body)
        code = status.HTTP_200_OK if receipt.duplicate else status.HTTP_202_ACCEPTED
        return Response(receipt.as_dict(), status=code)


# Builder (editors).


class HookSerializer(StrictText, serializers.ModelSerializer):
    key = serializers.SlugField(max_length=60, required=False, help_text="Part of the catch URL; made from 'hook'")
    credential = serializers.PrimaryKeyRelatedField(
        queryset=Credential.objects.filter(kind=hooks.CREDENTIAL_KIND),
        help_text="A webhook-secret credential (its signing secrets or token; never shown here)",
    )
    credential_name = serializers.CharField(source="credential.name", read_only=True)
    variable = serializers.RegexField(VARIABLE_PATTERN, max_length=64, required=False)
    url = serializers.SerializerMethodField(help_text="The full catch URL to paste into Zapier, Make or Pabbly")

    class Meta:
        model = Hook
        fields = [
            "id",
            "key",
            "url",
            "action",
            "auth",
            "credential",
            "credential_name",
            "external_id_path",
            "variable",
            "enabled",
            "created_at",
        ]
        read_only_fields = ["id", "url", "credential_name", "created_at"]

    def get_url(self, hook: Hook) -> str:
        path = reverse("hook-catch", kwargs={"flow_slug": hook.flow.slug, "key": hook.key})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def validate_external_id_path(self, value: str) -> str:
        value = value.strip()
        if value:
            try:
                jmespath.compile(value)
            except JMESPathError as exc:
                raise serializers.ValidationError(f"Not a valid JMESPath expression: {exc}") from None
        return value

    def validate(self, attrs):
        flow: Flow = self.context["flow"]
        action = attrs.get("action", getattr(self.instance, "action", Hook.Action.START))
        path = attrs.get("external_id_path", getattr(self.instance, "external_id_path", ""))
        if action == Hook.Action.RESUME and not path:
            raise serializers.ValidationError(
                {"external_id_path": "A resume hook needs the path to the external id in the posted JSON."}
            )
        others = Hook.objects.filter(flow=flow)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if "key" in attrs:
            if others.filter(key=attrs["key"]).exists():
                raise serializers.ValidationError({"key": f"This flow already has a hook {attrs['key']!r}."})
        elif self.instance is None:
            attrs["key"] = _free_key(others, "hook")
        return attrs


def _free_key(hooks_qs, base: str) -> str:
    taken = set(hooks_qs.values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


class FlowHooksViewSet(viewsets.ModelViewSet):
    """A flow's incoming hooks: catch URLs, what each does, and which credential verifies it (never its secrets)."""

    serializer_class = HookSerializer
    lookup_value_regex = r"\d+"
    required_permissions = {
        "list": "flows.view_hook",
        "retrieve": "flows.view_hook",
        "create": "flows.add_hook",
        "update": "flows.change_hook",
        "partial_update": "flows.change_hook",
        "destroy": "flows.delete_hook",
    }

    def flow(self) -> Flow:
        if not hasattr(self, "_flow"):
            self._flow = get_object_or_404(Flow, pk=self.kwargs["flow_id"])
        return self._flow

    def get_queryset(self):
        return Hook.objects.filter(flow=self.flow()).select_related("flow", "credential").order_by("key")

    def get_serializer_context(self):
        context = dict(super().get_serializer_context())
        if "flow_id" in self.kwargs:  # absent while drf-spectacular builds the schema
            context["flow"] = self.flow()
        return context

    def perform_create(self, serializer):
        serializer.instance = hooks.save_hook(Hook(flow=self.flow(), **serializer.validated_data))

    def perform_update(self, serializer):
        hook = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(hook, name, value)
        hooks.save_hook(hook)

    def perform_destroy(self, instance):
        hooks.delete_hook(instance)
