"""Bulk email: a batch is stored with one rendered message per recipient, then sent in slices by a Celery task.

Each item is claimed (pending -> sending) by a conditional UPDATE before its message goes out, so two copies of the
task (a redelivery while the first still runs) never send the same item; an item found still `sending` long after
its claim belonged to a worker that died mid-send and is failed, not sent again: it may have gone out already.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import timedelta
from email.utils import formataddr, parseaddr
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F
from django.utils import timezone

from . import kinds
from .credentials import CredentialError, ResolvedCredential, resolve
from .errors import OutboundError, RateLimited
from .http import ratelimit
from .models import EmailBatch, EmailBatchAttachment, EmailBatchItem
from .providers import mail, smtp
from .redaction import Redactor

log = logging.getLogger(__name__)

KIND = "smtp"
MAX_ATTEMPTS = 3  # per item, for temporary failures (4xx, the server unreachable)
STALE_AFTER_S = 60  # plus twice the timeout: a claim this old belongs to a worker that is gone


def rate_key(cred: ResolvedCredential) -> tuple[str, str] | None:
    rate = str(cred.settings.get("rate_limit") or "").replace(" ", "")
    return (f"credential:{cred.id}", rate) if rate else None


def sender_of(cred: ResolvedCredential) -> mail.Mailbox:
    return mail.mailbox(str(cred.settings.get("from_address") or ""), str(cred.settings.get("from_name") or ""), "From")


def create(
    cred: ResolvedCredential,
    *,
    key: str | None,
    run_id: Any,
    flow_id: str,
    node_id: str,
    items: Sequence[dict[str, Any]],
    attachments: Sequence[mail.Attachment],
    timeout_s: float,
) -> EmailBatch:
    """Store the batch (or find the one a previous delivery of this turn stored) and queue its sending on commit.

    items: {"email", "message": {...}, "message_id"} for a message to send, or {"email", "error"} for a recipient
    whose message could not be made (a bad address): it is recorded as failed and sent nothing.
    """
    with transaction.atomic():
        existing = EmailBatch.objects.filter(key=key).first() if key else None
        if existing is not None:
            batch = existing
        else:
            sender = sender_of(cred)
            failed = sum(1 for item in items if item.get("error"))
            first: dict[str, Any] = next((item["message"] for item in items if not item.get("error")), {})
            batch = EmailBatch.objects.create(
                key=key,
                run_id=run_id,
                flow_id=flow_id or "",
                node_id=node_id,
                credential_id=cred.id,
                sender=formataddr((sender.name, sender.email)),
                subject=str(first.get("subject", ""))[:400],
                timeout_s=timeout_s,
                total=len(items),
                failed=failed,
            )
            EmailBatchItem.objects.bulk_create(
                [
                    EmailBatchItem(
                        batch=batch,
                        position=i,
                        email=str(item.get("email") or "")[:320],
                        status=EmailBatchItem.Status.FAILED if item.get("error") else EmailBatchItem.Status.PENDING,
                        error=str(item.get("error") or ""),
                        message={} if item.get("error") else item["message"],
                        message_id=str(item.get("message_id") or ""),
                    )
                    for i, item in enumerate(items)
                ],
                batch_size=500,
            )
            EmailBatchAttachment.objects.bulk_create(
                [
                    EmailBatchAttachment(
                        batch=batch,
                        position=i,
                        filename=a.filename,
                        content_type=a.content_type,
                        size=len(a.data),
                        data=a.data,
                    )
                    for i, a in enumerate(attachments)
                ]
            )
        if batch.status != EmailBatch.Status.DONE:
            batch_id = batch.pk
            transaction.on_commit(lambda: send_email_batch.delay(batch_id))
    return batch


def progress(batch_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Current progress of these batches (the run's steps show it), by id."""
    return {b.pk: b.progress() for b in EmailBatch.objects.filter(pk__in=list(batch_ids))}


def item_result(item: EmailBatchItem) -> dict[str, Any]:
    return {
        "position": item.position,
        "email": item.email,
        "status": item.status,
        "message_id": item.message_id,
        "response": item.response,
        "error": item.error,
        "attempts": item.attempts,
        "sent_at": item.sent_at.isoformat() if item.sent_at else None,
    }


# --- sending -------------------------------------------------------------------------------------------------------


def _boxes(pairs: Any) -> list[mail.Mailbox]:
    return [mail.Mailbox(email=str(p[0]), name=str(p[1] if len(p) > 1 else "")) for p in pairs or []]


def draft_of(batch: EmailBatch, item: EmailBatchItem, attachments: list[mail.Attachment]) -> mail.Draft:
    name, address = parseaddr(batch.sender)
    m = item.message
    return mail.Draft(
        sender=mail.Mailbox(email=address, name=name),
        to=_boxes(m.get("to")),
        cc=_boxes(m.get("cc")),
        bcc=_boxes(m.get("bcc")),
        reply_to=_boxes(m.get("reply_to")),
        subject=str(m.get("subject") or ""),
        text=str(m.get("text") or ""),
        html=str(m.get("html") or ""),
        attachments=attachments,
    )


class _Slice:
    """One task's share of a batch: send pending items until the slice's time is up; say when to come back."""

    def __init__(self, batch: EmailBatch):
        self.batch = batch
        self.deadline = time.monotonic() + float(settings.EMAIL_BATCH_SLICE_S)
        self.redactor = Redactor()
        self.conn: smtp.Connection | None = None

    def run(self) -> float | None:
        batch = self.batch
        try:
            cred = resolve(batch.credential_id, kinds_allowed=[KIND])
        except CredentialError as exc:
            self._fail_pending(str(exc))
            return self._finish()
        for value in cred.secrets.values():
            if value:
                self.redactor.add(str(value))
        server = kinds.get(KIND).client(cred, None)  # the server and its login, as the smtp kind makes them
        rate = rate_key(cred)
        attachments = [
            mail.Attachment(a.filename, a.content_type, bytes(a.data)) for a in batch.attachments.order_by("position")
        ]
        try:
            while time.monotonic() < self.deadline:
                item = batch.items.filter(status=EmailBatchItem.Status.PENDING).order_by("position").first()
                if item is None:
                    break
                if rate:
                    try:
                        ratelimit.acquire(*rate, max_wait_s=max(0.0, self.deadline - time.monotonic()))
                    except RateLimited:
                        return 0.5  # the next slot is beyond this slice: another task takes it
                    except OutboundError:
                        return 5.0  # Redis did not answer: try again shortly
                if not self._claim(item):
                    continue  # another copy of the task took it
                later = self._send(server, batch, item, attachments)
                if later is not None:
                    return later
        finally:
            if self.conn is not None:
                self.conn.quit()
        return self._finish()

    def _claim(self, item: EmailBatchItem) -> bool:
        now = timezone.now()
        claimed = EmailBatchItem.objects.filter(pk=item.pk, status=EmailBatchItem.Status.PENDING).update(
            status=EmailBatchItem.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        item.attempts += 1
        return bool(claimed)

    def _send(
        self, server: smtp.Server, batch: EmailBatch, item: EmailBatchItem, attachments: list[mail.Attachment]
    ) -> float | None:
        """Send one item; None to go on, or seconds to wait before the batch continues (a temporary failure)."""
        try:
            draft = draft_of(batch, item, attachments)
            data = mail.as_bytes(mail.build(draft, item.message_id or mail.message_id(draft.sender)))
        except (mail.AddressProblem, ValueError) as exc:
            self._done(item, failed=str(exc))
            return None
        if self.conn is None or not self.conn.alive:
            try:
                self.conn = smtp.Connection(server, timeout_s=batch.timeout_s).open()
            except OutboundError as exc:  # unreachable, TLS refused, login refused, SSRF guard
                self.conn = None
                message = str(self.redactor(str(exc)))
                if getattr(exc, "retryable", False) and item.attempts < MAX_ATTEMPTS:
                    self._again(item, message)
                    return 5.0 * item.attempts
                # No message of this batch can go out through this server as it is now.
                self._done(item, failed=message)
                self._fail_pending(f"Not sent: {message}")
                return None
        try:
            sent = self.conn.send(draft.sender.email, draft.recipients, data, smtputf8=draft.needs_smtputf8())
        except smtp.SmtpError as exc:
            self.conn.reset()
            message = str(self.redactor(str(exc)))
            if exc.retryable and item.attempts < MAX_ATTEMPTS:
                self._again(item, message)
                return 5.0 * item.attempts
            self._done(item, failed=message)
            return None
        if sent.refused:
            refused = "; ".join(f"{k}: {v}" for k, v in sent.refused.items())
            self._done(item, response=sent.response, failed=f"Some recipients were refused ({refused}).", sent=True)
        else:
            self._done(item, response=sent.response)
        return None

    def _again(self, item: EmailBatchItem, error: str) -> None:
        EmailBatchItem.objects.filter(pk=item.pk, status=EmailBatchItem.Status.SENDING).update(
            status=EmailBatchItem.Status.PENDING, error=error
        )

    def _done(self, item: EmailBatchItem, *, response: str = "", failed: str = "", sent: bool = False) -> None:
        ok = sent or not failed
        status = EmailBatchItem.Status.SENT if ok else EmailBatchItem.Status.FAILED
        with transaction.atomic():
            changed = EmailBatchItem.objects.filter(pk=item.pk, status=EmailBatchItem.Status.SENDING).update(
                status=status,
                response=response[:400],
                error=failed,
                sent_at=timezone.now() if ok else None,
            )
            if changed:
                counter = "sent" if ok else "failed"
                EmailBatch.objects.filter(pk=item.batch_id).update(**{counter: F(counter) + 1})

    def _fail_pending(self, error: str) -> None:
        with transaction.atomic():
            count = self.batch.items.filter(status=EmailBatchItem.Status.PENDING).update(
                status=EmailBatchItem.Status.FAILED, error=error
            )
            if count:
                EmailBatch.objects.filter(pk=self.batch.pk).update(failed=F("failed") + count)

    def _finish(self) -> float | None:
        """Close the batch when nothing is left; fail claims left behind by a dead worker; else come back later."""
        batch = self.batch
        stale = timezone.now() - timedelta(seconds=STALE_AFTER_S + 2 * batch.timeout_s)
        with transaction.atomic():
            lost = batch.items.filter(status=EmailBatchItem.Status.SENDING, claimed_at__lt=stale).update(
                status=EmailBatchItem.Status.FAILED,
                error="The worker stopped while sending this message; it is not sent again, as it may have gone out.",
            )
            if lost:
                EmailBatch.objects.filter(pk=batch.pk).update(failed=F("failed") + lost)
        open_items = batch.items.filter(status__in=[EmailBatchItem.Status.PENDING, EmailBatchItem.Status.SENDING])
        if open_items.filter(status=EmailBatchItem.Status.PENDING).exists():
            return 0.0
        if open_items.exists():
            return float(STALE_AFTER_S)  # another worker is sending the last ones (or died doing so): look again
        EmailBatch.objects.filter(pk=batch.pk).exclude(status=EmailBatch.Status.DONE).update(
            status=EmailBatch.Status.DONE, finished_at=timezone.now()
        )
        return None


def run_slice(batch_id: int) -> float | None:
    """Send part of a batch; None when the batch is done, else seconds after which to send the rest."""
    batch = EmailBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status == EmailBatch.Status.DONE:
        return None
    EmailBatch.objects.filter(pk=batch.pk, status=EmailBatch.Status.QUEUED).update(
        status=EmailBatch.Status.SENDING, started_at=timezone.now()
    )
    return _Slice(batch).run()


# Named as when it lived in integrations/tasks.py: tasks queued by an earlier release still find it.
@shared_task(
    name="integrations.tasks.send_email_batch", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None
)
def send_email_batch(self: Any, batch_id: int) -> None:
    """Send the batch's pending messages for one slice, then queue the next slice; safe to run twice at once."""
    close_old_connections()
    try:
        later = run_slice(batch_id)
    finally:
        close_old_connections()
    if later is not None:
        # A new task for the rest: each slice is acknowledged on its own, well inside the visibility timeout.
        send_email_batch.apply_async((batch_id,), countdown=later)
