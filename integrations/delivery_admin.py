"""Admin for outbound webhook deliveries: a read-only log, and a "Redeliver" action that sends one again."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from . import redelivery
from .models import OutboundDelivery
from .webhooks import deliveries

MAX_REDELIVER = 50  # each one is a live HTTP request made while the admin waits
DETAIL_FIELDS = (
    "webhook_id",
    "platform",
    "url",
    "status",
    "response_status",
    "attempts",
    "latency",
    "error",
    "response_excerpt",
    "payload_json",
    "credential",
    "run_id",
    "flow_id",
    "node_id",
    "redelivery_of",
    "created_at",
)


@admin.register(OutboundDelivery)
class OutboundDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "short_url",
        "platform",
        "status",
        "response_status",
        "attempts",
        "latency",
        "created_at",
        "redelivery_of",
    ]
    list_filter = ["platform", "status", "created_at"]
    search_fields = ["webhook_id", "url", "flow_id", "node_id"]
    date_hierarchy = "created_at"
    actions = ["redeliver"]
    fields = DETAIL_FIELDS
    readonly_fields = DETAIL_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboundDelivery | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboundDelivery | None = None) -> bool:
        return False  # the log is an audit trail

    @admin.display(description="URL", ordering="url")
    def short_url(self, obj: OutboundDelivery) -> str:
        return obj.url if len(obj.url) <= 70 else obj.url[:67] + "…"

    @admin.display(description="Latency", ordering="latency_ms")
    def latency(self, obj: OutboundDelivery) -> str:
        return "—" if obj.latency_ms is None else f"{obj.latency_ms:.0f} ms"

    @admin.display(description="Payload")
    def payload_json(self, obj: OutboundDelivery) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, ensure_ascii=False))

    def has_redeliver_permission(self, request: HttpRequest) -> bool:
        # It sends to outside services again: the Admin role's (viewing the log is not enough).
        return request.user.has_perm("integrations.change_outbounddelivery")

    @admin.action(description="Redeliver (same webhook id)", permissions=["redeliver"])
    def redeliver(self, request: HttpRequest, queryset: QuerySet[OutboundDelivery]) -> None:
        chosen = list(queryset.order_by("created_at", "id")[: MAX_REDELIVER + 1])
        if len(chosen) > MAX_REDELIVER:
            self.message_user(request, f"Choose at most {MAX_REDELIVER} deliveries at a time.", messages.ERROR)
            return
        for original in chosen:
            again = redelivery.redeliver(original.pk)
            where = f"{deliveries.PLATFORMS.get(again.platform, again.platform)} ({again.webhook_id})"
            if again.status == OutboundDelivery.Status.DELIVERED:
                self.message_user(request, f"Redelivered to {where}: HTTP {again.response_status}.", messages.SUCCESS)
            else:
                self.message_user(request, f"Redelivery to {where} failed: {again.error}", messages.ERROR)
