"""Calendar bookings: one row per idempotency key, written before the provider is called and finished after."""

from django.db import models


class CalendarBooking(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"  # claimed: the provider is being (or was, before a crash) asked to create the event
        BOOKED = "booked"
        FAILED = "failed"
        CANCELLED = "cancelled"  # the event was cancelled by a flow: booking the same key again makes a new one

    key = models.CharField(max_length=64, unique=True, help_text="sha256 of the idempotency key.")
    credential = models.ForeignKey(
        "integrations.Credential", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider = models.CharField(max_length=40, help_text="The credential kind: caldav, microsoft_graph, ...")
    calendar_id = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    event_id = models.CharField(max_length=500, blank=True)
    event = models.JSONField(null=True, blank=True, help_text="The event as the flow saw it.")
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    flow_id = models.CharField(max_length=40, blank=True)
    conversation_id = models.CharField(max_length=40, blank=True)
    node_id = models.CharField(max_length=100, blank=True)
    run_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id or self.key[:12]} ({self.status})"
