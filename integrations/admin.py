"""Admin for the integrations app: credentials, outbound deliveries, integration templates and bulk email batches."""

from . import credential_admin, delivery_admin, email_admin, template_admin  # noqa: F401 - each registers its admins
