"""Fixtures: a local Google (token endpoint, Sheets v4, Calendar v3), a test service account key, credentials."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from integrations.http.redis import client as redis_client
from tests.integrations.nodes.conftest import loopback, server, svc  # noqa: F401 - the same loopback, Services, server
from tests.integrations.nodes.support import credential

from .fake_google import FakeGoogle, serve

EMAIL = "flowbot@bot-project.iam.gserviceaccount.com"
_names = itertools.count(1)


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def google():
    """The local Google; every request it served must match Google's discovery documents."""
    fake = FakeGoogle()
    httpd = serve(fake)
    yield fake
    httpd.shutdown()
    httpd.server_close()
    assert fake.problems == []


@pytest.fixture(autouse=True)
def fresh_buckets():
    """Rate buckets and cached tokens are keyed by credential id, which a rolled-back test database hands out again."""
    redis = redis_client()
    for pattern in ("fb:rate:credential:*", "fb:google:*"):
        for key in redis.scan_iter(pattern):
            redis.delete(key)


def pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture
def key_info(rsa_key, google) -> dict[str, Any]:
    """A service account key file as Google Cloud issues it, its token_uri pointing at the local Google."""
    google.public_keys[EMAIL] = rsa_key.public_key()
    return {
        "type": "service_account",
        "project_id": "bot-project",
        "private_key_id": "4f1c0a9e8b7d6c5b4a39281706f5e4d3c2b1a090",
        "private_key": pem(rsa_key),
        "client_email": EMAIL,
        "client_id": "104857600000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": f"{google.base}/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "universe_domain": "googleapis.com",
    }


@pytest.fixture
def make_sa(key_info, google, db):
    def make(rate_limit: str = "60/m", **settings: Any):
        base = {"client_email": EMAIL, "project_id": "bot-project", "rate_limit": rate_limit, "endpoint": google.base}
        return credential(f"Google bot {next(_names)}", "google_service_account", {**base, **settings},
                          {"service_account_key": json.dumps(key_info)})  # fmt: skip

    return make


@pytest.fixture
def make_oauth(google, db):
    """A Google OAuth credential (user consent) whose client and refresh token the local Google knows."""
    google.oauth_clients["1//refresh-abc"] = ("client-1.apps.googleusercontent.com", "secret-xyz")

    def make(name: str = "Dr Who", refresh_token: str = "1//refresh-abc"):
        settings = {"client_id": "client-1.apps.googleusercontent.com", "token_uri": f"{google.base}/token",
                    "endpoint": google.base}  # fmt: skip
        secrets = {"client_secret": "secret-xyz", "refresh_token": refresh_token}
        return credential(name, "google_oauth", settings, secrets)

    return make
