"""Google OAuth: a user's consent (client id and secret, refresh token), for Google Calendar as that user, and for
Google API requests (the REST API node) with the scopes the user consented to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from integrations.providers.calendars.base import CalendarError

from .base import RATE, URL, CheckFailed, Field
from .google_requests import GoogleRequests

TOKEN_URI = "https://oauth2.googleapis.com/token"


class GoogleOauth(GoogleRequests):
    key = "google_oauth"
    label = "Google OAuth (user consent)"
    description = "Google Calendar as a user who consented: an OAuth client and the refresh token it obtained."
    fields = (
        Field("client_id", "Client ID", "The OAuth client (Google Cloud console → APIs & Services → Credentials).",
              required=True),
        Field("client_secret", "Client secret", secret=True, required=True),
        Field("refresh_token", "Refresh token", "Obtained once with the user's consent, with the scope "
              "https://www.googleapis.com/auth/calendar.", secret=True, required=True),
        Field("token_uri", "Token URI", type=URL, default=TOKEN_URI, required=True),
        Field("rate_limit", "Rate limit", 'At most this many requests, such as "60/m"; blank for none.', type=RATE),
        Field("endpoint", "API endpoint (advanced)", "Blank for Google. A Google-compatible server (or a test server) "
              "to send Calendar requests to instead.", type=URL),
    )  # fmt: skip

    def clean(self, settings: Mapping[str, Any], secrets: Mapping[str, Any]) -> dict[str, str]:
        client_id = str(settings.get("client_id") or "")
        if client_id and any(c.isspace() for c in client_id):
            return {"client_id": "A client ID has no spaces, such as 1234-abc.apps.googleusercontent.com."}
        return {}

    def summary(self, settings: Mapping[str, Any]) -> str:
        return str(settings.get("client_id") or "")

    def check(self, resolved, services) -> str:
        from integrations.providers.calendars.google import (
            GoogleCalendarProvider,  # googleapiclient loads only for a check
        )

        try:
            return GoogleCalendarProvider(resolved, services, "primary").check()
        except CalendarError as exc:
            raise CheckFailed(str(exc)) from None
