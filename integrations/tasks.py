"""Celery tasks of the integrations app: bulk email, sent in slices (integrations/email_batches.py)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import close_old_connections


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def send_email_batch(self: Any, batch_id: int) -> None:
    """Send the batch's pending messages for one slice, then queue the next slice; safe to run twice at once."""
    from .email_batches import run_slice

    close_old_connections()
    try:
        later = run_slice(batch_id)
    finally:
        close_old_connections()
    if later is not None:
        # A new task for the rest: each slice is acknowledged on its own, well inside the visibility timeout.
        send_email_batch.apply_async((batch_id,), countdown=later)
