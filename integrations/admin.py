"""Admin for the integrations app: credentials (credential_admin), outbound deliveries (delivery_admin) and bulk
email batches (email_admin)."""

from . import credential_admin, delivery_admin, email_admin  # noqa: F401 - each module registers its ModelAdmins
