"""Intercom: an access token (Developer Hub app, or OAuth) for Intercom's REST API, sent as a bearer token.

The base URL is a setting (https://api.intercom.io; api.eu.intercom.io and api.au.intercom.io for other regions; a
test's local server). The connection check fetches the app the token belongs to (GET /me), which changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from integrations.errors import CredentialError

from .base import URL, CheckFailed, Field, Kind, Outgoing, Unverified, set_header

DEFAULT_BASE_URL = "https://api.intercom.io"
API_VERSION = "2.11"


def base_url(settings: Mapping[str, Any]) -> str:
    return str(settings.get("base_url") or DEFAULT_BASE_URL).rstrip("/")


def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json", "Intercom-Version": API_VERSION}


class Intercom(Kind):
    key = "intercom"
    label = "Intercom"
    description = "An Intercom access token, for contacts, conversations, notes, tags and events."
    fields = (
        Field("base_url", "API URL", "https://api.intercom.io (EU: https://api.eu.intercom.io, Australia: "
              "https://api.au.intercom.io).", type=URL, default=DEFAULT_BASE_URL, required=True),
        Field("access_token", "Access token", "From your Intercom app (Developer Hub, Authentication).",
              secret=True, required=True),
        Field("client_secret", "Client secret (webhooks)", "From your Intercom app (Developer Hub, Basic information): "
              "verifies Intercom's webhook notifications (X-Hub-Signature). Needed for handoffs routed to Intercom.",
              secret=True),
    )  # fmt: skip

    def summary(self, settings: Mapping[str, Any]) -> str:
        return base_url(settings)

    def host(self, resolved: Any) -> str:
        return urlsplit(base_url(resolved.settings)).hostname or ""

    def prepare(self, resolved: Any, out: Outgoing, services: Any) -> None:
        """A path of Intercom's API (/contacts/search); the token goes only to the credential's own API URL."""
        if urlsplit(out.url).scheme or out.url.startswith("//"):
            raise CredentialError(f"The credential {resolved.name!r} takes a path of Intercom's API, not a full URL.")
        out.url = f"{base_url(resolved.settings)}/{out.url.lstrip('/')}"
        for name, value in headers("").items():
            if name != "Authorization":
                set_header(out.headers, name, value)

    def authenticate(self, resolved: Any, out: Outgoing, services: Any, *, fresh: bool = False) -> None:
        set_header(out.headers, "Authorization", f"Bearer {resolved.secrets.get('access_token') or ''}")

    def verify(self, resolved: Any, headers: Mapping[str, str], body: bytes, **options: Any) -> str:
        """A webhook notification signed by the app: X-Hub-Signature is sha1= the HMAC-SHA1 hex of the body with the
        app's client secret. Returns "" (Intercom's notification id is in the body)."""
        secret = str(resolved.secrets.get("client_secret") or "")
        if not secret:
            raise Unverified(
                "misconfigured", f"The Intercom credential {resolved.name!r} has no client secret to verify webhooks."
            )
        given = {k.lower(): v for k, v in headers.items()}.get("x-hub-signature", "").strip()
        if not given:
            raise Unverified("invalid_signature", "The X-Hub-Signature header is missing.")
        expected = "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
        if not hmac.compare_digest(given.lower(), expected):
            raise Unverified("invalid_signature", "The X-Hub-Signature does not match the body.")
        return ""

    def check(self, resolved: Any, services: Any) -> str:
        url = f"{base_url(resolved.settings)}/me"
        response = services.http.request(
            "GET", url, headers=headers(str(resolved.secrets.get("access_token") or "")), timeout_s=10
        )
        if response.status == 401:
            raise CheckFailed("Intercom refused the access token: HTTP 401 Unauthorized.")
        try:
            body = response.json()
        except ValueError:
            body = None
        if not response.ok or not isinstance(body, dict):
            raise CheckFailed(f"GET /me on {urlsplit(url).netloc} answered HTTP {response.status}.")
        app = body.get("app") or {}
        return (
            f"Intercom app {app.get('name') or '?'} ({app.get('id_code') or '?'}), as {body.get('email') or 'the app'}."
        )
