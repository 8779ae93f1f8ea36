"""Serializers for the builder and chat APIs (their shapes are the public contract in DESIGN.md)."""

import contextlib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from flows import spec
from flows.actions import EXPORT_FORMAT, unique_slug
from flows.graph import MAX_EDGES, MAX_NODES, SPEC_VERSION
from flows.models import Conversation, Flow, FlowVersion, Message, Run, Step, Timer
from nodes.registry import registry


class StrictText:
    """Refuses a JSON number or object where the schema says string: DRF would store 42 as "42" (a mixin for the
    builder's serializers; the chat API's own checks are in chat.py)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {
                name: ["Not a valid string."]
                for name, field in self.fields.items()  # type: ignore[attr-defined]
                if not field.read_only and name in data and not _is_text(field, data[name])
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


def _is_text(field: serializers.Field, value: Any) -> bool:
    if value is None or isinstance(field, serializers.ChoiceField):
        return True  # null is the field's own check; a choice is compared as it is
    if isinstance(field, serializers.CharField):
        return isinstance(value, str)
    if isinstance(field, serializers.ListField) and isinstance(field.child, serializers.CharField):
        return not isinstance(value, list) or all(isinstance(item, str) for item in value)
    return True


class ProblemSerializer(serializers.Serializer):
    node_id = serializers.CharField(allow_null=True)
    edge_id = serializers.CharField(allow_null=True)
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    severity = serializers.ChoiceField(choices=["error", "warning"])


# Every API error: {"error": {"code", "message", ...}} (built inline: "fields" is a key of the body, and a
# Serializer attribute of that name would shadow Serializer.fields).
ErrorSerializer = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorDetail",
            {
                "code": serializers.CharField(
                    help_text="Stable for clients, e.g. graph_has_problems, invalid_import, not_found"
                ),
                "message": serializers.CharField(help_text="A sentence to show the user"),
                "problems": ProblemSerializer(many=True, required=False, help_text="When the graph has problems"),
                "fields": serializers.DictField(required=False, help_text="Per-field messages of an invalid request"),
                "retry_after_s": serializers.FloatField(required=False, help_text="When throttled: seconds to wait"),
            },
        )
    },
)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {},
        "description": "React Flow's shape: {nodes, edges, settings?}. Anything else in it is reported as problems.",
        "properties": {
            "nodes": {"type": "array", "items": {"type": "object", "additionalProperties": {}}, "maxItems": MAX_NODES},
            "edges": {"type": "array", "items": {"type": "object", "additionalProperties": {}}, "maxItems": MAX_EDGES},
            "settings": {"type": "object", "additionalProperties": {}},
        },
    }
)
class GraphField(serializers.JSONField):
    """A flow's graph: refused (400 invalid_graph) unless an object with node and edge lists (flows.graph); a stored
    one is shown as the canvas reads it, brought to this version's spec and node versions (flows/spec.py)."""

    def to_representation(self, value):
        if isinstance(value, dict):
            with contextlib.suppress(spec.TooNew):  # shown as stored; its problems say it is too new
                value = spec.upgrade(value, registry())
        return super().to_representation(value)


class FlowSerializer(StrictText, serializers.ModelSerializer):
    # Declared here, so the model field's uniqueness must be restated (else a taken slug is a 500).
    slug = serializers.SlugField(
        max_length=100, required=False, validators=[UniqueValidator(queryset=Flow.objects.all())]
    )
    graph = GraphField(required=False)
    problems = ProblemSerializer(many=True, read_only=True)
    owner = serializers.SerializerMethodField(help_text="Who created the flow; null when that user was deleted")
    published_version = serializers.SerializerMethodField()
    revision = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text='Counts the draft\'s saves. Send the revision you edited (or the header If-Match: "<revision>"): '
        "if the draft was saved since, the save is refused with 409 conflict and nothing changes.",
    )

    class Meta:
        model = Flow
        fields = [
            "id", "name", "slug", "graph", "problems", "owner", "published_version", "revision", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "problems", "owner", "created_at", "updated_at"]

    def get_owner(self, flow: Flow) -> str | None:
        # A method, not source="owner.username": that field is left out of a PATCH's answer when there is no owner.
        return flow.owner.username if flow.owner_id else None

    def get_published_version(self, flow: Flow) -> int | None:
        return getattr(flow, "latest_version", None) or (v.number if (v := flow.published_version) else None)

    def validate(self, attrs):
        if self.instance is None and not attrs.get("slug"):
            attrs["slug"] = unique_slug(attrs.get("name", ""))
        return attrs


class FlowListSerializer(FlowSerializer):
    class Meta(FlowSerializer.Meta):
        fields = [
            "id",
            "name",
            "slug",
            "problems",
            "owner",
            "published_version",
            "revision",
            "created_at",
            "updated_at",
        ]


class ValidateSerializer(StrictText, serializers.Serializer):
    graph = GraphField()


class VersionSerializer(serializers.ModelSerializer):
    published_by = serializers.CharField(source="published_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = FlowVersion
        fields = ["number", "published_by", "published_at", "note"]


class PublishSerializer(StrictText, serializers.Serializer):
    note = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", help_text="What changed, shown with the version"
    )


class VersionDetailSerializer(VersionSerializer):
    graph = GraphField()

    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "graph"]


class StepSerializer(serializers.ModelSerializer):
    def to_representation(self, instance):
        data = super().to_representation(instance)
        batch = data["output"].get("batch") if isinstance(data.get("output"), dict) else None
        if isinstance(batch, dict) and isinstance(batch.get("id"), int):
            # A bulk email's progress changes after the step ended: show it as it is now, with where to see each result.
            from integrations.email_batches import progress

            now = progress([batch["id"]]).get(batch["id"])
            data["output"] = {
                **data["output"],
                "batch": {**batch, **(now or {}), "url": f"/api/v1/email-batches/{batch['id']}/"},
            }
        return data

    class Meta:
        model = Step
        fields = [
            "seq",
            "node_id",
            "node_type",
            "status",
            "started_at",
            "duration_ms",
            "input",
            "output",
            "error",
            "handle",
        ]


class RunSerializer(serializers.ModelSerializer):
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = Run
        fields = [
            "id",
            "trigger",
            "status",
            "queued_at",
            "started_at",
            "finished_at",
            "duration_ms",
            "error",
            "inbound",
            "steps",
        ]


class PendingTimerSerializer(serializers.ModelSerializer):
    """A timer that has not fired (its last time) yet: a wait's or a question's wake-up, or a named timer."""

    repeats = serializers.SerializerMethodField()

    class Meta:
        model = Timer
        fields = ["id", "kind", "name", "node_id", "due_at", "fired_count", "repeats"]

    def get_repeats(self, timer: Timer) -> bool:
        return bool((timer.payload or {}).get("every_s"))


class ConversationSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", help_text="0 for a preview of a draft")
    preview = serializers.BooleanField(source="version.is_preview", read_only=True)
    awaiting = serializers.JSONField(read_only=True, help_text="What the bot waits for (wake_at: when a wait ends).")
    timers = PendingTimerSerializer(
        source="pending_timers", many=True, read_only=True, help_text="Pending timers, soonest first."
    )

    class Meta:
        model = Conversation
        fields = [
            "id",
            "version",
            "preview",
            "channel",
            "external_user_id",
            "status",
            "waiting_node",
            "awaiting",
            "timers",
            "variables",
            "created_at",
            "updated_at",
        ]


class FlowDocumentSerializer(serializers.Serializer):
    """A flow as a portable file: what export returns and import takes."""

    format = serializers.ChoiceField(choices=[EXPORT_FORMAT])
    spec_version = serializers.IntegerField(min_value=1, max_value=SPEC_VERSION)
    name = serializers.CharField(help_text="The new flow's name (its first 200 characters)")
    graph = GraphField()


# Chat API (public).


class StartSerializer(serializers.Serializer):
    external_user_id = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    channel = serializers.RegexField(r"^[a-z0-9_-]{1,40}$", required=False, default="api")
    variables = serializers.DictField(required=False, default=dict, help_text="Initial variables, e.g. the user's name")

    def validate_variables(self, value):
        import json

        if len(value) > 50 or len(json.dumps(value)) > 10_000:
            raise serializers.ValidationError("At most 50 variables and 10,000 characters of JSON.")
        return value


class StrictCharField(serializers.CharField):
    """A CharField that takes only a JSON string: `42` or `true` is refused, not turned into "42"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class PostMessageSerializer(serializers.Serializer):
    text = StrictCharField(max_length=settings.CHAT_MAX_TEXT, trim_whitespace=False)
    client_message_id = serializers.CharField(max_length=100, required=False, allow_null=True, allow_blank=True)

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.")
        return value


class ChatMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    choices = serializers.ListField(child=serializers.DictField(), allow_null=True)


class InputSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="text, number, email, phone, date, choice; webhook or wait: no answer asked")
    choices = serializers.ListField(child=serializers.DictField(), allow_null=True)
    node_id = serializers.CharField()
    wake_at = serializers.CharField(
        required=False, help_text="ISO date-time: when the wait ends, or when a question reminds or times out"
    )


class ReplySerializer(serializers.Serializer):
    run_id = serializers.UUIDField()
    run_status = serializers.CharField(help_text="queued while the worker has not answered yet (HTTP 202)")
    status = serializers.CharField(help_text="the conversation: active, ended, failed, or pending")
    messages = ChatMessageSerializer(many=True)
    input = InputSerializer(allow_null=True)


class StartReplySerializer(ReplySerializer):
    id = serializers.UUIDField()
    token = serializers.CharField(help_text="Bearer token for this conversation; shown once")


class TranscriptMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = [
            "id",
            "direction",
            "text",
            "choices",
            "client_message_id",
            "delivery_status",
            "error_code",
            "created_at",
        ]
        extra_kwargs = {
            "delivery_status": {
                "help_text": "Through an SMS/WhatsApp channel: queued, sent, delivered, undelivered, "
                "failed (suppressed: the number opted out); blank for the web chat"
            },
            "error_code": {"help_text": "The provider's error code when it failed (Twilio's 21211, 30003, ...)"},
        }


class TranscriptSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    input = InputSerializer(allow_null=True)
    messages = TranscriptMessageSerializer(many=True)


class PreviewReplySerializer(StartReplySerializer):
    """A preview conversation: chat on with the public chat API and this token."""
