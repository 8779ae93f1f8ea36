"""The integrations app's records: credentials and their audit trail, outbound deliveries."""

from .credentials import Credential, CredentialEvent
from .deliveries import OutboundDelivery

__all__ = ["Credential", "CredentialEvent", "OutboundDelivery"]
