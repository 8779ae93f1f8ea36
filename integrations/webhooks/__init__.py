"""Outbound webhooks: Standard Webhooks signing, and the delivery log (for audit and redelivery)."""
