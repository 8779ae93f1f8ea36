"""Outbound webhook deliveries (Zapier, Make, Pabbly, ...): one row per delivery, kept for audit and redelivery."""

from django.db import models


class OutboundDelivery(models.Model):
    class Status(models.TextChoices):
        DELIVERED = "delivered"
        FAILED = "failed"

    webhook_id = models.CharField(max_length=64, db_index=True, help_text="Standard Webhooks id, reused on retries.")
    platform = models.CharField(max_length=20, help_text="zapier, make, pabbly, ...")
    url = models.URLField(max_length=2000)
    payload = models.JSONField(help_text="The JSON body sent (secrets redacted).")
    # jsonb (PostgreSQL) reorders keys, so the exact text is kept too: a redelivery must send the same bytes.
    body = models.TextField(blank=True, help_text="The exact JSON text sent (secrets redacted).")
    credential = models.ForeignKey(
        "integrations.Credential", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    latency_ms = models.FloatField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    error = models.TextField(blank=True)
    run_id = models.UUIDField(null=True, blank=True, db_index=True)
    flow_id = models.CharField(max_length=40, blank=True)
    node_id = models.CharField(max_length=100, blank=True)
    redelivery_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "outbound deliveries"

    def __str__(self) -> str:
        return f"{self.platform} {self.url} ({self.status})"
