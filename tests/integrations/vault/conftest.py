"""Vault tests: a fresh vault key per test, loopback opened to the guarded client, credentials made as admin does."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet

from integrations import vault
from integrations.models import Credential


@pytest.fixture(autouse=True)
def vault_key(settings) -> str:
    """Every test encrypts under a key of its own, so none touches var/vault.key."""
    key = Fernet.generate_key().decode()
    settings.VAULT_KEYS = [key]
    return key


@pytest.fixture(autouse=True)
def loopback_allowed(settings):
    settings.SSRF_ALLOW = ["127.0.0.1"]


@pytest.fixture
def base_url(httpserver) -> str:
    """The local HTTP server, by address: the allow-list names 127.0.0.1."""
    return f"http://127.0.0.1:{httpserver.port}"


def make_credential(name: str, kind: str = "api_connection", settings: dict[str, Any] | None = None,
                    **secrets: Any) -> Credential:  # fmt: skip
    """A credential stored as the admin form stores it: settings as they are, secrets encrypted."""
    return Credential.objects.create(
        name=name,
        kind=kind,
        settings=settings or {},
        secrets_encrypted=vault.encrypt(secrets) if secrets else "",
    )
