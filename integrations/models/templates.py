"""Admins' own integration templates: the same shape as the shipped JSON files, checked the same way before save."""

from __future__ import annotations

from typing import Any

from django.db import models

METHODS = [(m, m) for m in ("GET", "POST", "PUT", "PATCH", "DELETE")]
BODY_TYPES = [("json", "JSON"), ("form", "Form fields"), ("none", "No body")]
RESPONSE_TYPES = [("auto", "By Content-Type"), ("json", "JSON"), ("xml", "XML"), ("text", "Text")]
CREDENTIAL_KINDS = [
    ("", "None"),
    ("api_connection", "API connection"),
    ("webhook_url", "Webhook URL"),
    ("telegram_bot", "Telegram bot"),
]
# Where each part of the template's data lives on the model, so a problem lands on its own form field.
FIELD_OF = {
    "key": "key",
    "name": "name",
    "description": "description",
    "icon": "icon",
    "reference": "reference",
    "credential.kind": "credential_kind",
    "credential.help": "credential_help",
    "credential.settings": "credential_settings",
    "credential.hosts": "credential_hosts",
    "parameters": "parameters",
    "request.method": "method",
    "request.url": "url",
    "request.query": "query",
    "request.headers": "headers",
    "request.body_type": "body_type",
    "request.body": "body",
    "response.type": "response_type",
    "response.mapping": "mapping",
}


def _empty_schema() -> dict[str, Any]:
    return {"type": "object", "properties": {}, "required": []}


class IntegrationTemplate(models.Model):
    """One template an admin wrote: parameters (JSON Schema), the request recipe and the response mapping."""

    key = models.CharField(max_length=60, unique=True, help_text="How flows refer to it, such as crm_create_lead.")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    icon = models.CharField(max_length=40, default="plug", help_text="An icon name, such as plug, globe, mail.")
    reference = models.URLField(blank=True, max_length=500, help_text="The API reference this recipe follows.")
    enabled = models.BooleanField(default=True, help_text="Only enabled templates are offered and run.")
    credential_kind = models.CharField(max_length=40, blank=True, choices=CREDENTIAL_KINDS)
    credential_help = models.CharField(
        max_length=1000, blank=True, help_text="What credential to create, in a sentence."
    )
    credential_settings = models.JSONField(
        default=dict, blank=True, help_text='Pre-fills the credential form, such as {"base_url": "https://api.x.com"}.'
    )
    credential_hosts = models.JSONField(
        default=list, blank=True, help_text='Webhook URLs only: the hosts allowed, such as ["hooks.slack.com"].'
    )
    parameters = models.JSONField(
        default=_empty_schema, help_text="A JSON Schema object: the form the canvas shows for this template."
    )
    method = models.CharField(max_length=6, choices=METHODS, default="POST")
    url = models.CharField(
        max_length=2000,
        blank=True,
        help_text="A full URL, or with a credential a path relative to its base URL; {{ params.x }} is "
        "percent-encoded where it is inserted.",
    )
    query = models.JSONField(default=dict, blank=True, help_text='Query parameters: {"name": "{{ params.x }}"}.')
    headers = models.JSONField(default=dict, blank=True, help_text='Headers: {"Name": "value"}.')
    body_type = models.CharField(max_length=4, choices=BODY_TYPES, default="json")
    body = models.JSONField(
        null=True,
        blank=True,
        help_text='The body as JSON; each text is a template: "{{ params.email }}" alone keeps the value\'s type, and '
        "a member whose value is missing is left out.",
    )
    response_type = models.CharField(max_length=4, choices=RESPONSE_TYPES, default="auto")
    mapping = models.JSONField(
        default=list,
        blank=True,
        help_text='Response to variables: [{"variable": "contact_id", "path": "id", "cast": "string"}].',
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"

    def as_data(self) -> dict[str, Any]:
        """The template as the shipped JSON files write it."""
        credential = None
        if self.credential_kind:
            credential = {
                "kind": self.credential_kind,
                "help": self.credential_help,
                "settings": self.credential_settings or {},
                "hosts": self.credential_hosts or [],
            }
        return {
            "key": self.key,
            "name": self.name,
            "description": self.description,
            "icon": self.icon or "plug",
            "reference": self.reference,
            "credential": credential,
            "parameters": self.parameters,
            "request": {
                "method": self.method,
                "url": self.url,
                "query": self.query or {},
                "headers": self.headers or {},
                "body_type": self.body_type,
                "body": self.body,
            },
            "response": {"type": self.response_type, "mapping": self.mapping or []},
        }


def field_for(path: str) -> tuple[str, str]:
    """The model field a problem's path belongs to (the longest known prefix), and the rest of the path."""
    best = ""
    for prefix in FIELD_OF:
        if (path == prefix or path.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    if not best:
        return ("credential_kind", "") if path == "credential" else ("__all__", path)
    return FIELD_OF[best], path[len(best) + 1 :]
