"""Django admin: flows and versions; conversations with their messages; runs (read-only) with their steps; hooks;
flow assets (uploaded files); timers with their state (read-only); the agents' teams."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from . import actions, assets
from .graph import GraphShapeError, check_shape
from .models import (
    Channel,
    Conversation,
    Flow,
    FlowAsset,
    FlowVersion,
    Hook,
    HookDelivery,
    Message,
    OptOut,
    Run,
    Step,
    Team,
    Timer,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class VersionInline(ReadOnlyMixin, admin.TabularInline):
    model = FlowVersion
    fields = ["number", "published_by", "published_at", "note"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


class FlowForm(forms.ModelForm):
    class Meta:
        model = Flow
        fields = ["name", "slug", "graph", "owner"]

    def clean_graph(self):
        graph = self.cleaned_data["graph"]
        try:
            check_shape(graph)
        except GraphShapeError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return graph


@admin.register(Flow)
class FlowAdmin(admin.ModelAdmin):
    form = FlowForm
    list_display = ["name", "slug", "owner", "updated_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["problems", "revision", "created_at", "updated_at"]
    inlines = [VersionInline]

    def save_model(self, request, obj, form, change):
        # Through the action: the draft's problems are found again and it becomes the next revision, so a builder
        # tab that opened the previous one gets a conflict instead of silently saving over this change.
        actions.save_flow(obj, graph=obj.graph if "graph" in form.changed_data else None)


@admin.register(FlowVersion)
class FlowVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["flow", "number", "published_by", "published_at", "note"]
    list_filter = ["flow"]


class MessageInline(ReadOnlyMixin, admin.TabularInline):
    model = Message
    fields = ["created_at", "direction", "text", "choices", "delivery_status", "error_code", "client_message_id", "run"]
    readonly_fields = fields
    extra = 0


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["id", "flow", "version", "channel", "external_user_id", "status", "updated_at"]
    list_filter = ["status", "handoff_status", "flow", "channel"]
    search_fields = ["id", "external_user_id"]
    readonly_fields = [
        "id",
        "flow",
        "version",
        "waiting_node",
        "awaiting",
        "created_at",
        "updated_at",
        # Changed through the inbox only (claim, release, close keep the flow and the customer in step).
        "handoff_status",
        "handoff_node",
        "handoff_reason",
        "handoff_team",
        "handoff_priority",
        "handoff_requested_at",
        "handoff_claimed_at",
        "handoff_agent",
        "handoff_agent_name",
    ]
    exclude = ["token_hash"]
    inlines = [MessageInline]

    def has_add_permission(self, request):
        # A conversation starts through the chat API (which makes its token); a form here could only fail.
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "conversation", "direction", "text", "delivery_status", "error_code", "created_at"]
    list_filter = ["direction", "delivery_status"]
    search_fields = ["text", "client_message_id", "provider_sid"]


class OptOutInline(admin.TabularInline):
    model = OptOut
    fields = ["address", "created_at"]
    readonly_fields = ["created_at"]
    extra = 0


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    """SMS and WhatsApp numbers connected to flows; the opt-out list of each (delete a row to let a number back in)."""

    list_display = ["sender", "kind", "flow", "credential", "created_at"]
    list_filter = ["kind", "flow"]
    search_fields = ["sender"]
    readonly_fields = ["id", "created_at"]
    inlines = [OptOutInline]


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


@admin.register(Timer)
class TimerAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "flow", "conversation", "kind", "name", "node_id", "state", "due_at", "fired_count"]
    list_filter = ["state", "kind", "flow"]
    search_fields = ["name", "conversation__id", "node_id"]
    date_hierarchy = "due_at"


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


class FlowAssetForm(forms.ModelForm):
    file = forms.FileField(
        required=False, help_text="The file itself; on a change, leave empty to keep the current one."
    )

    class Meta:
        model = FlowAsset
        fields = ["file", "name", "flow", "filename", "content_type"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "filename", "content_type"):
            self.fields[name].required = False
        self.fields["name"].help_text += " Blank: the file's name."
        self.fields["filename"].help_text += " Blank: the uploaded file's name."
        self.fields["content_type"].help_text = "Such as application/pdf. Blank: guessed from the file name."

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            if not self.instance.pk:
                raise forms.ValidationError("Choose the file to upload.")
            return None
        limit = int(settings.FLOW_ASSET_MAX_BYTES)
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; a flow asset may be at most {filesizeformat(limit)} "
                "(FLOW_ASSET_MAX_BYTES)."
            )
        return upload

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            assets.fill(self.instance, upload.read(), upload.name, getattr(upload, "content_type", "") or "")
            for name in ("name", "filename"):
                if not data.get(name):
                    data[name] = getattr(self.instance, name)
            data["content_type"] = data.get("content_type") or self.instance.content_type
        elif self.instance.pk:
            for name in ("name", "filename", "content_type"):
                data[name] = data.get(name) or getattr(self.instance, name)
        name, flow = data.get("name"), data.get("flow")
        clash = FlowAsset.objects.filter(name=name, flow=flow).exclude(pk=self.instance.pk)
        if name and clash.exists():
            where = f"the flow {flow}" if flow else "the shared assets"
            self.add_error("name", f"{where.capitalize()} already have an asset named {name!r}.")
        return data


@admin.register(FlowAsset)
class FlowAssetAdmin(admin.ModelAdmin):
    form = FlowAssetForm
    list_display = ["name", "flow", "filename", "content_type", "size_shown", "uploaded_at"]
    list_filter = ["flow"]
    search_fields = ["name", "filename"]
    readonly_fields = ["size_shown", "sha256", "uploaded_at"]

    @admin.display(description="Size", ordering="size")
    def size_shown(self, asset: FlowAsset) -> str:
        return filesizeformat(asset.size) if asset.size is not None else "-"


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    """The agents' teams: the handoff step suggests their names, the inbox filters by them (Admin role manages)."""

    list_display = ["name", "description"]
    search_fields = ["name", "description"]
