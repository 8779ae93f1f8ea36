"""`/api/v1/teams/`: the agents' teams kept in admin, for the handoff step's suggestions and the inbox's filter."""

from __future__ import annotations

from rest_framework import generics, serializers

from flows.models import Team


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["name", "description"]
        read_only_fields = fields


class TeamListView(generics.ListAPIView):
    """The agents' teams by name (kept in admin): names a handoff step may use and the inbox may filter by."""

    # Every role reads them (builders name a team, agents filter by it); the Admin role changes them in admin.
    required_permissions = {"get": "flows.view_team"}
    serializer_class = TeamSerializer
    pagination_class = None
    queryset = Team.objects.order_by("name")
