"""The integrations app's records: credentials and their audit trail, outbound deliveries, calendar bookings."""

from .bookings import CalendarBooking
from .credentials import Credential, CredentialEvent
from .deliveries import OutboundDelivery

__all__ = ["CalendarBooking", "Credential", "CredentialEvent", "OutboundDelivery"]
