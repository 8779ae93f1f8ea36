"""The agent inbox API: conversations handed to a person, claimed, answered, handed back or closed."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from flows import handoff
from flows.models import Conversation, Handoff, Message, Run

from .serializers import ErrorSerializer

ANSWER = "flows.answer_conversation"
REFUSED = OpenApiResponse(
    ErrorSerializer,
    description="Not handed off (not_handed_off), held by another agent (already_claimed), not yours to act on "
    "(not_claimed_by_you)",
)
STATUSES = {"waiting": Handoff.WAITING, "agent": Handoff.AGENT, "done": Handoff.DONE}


class InboxConversationSerializer(serializers.ModelSerializer):
    flow_name = serializers.CharField(source="flow.name", read_only=True)
    status = serializers.CharField(source="handoff_status", help_text="waiting, agent or done")
    reason = serializers.CharField(source="handoff_reason")
    team = serializers.CharField(source="handoff_team")
    priority = serializers.CharField(source="handoff_priority")
    requested_at = serializers.DateTimeField(source="handoff_requested_at", allow_null=True)
    claimed_at = serializers.DateTimeField(source="handoff_claimed_at", allow_null=True)
    agent_name = serializers.CharField(source="handoff_agent_name")
    claimed_by_me = serializers.SerializerMethodField()
    route = serializers.SerializerMethodField(help_text="Where the handoff step routed it: inbox, intercom or email")
    waiting_s = serializers.SerializerMethodField(help_text="Seconds since the handoff was asked for")

    class Meta:
        model = Conversation
        fields = [
            "id",
            "flow",
            "flow_name",
            "channel",
            "status",
            "reason",
            "team",
            "priority",
            "requested_at",
            "claimed_at",
            "agent_name",
            "claimed_by_me",
            "route",
            "waiting_s",
        ]

    def get_claimed_by_me(self, obj: Conversation) -> bool:
        request = self.context.get("request")
        return bool(request and obj.handoff_agent_id == request.user.pk)

    def get_route(self, obj: Conversation) -> str:
        return obj.handoff_route or "inbox"  # handed off before the step had route_to

    def get_waiting_s(self, obj: Conversation) -> float:
        if obj.handoff_requested_at is None:
            return 0.0
        return round((timezone.now() - obj.handoff_requested_at).total_seconds(), 1)


class InboxMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="customer, bot, agent or note")
    text = serializers.CharField()
    author = serializers.CharField(help_text="The agent's shown name (agent messages and notes)")
    created_at = serializers.DateTimeField()


class InboxDetailSerializer(InboxConversationSerializer):
    variables = serializers.JSONField()
    messages = serializers.SerializerMethodField()

    class Meta(InboxConversationSerializer.Meta):
        fields = [*InboxConversationSerializer.Meta.fields, "variables", "messages"]

    @extend_schema_field(InboxMessageSerializer(many=True))
    def get_messages(self, obj: Conversation) -> list[dict]:
        return transcript(obj)


class AgentMessageSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)
    note = serializers.BooleanField(default=False, help_text="An internal note: kept for agents, never sent")


class ClaimSerializer(serializers.Serializer):
    display_name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="The name the customer sees; default: yours"
    )


class ReleaseSerializer(serializers.Serializer):
    variables = serializers.DictField(required=False, help_text="Variables to set before the bot goes on")


def transcript(conversation: Conversation) -> list[dict]:
    """What the agent reads: the customer's and the bot's messages, the agents' replies and notes, in time order."""
    unsaid = [Run.Trigger.HOOK, Run.Trigger.TIMER]
    rows: list[dict] = []
    for m in conversation.messages.exclude(triggered__trigger__in=unsaid).order_by("id"):
        agent = (m.payload or {}).get("agent") if isinstance(m.payload, dict) else None
        kind = "customer" if m.direction == Message.Direction.IN else "agent" if agent else "bot"
        rows.append(
            {"id": m.pk, "kind": kind, "text": m.text, "author": (agent or {}).get("name", ""), "at": m.created_at}
        )
    for n in conversation.handoff_notes.select_related("author"):
        author = n.author.get_full_name() or n.author.get_username() if n.author else ""
        rows.append({"id": n.pk, "kind": "note", "text": n.text, "author": author, "at": n.created_at})
    rows.sort(key=lambda r: r["at"])
    return [{**{k: v for k, v in r.items() if k != "at"}, "created_at": r["at"]} for r in rows]


def _detail(request, conversation_id) -> Response:
    conversation = get_object_or_404(Conversation.objects.select_related("flow"), pk=conversation_id)
    return Response(InboxDetailSerializer(conversation, context={"request": request}).data)


class InboxListView(APIView):
    required_permissions = {"get": ANSWER}

    @extend_schema(
        parameters=[
            OpenApiParameter("flow", {"type": "integer", "minimum": 0}, description="Only this flow's"),
            OpenApiParameter("team", str, description="Only this team's, whatever its case (teams: /api/v1/teams/)"),
            OpenApiParameter(
                "status", str, enum=["waiting", "agent", "done"], description="Default: waiting and agent"
            ),
        ],
        responses=InboxConversationSerializer(many=True),
    )
    def get(self, request):
        """Conversations handed to a person, the longest waiting first."""
        rows = Conversation.objects.select_related("flow").exclude(handoff_status="")
        wanted = request.query_params.get("status", "")
        if wanted:
            if wanted not in STATUSES:
                raise serializers.ValidationError({"status": ["One of waiting, agent, done."]})
            rows = rows.filter(handoff_status=STATUSES[wanted])
        else:
            rows = rows.filter(Q(handoff_status=Handoff.WAITING) | Q(handoff_status=Handoff.AGENT))
        flow = request.query_params.get("flow", "")
        if flow:
            if not (flow.isascii() and flow.isdigit()):  # "²" is a digit to Python, not a flow id
                raise serializers.ValidationError({"flow": ["A flow id (a whole number)."]})
            rows = rows.filter(flow_id=int(flow))
        if request.query_params.get("team"):
            # Team names are one whatever their case (flows.models.Team): "billing" finds the team "Billing".
            rows = rows.filter(handoff_team__iexact=request.query_params["team"])
        rows = rows.order_by("handoff_requested_at")[:500]
        return Response(InboxConversationSerializer(rows, many=True, context={"request": request}).data)


class ClaimView(APIView):
    required_permissions = {"post": ANSWER}

    @extend_schema(request=ClaimSerializer, responses={200: InboxDetailSerializer, 409: REFUSED})
    def post(self, request, conversation_id):
        """Take the conversation: only one agent holds it; a second claim is refused (409 already_claimed)."""
        body = ClaimSerializer(data=request.data or {})
        body.is_valid(raise_exception=True)
        handoff.claim(conversation_id, request.user, body.validated_data.get("display_name", ""))
        return _detail(request, conversation_id)


class AgentMessagesView(APIView):
    required_permissions = {"get": ANSWER, "post": ANSWER}

    @extend_schema(responses=InboxDetailSerializer)
    def get(self, request, conversation_id):
        """The conversation as the agent sees it: transcript with notes, and its variables."""
        return _detail(request, conversation_id)

    @extend_schema(request=AgentMessageSerializer, responses={201: InboxDetailSerializer, 409: REFUSED})
    def post(self, request, conversation_id):
        """The holder's reply to the customer, or with note=true an internal note (never sent)."""
        body = AgentMessageSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        handoff.reply(conversation_id, request.user, body.validated_data["text"], note=body.validated_data["note"])
        response = _detail(request, conversation_id)
        response.status_code = status.HTTP_201_CREATED
        return response


class ReleaseView(APIView):
    required_permissions = {"post": ANSWER}

    @extend_schema(request=ReleaseSerializer, responses={202: InboxDetailSerializer, 409: REFUSED})
    def post(self, request, conversation_id):
        """Hand back to the bot: the flow goes on at the handoff's `resolved` output, with these variables set."""
        body = ReleaseSerializer(data=request.data or {})
        body.is_valid(raise_exception=True)
        handoff.finish(conversation_id, request.user, "resolved", body.validated_data.get("variables"))
        response = _detail(request, conversation_id)
        response.status_code = status.HTTP_202_ACCEPTED
        return response


class CloseView(APIView):
    required_permissions = {"post": ANSWER}

    @extend_schema(request=None, responses={202: InboxDetailSerializer, 409: REFUSED})
    def post(self, request, conversation_id):
        """Close it: the flow goes on at the handoff's `closed` output."""
        handoff.finish(conversation_id, request.user, "closed")
        response = _detail(request, conversation_id)
        response.status_code = status.HTTP_202_ACCEPTED
        return response
