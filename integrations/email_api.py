"""`/api/v1/email-batches/{id}/` for the builder: a bulk send's progress and each recipient's result (no bodies)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.generics import RetrieveAPIView

from .email_batches import item_result
from .models import EmailBatch


class EmailBatchSerializer(serializers.ModelSerializer):
    pending = serializers.SerializerMethodField()
    recipients = serializers.SerializerMethodField(help_text="Each recipient's status, message id, answer or error.")

    class Meta:
        model = EmailBatch
        fields = [
            "id", "run_id", "flow_id", "node_id", "status", "total", "sent", "failed", "pending", "sender", "subject",
            "created_at", "started_at", "finished_at", "recipients",
        ]  # fmt: skip
        read_only_fields = fields

    def get_pending(self, batch: EmailBatch) -> int:
        return max(0, batch.total - batch.sent - batch.failed)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_recipients(self, batch: EmailBatch) -> list[dict]:
        return [item_result(item) for item in batch.items.order_by("position")]


class EmailBatchView(RetrieveAPIView):
    """A bulk email batch (the email node's step output names its id)."""

    # A run's progress: whoever may read runs (named as a string, as in integrations/api.py).
    required_permissions = {"get": "flows.view_run"}
    serializer_class = EmailBatchSerializer
    queryset = EmailBatch.objects.all()
