"""Admin for admins' own integration templates: JSON fields as text, every problem shown on its field before save."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from . import kinds
from .catalog import problems_of, shipped
from .models import IntegrationTemplate


class PrettyJSONField(forms.JSONField):
    """JSON shown indented, so a schema or body can be read and edited."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return value  # what was typed, when it did not parse, is shown back as it was
        return json.dumps(value, indent=2, ensure_ascii=False)


class IntegrationTemplateForm(forms.ModelForm):
    class Meta:
        model = IntegrationTemplate
        fields = [
            "key", "name", "description", "icon", "reference", "enabled", "credential_kind", "credential_help",
            "credential_settings", "credential_hosts", "parameters", "method", "url", "query", "headers", "body_type",
            "body", "response_type", "mapping",
        ]  # fmt: skip
        field_classes = {
            name: PrettyJSONField
            for name in ("credential_settings", "credential_hosts", "parameters", "query", "headers", "body", "mapping")
        }
        widgets = {
            "parameters": forms.Textarea(attrs={"rows": 14, "class": "vLargeTextField", "spellcheck": "false"}),
            "body": forms.Textarea(attrs={"rows": 12, "class": "vLargeTextField", "spellcheck": "false"}),
            "mapping": forms.Textarea(attrs={"rows": 5, "class": "vLargeTextField", "spellcheck": "false"}),
            "url": forms.TextInput(attrs={"size": 80}),
        }

    def _post_clean(self) -> None:  # type: ignore[misc]  # ModelForm's own hook, once the instance is built
        super()._post_clean()  # type: ignore[misc]
        # The catalog checks the template as it will read it (the model itself knows nothing of the catalog).
        problems = problems_of(self.instance)
        if problems:
            self._update_errors(ValidationError(problems))  # type: ignore[attr-defined]


@admin.register(IntegrationTemplate)
class IntegrationTemplateAdmin(admin.ModelAdmin):
    form = IntegrationTemplateForm
    list_display = ["name", "key", "credential_label", "method", "enabled", "updated_at"]
    list_filter = ["enabled", "credential_kind"]
    search_fields = ["name", "key", "description"]
    readonly_fields = ["shipped_templates", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["key", "name", "description", "icon", "reference", "enabled"]}),
        ("Credential", {"fields": ["credential_kind", "credential_help", "credential_settings", "credential_hosts"]}),
        (
            "Parameters",
            {
                "fields": ["parameters"],
                "description": "A JSON Schema object; the canvas draws the node's form from it and checks values "
                "against it when the flow is saved and again when it runs.",
            },
        ),
        (
            "Request",
            {
                "fields": ["method", "url", "query", "headers", "body_type", "body"],
                "description": "Templates over params.<name>, credential.<setting> (never a secret) and "
                "conversation_id. JSON bodies are built value by value, so text cannot break out of its string.",
            },
        ),
        ("Response", {"fields": ["response_type", "mapping"]}),
        ("Reference", {"fields": ["shipped_templates", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(description="Credential", ordering="credential_kind")
    def credential_label(self, obj: IntegrationTemplate) -> str:
        return kinds.label(obj.credential_kind) if obj.credential_kind else "None"

    @admin.display(description="Shipped templates (keys taken)")
    def shipped_templates(self, obj: IntegrationTemplate | None = None) -> str:
        return ", ".join(sorted(shipped()))
