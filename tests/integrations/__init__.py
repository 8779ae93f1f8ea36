"""Tests of the integrations: the HTTP client, the vault, and the outbound nodes."""
