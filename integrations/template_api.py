"""`/api/v1/integration-templates/` for the canvas: the catalog (shipped and admins' own) with each parameter form."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from . import catalog, kinds
from .catalog.spec import TemplateSpec


class TemplateCredentialSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="The credential kind the template needs (the node's picker lists these).")
    kind_label = serializers.CharField()
    help = serializers.CharField(help_text="What credential to create, in a sentence.")
    add_url = serializers.CharField(help_text="Django admin's add form for this kind, pre-filled from the template.")


class TemplateRequestSerializer(serializers.Serializer):
    method = serializers.CharField()
    url = serializers.CharField(help_text="A template; relative to the credential's base URL when it has one.")


class IntegrationTemplateSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    icon = serializers.CharField()
    origin = serializers.ChoiceField(choices=["shipped", "custom"], help_text="Shipped with the app, or an admin's.")
    reference = serializers.CharField(help_text="The service's API reference the recipe follows.")
    credential = TemplateCredentialSerializer(allow_null=True)
    parameters = serializers.JSONField(help_text="A JSON Schema object: the form of the node's params.")
    request = TemplateRequestSerializer()
    outputs = serializers.ListField(
        child=serializers.CharField(), help_text="The variables the template's response mapping sets."
    )


def _credential(spec: TemplateSpec) -> dict[str, Any] | None:
    if spec.credential is None:
        return None
    query = {"kind": spec.credential.kind, "name": spec.name.split(":")[0].strip(), **spec.credential.settings}
    return {
        "kind": spec.credential.kind,
        "kind_label": kinds.label(spec.credential.kind),
        "help": spec.credential.help,
        "add_url": reverse("admin:integrations_credential_add") + "?" + urlencode(query),
    }


def describe(spec: TemplateSpec) -> dict[str, Any]:
    return {
        "key": spec.key,
        "name": spec.name,
        "description": spec.description,
        "icon": spec.icon,
        "origin": spec.source,
        "reference": spec.reference,
        "credential": _credential(spec),
        "parameters": spec.parameters,
        "request": {"method": spec.request.method, "url": spec.request.url},
        "outputs": [rule.variable for rule in spec.response.mapping],
    }


@extend_schema(summary="The integration templates a `template` node can use")
class IntegrationTemplateListView(generics.GenericAPIView):
    """Shipped and custom templates, by name, with the JSON Schema of their parameters; never a secret."""

    required_permissions = {"get": "flows.view_flow"}  # as for credentials (integrations/api.py)
    serializer_class = IntegrationTemplateSerializer
    pagination_class = None

    @extend_schema(responses=IntegrationTemplateSerializer(many=True))
    def get(self, request: Any) -> Any:
        from rest_framework.response import Response

        data = [describe(spec) for spec in catalog.all_templates()]
        return Response(self.get_serializer(data, many=True).data)
