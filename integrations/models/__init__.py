"""The integrations app's records: credentials and their audit trail, outbound deliveries, bulk email batches,
integration templates and calendar bookings."""

from .bookings import CalendarBooking
from .credentials import Credential, CredentialEvent
from .deliveries import OutboundDelivery
from .email import EmailBatch, EmailBatchAttachment, EmailBatchItem
from .templates import IntegrationTemplate

__all__ = [
    "CalendarBooking",
    "Credential",
    "CredentialEvent",
    "EmailBatch",
    "EmailBatchAttachment",
    "EmailBatchItem",
    "IntegrationTemplate",
    "OutboundDelivery",
]
