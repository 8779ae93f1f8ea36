"""Admin for bulk email batches: progress (total / sent / failed) and each recipient's result, read-only."""

from django.contrib import admin
from django.http import HttpRequest

from .models import EmailBatch, EmailBatchItem


class EmailBatchItemInline(admin.TabularInline):
    model = EmailBatchItem
    fields = ("position", "email", "status", "message_id", "response", "error", "attempts", "sent_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["position"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(EmailBatch)
class EmailBatchAdmin(admin.ModelAdmin):
    list_display = ["id", "subject", "status", "total", "sent", "failed", "created_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["subject", "run_id", "items__email"]
    readonly_fields = [
        "run_id", "flow_id", "node_id", "credential", "sender", "subject", "status", "total", "sent", "failed",
        "timeout_s", "created_at", "started_at", "finished_at",
    ]  # fmt: skip
    exclude = ["key"]
    inlines = [EmailBatchItemInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
