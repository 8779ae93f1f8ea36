"""`/api/v1/credentials/` for the canvas: the credentials a node may pick (id, name, kind, check status), no secret."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from . import kinds
from .models import Credential


class CredentialSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField(help_text="The kind as people call it, such as “API connection”.")

    class Meta:
        model = Credential
        fields = ["id", "name", "kind", "kind_label", "check_status", "checked_at"]
        read_only_fields = fields

    def get_kind_label(self, obj: Credential) -> str:
        return kinds.label(obj.kind)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "kind",
            str,
            description="Only credentials of these kinds (comma-separated), as a node's x-credential-kinds says.",
        )
    ],
)
class CredentialListView(generics.ListAPIView):
    """The credentials a flow may use, by name and kind; settings and secrets stay in admin."""

    # Names and kinds only, for the node forms: whoever may see flows (the permission named as a string, so
    # integrations imports nothing of flows; the roles are in flows/roles.py).
    required_permissions = {"get": "flows.view_flow"}
    serializer_class = CredentialSerializer
    pagination_class = None

    def get_queryset(self):
        queryset = Credential.objects.only("id", "name", "kind", "check_status", "checked_at").order_by("name", "pk")
        wanted = [k.strip() for k in self.request.query_params.get("kind", "").split(",") if k.strip()]
        return queryset.filter(kind__in=wanted) if wanted else queryset
