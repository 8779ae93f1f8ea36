"""Microsoft 365 / Outlook calendar through Microsoft Graph, as an app registration with client credentials.

In Entra ID (Azure AD): register an app, add the application permission Calendars.ReadWrite and grant admin
consent, create a client secret. The mailbox is the user (email or id) whose calendar is booked. Authority and
Graph URL default to Microsoft's public cloud (national clouds, and tests, override them). The connection check
gets a token and reads the mailbox's calendar.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import quote, urlsplit

from integrations.errors import CredentialError
from integrations.providers.calendars.outlook import AUTHORITY, GRAPH_URL

from .base import RATE, URL, CheckFailed, Field, Kind, Outgoing, set_header


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

    def prepare(self, resolved: Any, out: Outgoing, services: Any) -> None:
        """Graph URLs are whole (the provider builds them from the Graph URL setting); the token goes only there."""
        graph = urlsplit(str(resolved.settings.get("graph_url") or GRAPH_URL))
        target = urlsplit(out.url or "")
        if (target.scheme, target.netloc.lower()) != (graph.scheme, graph.netloc.lower()):
            raise CredentialError(
                f"The credential {resolved.name!r} is for Microsoft Graph at {graph.netloc}, so it is not sent to "
                f"{target.netloc or repr(out.url[:100])}; give a full URL of Graph."
            )

    def authenticate(self, resolved: Any, out: Outgoing, services: Any, *, fresh: bool = False) -> None:
        token = services.client_credentials_token(_token_grant(resolved), fresh=fresh)
        set_header(out.headers, "Authorization", f"Bearer {token}")

    def renews(self, resolved: Any) -> bool:
        return True  # a token revoked or expired early: one fresh token, one more try

    def host(self, resolved: Any) -> str:
        return urlsplit(str(resolved.settings.get("graph_url") or GRAPH_URL)).hostname or ""

    def check(self, resolved, services) -> str:
        from integrations.providers.calendars import CalendarError, provider

        try:
            return provider(resolved, services).check()
        except CalendarError as exc:
            raise CheckFailed(str(exc)) from None


def _token_grant(resolved: Any) -> Any:
    """The app registration as OAuth2 client credentials at {authority}/{tenant}/oauth2/v2.0/token."""
    conf = resolved.settings
    authority = str(conf.get("authority") or AUTHORITY).rstrip("/")
    graph = urlsplit(str(conf.get("graph_url") or GRAPH_URL).rstrip("/"))
    return replace(
        resolved,
        settings={
            "token_url": f"{authority}/{quote(str(conf.get('tenant_id') or ''), safe='')}/oauth2/v2.0/token",
            "client_id": str(conf.get("client_id") or ""),
            "scope": f"{graph.scheme}://{graph.netloc}/.default",
            "token_auth": "form",  # Microsoft's documented form: client_id and client_secret in the body
        },
        secrets={"client_secret": str(resolved.secrets.get("client_secret") or "")},
    )
