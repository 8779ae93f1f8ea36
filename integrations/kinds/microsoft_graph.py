"""Microsoft 365 / Outlook calendar through Microsoft Graph, as an app registration with client credentials.

In Entra ID (Azure AD): register an app, add the application permission Calendars.ReadWrite and grant admin
consent, create a client secret. The mailbox is the user (email or id) whose calendar is booked. Authority and
Graph URL default to Microsoft's public cloud (national clouds, and tests, override them). The connection check
gets a token and reads the mailbox's calendar.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import RATE, URL, CheckFailed, Field, Kind

AUTHORITY = "https://login.microsoftonline.com"
GRAPH_URL = "https://graph.microsoft.com/v1.0"


class MicrosoftGraph(Kind):
    key = "microsoft_graph"
    label = "Microsoft 365 calendar (Graph)"
    description = "An Outlook / Microsoft 365 mailbox's calendar through Microsoft Graph, for the Calendar node."
    fields = (
        Field("tenant_id", "Tenant ID", "Directory (tenant) ID of the app registration.", required=True),
        Field("client_id", "Client ID", "Application (client) ID.", required=True),
        Field("client_secret", "Client secret", secret=True, required=True),
        Field("mailbox", "Mailbox", "The user whose calendar is booked: email address or user id.", required=True),
        Field("authority", "Authority URL", f"Blank for {AUTHORITY}.", type=URL),
        Field("graph_url", "Graph URL", f"Blank for {GRAPH_URL}.", type=URL),
        Field("rate_limit", "Rate limit", 'At most this many requests, such as "10/s"; blank for none.', type=RATE),
    )  # fmt: skip

    def clean(self, settings: Mapping[str, Any], secrets: Mapping[str, Any]) -> dict[str, str]:
        tenant = str(settings.get("tenant_id") or "")
        if tenant and ("/" in tenant or " " in tenant):
            return {"tenant_id": "A tenant ID is a GUID or a domain such as contoso.onmicrosoft.com."}
        return {}

    def summary(self, settings: Mapping[str, Any]) -> str:
        return str(settings.get("mailbox") or "")

    def check(self, resolved, services) -> str:
        from integrations.calendars import CalendarError, provider

        try:
            return provider(resolved, services).check()
        except CalendarError as exc:
            raise CheckFailed(str(exc)) from None
