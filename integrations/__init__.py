"""Outside services: credentials vault, the guarded HTTP client, provider clients, webhooks, health checks."""
