"""Admin for the integrations app: credentials, outbound deliveries and integration templates (one module each)."""

from . import credential_admin, delivery_admin, template_admin  # noqa: F401 - each module registers its ModelAdmins
