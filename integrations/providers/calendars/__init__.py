"""Calendar providers behind the one Calendar node: a provider per credential kind, listed once here."""

from __future__ import annotations

from typing import Any

from django.utils.module_loading import import_string

from .base import CalendarError, Event, EventSpec, Provider

__all__ = ["PROVIDERS", "CalendarError", "Event", "EventSpec", "Provider", "kinds", "provider"]

# Credential kind -> provider class. Adding a provider = a module here + a line below + its credential kind.
PROVIDERS = {
    "caldav": "integrations.providers.calendars.caldav.CalDavProvider",
    "google_service_account": "integrations.providers.calendars.google.GoogleCalendarProvider",
    "google_oauth": "integrations.providers.calendars.google.GoogleCalendarProvider",
    "microsoft_graph": "integrations.providers.calendars.outlook.OutlookProvider",
}


def kinds() -> list[str]:
    """The credential kinds a Calendar node accepts."""
    return list(PROVIDERS)


def provider(cred: Any, services: Any, calendar_id: str = "") -> Provider:
    """The provider for a resolved credential, talking through the run's guarded client."""
    try:
        path = PROVIDERS[cred.kind]
    except KeyError:
        raise CalendarError(f"The credential {cred.name!r} is not a calendar connection.") from None
    cls: type[Provider] = import_string(path)
    return cls(cred, services, calendar_id)
