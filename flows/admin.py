"""Django admin: flows and versions; conversations with their messages; runs (read-only) with their steps; hooks."""

from django import forms
from django.contrib import admin
from django.urls import reverse

from .models import Conversation, Flow, FlowVersion, Hook, HookDelivery, Message, Run, Step


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


class HookForm(forms.ModelForm):
    class Meta:
        model = Hook
        fields = ["flow", "key", "action", "auth", "credential", "external_id_path", "variable", "enabled"]

    def clean(self):
        data = super().clean()
        if data.get("action") == Hook.Action.RESUME and not data.get("external_id_path"):
            self.add_error("external_id_path", "A resume hook needs the path to the external id in the posted JSON.")
        return data


@admin.register(Hook)
class HookAdmin(admin.ModelAdmin):
    form = HookForm
    list_display = ["__str__", "action", "auth", "credential", "enabled", "created_at"]
    list_filter = ["enabled", "action", "auth", "flow"]
    search_fields = ["key", "flow__slug", "flow__name"]
    readonly_fields = ["catch_url", "created_at"]

    @admin.display(description="Catch URL")
    def catch_url(self, hook: Hook) -> str:
        if not hook.pk:
            return "-"
        return reverse("hook-catch", kwargs={"flow_slug": hook.flow.slug, "key": hook.key})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "credential":
            from integrations.models import Credential

            from .hooks import CREDENTIAL_KIND

            kwargs["queryset"] = Credential.objects.filter(kind=CREDENTIAL_KIND)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(HookDelivery)
class HookDeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["hook", "delivery_id", "outcome", "conversation", "received_at"]
    list_filter = ["outcome", "hook"]
    search_fields = ["delivery_id", "hook__key", "conversation__id"]
    readonly_fields = ["hook", "delivery_id", "outcome", "conversation", "detail", "received_at"]
