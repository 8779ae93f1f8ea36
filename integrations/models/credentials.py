"""Credentials: one record per connection to an outside service, secret fields encrypted at rest."""

from django.db import models


class Credential(models.Model):
    """Non-secret settings in `settings`; secret fields in `secrets_encrypted` (MultiFernet token of a JSON object)."""

    class CheckStatus(models.TextChoices):
        UNCHECKED = "unchecked"
        OK = "ok"
        FAILED = "failed"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, db_index=True)
    settings = models.JSONField(default=dict, blank=True, help_text="Non-secret fields of the kind.")
    secrets_encrypted = models.TextField(blank=True, editable=False)
    check_status = models.CharField(max_length=10, choices=CheckStatus.choices, default=CheckStatus.UNCHECKED)
    check_message = models.TextField(blank=True)
    check_latency_ms = models.FloatField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class CredentialEvent(models.Model):
    """The audit log: created, changed, checked, used (by which run), rotated."""

    class Action(models.TextChoices):
        CREATED = "created"
        CHANGED = "changed"
        CHECKED = "checked"
        USED = "used"
        ROTATED = "rotated"
        DELETED = "deleted"

    credential = models.ForeignKey(Credential, null=True, on_delete=models.SET_NULL, related_name="events")
    credential_name = models.CharField(max_length=200, help_text="Kept when the credential is deleted.")
    action = models.CharField(max_length=10, choices=Action.choices, db_index=True)
    actor = models.CharField(max_length=150, blank=True, help_text="The admin user, or empty for the system.")
    run_id = models.UUIDField(null=True, blank=True, db_index=True, help_text="The run that used it.")
    flow_id = models.CharField(max_length=40, blank=True)
    node_id = models.CharField(max_length=100, blank=True)
    detail = models.CharField(max_length=500, blank=True, help_text="Never a secret.")
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.credential_name} {self.action} at {self.at:%Y-%m-%d %H:%M:%S}"
