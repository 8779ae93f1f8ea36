"""Admin for the integrations app: credentials (credential_admin) and outbound deliveries (delivery_admin)."""

from . import credential_admin, delivery_admin  # noqa: F401 - each module registers its ModelAdmins
