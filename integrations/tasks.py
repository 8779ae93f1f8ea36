"""Celery tasks of the integrations app (found by autodiscovery here): bulk email, sent in slices."""

from .email_batches import send_email_batch

__all__ = ["send_email_batch"]
