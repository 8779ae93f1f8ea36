"""What both Google kinds (service account, OAuth) do with a request: a Google API URL, a bearer token, a client.

The token comes from `integrations/providers/google.py`'s GoogleAccess, the one place that fetches Google tokens: the
JWT grant of a service account or the refresh-token grant of an OAuth credential, sent through the guarded client,
cached in Redis encrypted by the vault, a fresh one after a 401.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from integrations.providers import google

from .base import Kind, Outgoing, set_header


class GoogleRequests(Kind):
    """The request and client half of a Google kind; the kinds add their fields, validation and check."""

    def host(self, resolved: Any) -> str:
        return urlsplit(google.endpoint(resolved)).hostname or google.GOOGLE_API_DOMAIN

    def prepare(self, resolved: Any, out: Outgoing, services: Any) -> None:
        """A full URL of a Google API (or of the endpoint override), and the credential's rate limit."""
        out.url = google.api_url(resolved, out.url)
        out.rate_keys.extend(google.rate_keys(resolved))

    def authenticate(self, resolved: Any, out: Outgoing, services: Any, *, fresh: bool = False) -> None:
        access = google.GoogleAccess(resolved, services, google.request_scopes(resolved))
        set_header(out.headers, "Authorization", f"Bearer {access.token(fresh=fresh)}")

    def renews(self, resolved: Any) -> bool:
        return True  # a token revoked or expired early: one fresh token, one more try

    def client(self, resolved: Any, services: Any, **options: Any) -> Any:
        """A gspread client (library="gspread", scopes, timeout_s, retry) authorized as this credential."""
        return google.client(resolved, services, **options)
