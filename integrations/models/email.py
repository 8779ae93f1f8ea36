"""Bulk email: one batch per bulk send, one item per recipient (its own message and result), shared attachments."""

from django.db import models


class EmailBatch(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        SENDING = "sending"
        DONE = "done"

    # run:node:n, so a redelivered turn that runs the node again finds its batch instead of sending it twice.
    key = models.CharField(max_length=200, unique=True, null=True, blank=True, editable=False)
    run_id = models.UUIDField(null=True, blank=True, db_index=True)
    flow_id = models.CharField(max_length=40, blank=True)
    node_id = models.CharField(max_length=100, blank=True)
    credential = models.ForeignKey(
        "integrations.Credential", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sender = models.CharField(max_length=400, help_text="The From header, as sent.")
    subject = models.CharField(max_length=400, blank=True, help_text="The first recipient's subject, for the list.")
    timeout_s = models.FloatField(default=30.0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    total = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "email batches"

    def __str__(self) -> str:
        return f"email batch {self.pk}: {self.sent} sent, {self.failed} failed of {self.total}"

    def progress(self) -> dict:
        return {
            "id": self.pk,
            "status": self.status,
            "total": self.total,
            "sent": self.sent,
            "failed": self.failed,
            "pending": max(0, self.total - self.sent - self.failed),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


class EmailBatchItem(models.Model):
    """One recipient's message: rendered when the node ran, sent by the batch task, with the server's answer."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"

    batch = models.ForeignKey(EmailBatch, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    email = models.CharField(max_length=320, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    message = models.JSONField(default=dict, blank=True, help_text="to, cc, bcc, reply_to, subject, text, html.")
    message_id = models.CharField(max_length=300, blank=True)
    response = models.CharField(max_length=400, blank=True, help_text="The SMTP server's answer.")
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "position"]
        constraints = [models.UniqueConstraint(fields=["batch", "position"], name="unique_email_batch_position")]
        indexes = [models.Index(fields=["batch", "status"])]

    def __str__(self) -> str:
        return f"{self.email or '(no address)'} ({self.status})"


class EmailBatchAttachment(models.Model):
    """A file every message of the batch carries, fetched or loaded once when the node ran."""

    batch = models.ForeignKey(EmailBatch, on_delete=models.CASCADE, related_name="attachments")
    position = models.PositiveIntegerField(default=0)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["batch", "position"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.size} bytes)"
