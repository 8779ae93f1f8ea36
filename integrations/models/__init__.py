"""The integrations app's records: credentials and their audit trail, outbound deliveries."""

from .credentials import Credential, CredentialEvent
from .deliveries import OutboundDelivery
from .templates import IntegrationTemplate

__all__ = ["Credential", "CredentialEvent", "IntegrationTemplate", "OutboundDelivery"]
