"""Django admin: flows and versions; conversations with their messages; runs (read-only) with their steps."""

from django.contrib import admin

from .models import Conversation, Flow, FlowVersion, Message, Run, Step


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class VersionInline(ReadOnlyMixin, admin.TabularInline):
    model = FlowVersion
    fields = ["number", "published_by", "published_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(Flow)
class FlowAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "owner", "updated_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["problems", "created_at", "updated_at"]
    inlines = [VersionInline]


@admin.register(FlowVersion)
class FlowVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["flow", "number", "published_by", "published_at"]
    list_filter = ["flow"]


class MessageInline(ReadOnlyMixin, admin.TabularInline):
    model = Message
    fields = ["created_at", "direction", "text", "choices", "client_message_id", "run"]
    readonly_fields = fields
    extra = 0


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["id", "flow", "version", "channel", "external_user_id", "status", "updated_at"]
    list_filter = ["status", "flow", "channel"]
    search_fields = ["id", "external_user_id"]
    readonly_fields = ["id", "flow", "version", "waiting_node", "awaiting", "created_at", "updated_at"]
    exclude = ["token_hash"]
    inlines = [MessageInline]

    def has_add_permission(self, request):
        # A conversation starts through the chat API (which makes its token); a form here could only fail.
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "conversation", "direction", "text", "created_at"]
    list_filter = ["direction"]
    search_fields = ["text", "client_message_id"]


class StepInline(ReadOnlyMixin, admin.TabularInline):
    model = Step
    fields = ["seq", "node_id", "node_type", "status", "duration_ms", "handle", "input", "output", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Run)
class RunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "flow", "conversation", "trigger", "status", "queued_at", "duration_ms"]
    list_filter = ["status", "flow", "trigger"]
    search_fields = ["id", "conversation__id"]
    inlines = [StepInline]


@admin.register(Step)
class StepAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["run", "seq", "node_id", "node_type", "status", "duration_ms"]
    list_filter = ["status", "node_type"]
