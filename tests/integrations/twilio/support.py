"""Helpers: a Twilio credential, and Twilio's signature over a post as its RequestValidator computes it."""

from __future__ import annotations

from collections.abc import Mapping

from twilio.request_validator import RequestValidator

from integrations.models import Credential
from tests.integrations.nodes.support import credential

SID = "AC" + "a1" * 16
TOKEN = "twilio-auth-token-0f9e8d7c6b5a"


def make_credential(base_url: str = "http://127.0.0.1:9", *, token: str = TOKEN) -> Credential:
    """A Twilio credential (its API at base_url: a closed port unless a test's server is given)."""
    settings = {"account_sid": SID, "auth": "auth_token", "base_url": base_url}
    return credential("Twilio", "twilio", settings, {"auth_token": token})


def twilio_signature(url: str, form: Mapping[str, str], token: str = TOKEN) -> str:
    """The X-Twilio-Signature Twilio would send with this form posted to this URL."""
    return RequestValidator(token).compute_signature(url, dict(form))
